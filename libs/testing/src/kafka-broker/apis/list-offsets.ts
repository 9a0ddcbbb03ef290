import type { Api, BrokerState } from '../context';
import { ApiKey, ErrorCode, newEncoder, readArray, readText, writeArray } from '../protocol';

const LATEST = -1;
const EARLIEST = -2;

interface Answer {
  readonly partition: number;
  readonly errorCode: number;
  readonly timestamp: number;
  readonly offset: number;
}

/** ListOffsets v1-v3: latest (-1), earliest (-2), or the first offset at/after a timestamp. */
export const listOffsetsApi: Api = {
  key: ApiKey.ListOffsets,
  name: 'ListOffsets',
  minVersion: 1,
  maxVersion: 3,
  async handle(request, { apiVersion: v, broker }) {
    request.readInt32(); // replica id
    if (v >= 2) request.readInt8(); // isolation level: no transactions, so both levels agree
    const topics = readArray(request, (d) => ({
      name: readText(d),
      partitions: readArray(d, (p) => ({ partition: p.readInt32(), timestamp: Number(p.readInt64()) })),
    }));

    const answers: Array<{ name: string; partitions: Answer[] }> = [];
    for (const topic of topics) {
      const partitions: Answer[] = [];
      for (const { partition, timestamp } of topic.partitions) {
        partitions.push({ partition, ...(await lookUp(broker, topic.name, partition, timestamp)) });
      }
      answers.push({ name: topic.name, partitions });
    }

    const response = newEncoder();
    if (v >= 2) response.writeInt32(0);
    writeArray(response, answers, (e, topic) => {
      e.writeString(topic.name);
      writeArray(e, topic.partitions, (p, a) =>
        p.writeInt32(a.partition).writeInt16(a.errorCode).writeInt64(a.timestamp).writeInt64(a.offset),
      );
    });
    return response;
  },
};

async function lookUp(
  broker: BrokerState,
  topic: string,
  partition: number,
  timestamp: number,
): Promise<Omit<Answer, 'partition'>> {
  const log = broker.topics.partition(topic, partition);
  if (!log) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, timestamp: -1, offset: -1 };
  if (timestamp === LATEST) return { errorCode: ErrorCode.NONE, timestamp: -1, offset: log.endOffset };
  if (timestamp === EARLIEST) return { errorCode: ErrorCode.NONE, timestamp: -1, offset: log.startOffset };
  const found = await log.offsetForTimestamp(timestamp);
  return { errorCode: ErrorCode.NONE, timestamp: found?.timestamp ?? -1, offset: found?.offset ?? -1 };
}
