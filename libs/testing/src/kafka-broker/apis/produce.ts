import type { Api, BrokerState } from '../context';
import type { AppendResult } from '../partition-log';
import { ApiKey, ErrorCode, newEncoder, readArray, readText, writeArray } from '../protocol';
import { readBatchHeader, splitRecordSet } from '../record-batch';

interface PartitionData {
  readonly partition: number;
  readonly records: Buffer | null;
}

/**
 * Produce v3-v7 (record batch v2 only; older versions carry legacy message sets and would also
 * lose idempotence). The whole batch is stored verbatim, so any compression passes through.
 */
export const produceApi: Api = {
  key: ApiKey.Produce,
  name: 'Produce',
  minVersion: 3,
  maxVersion: 7,
  handle(request, { apiVersion: v, broker }) {
    request.readString(); // transactional id: transactions are not supported (InitProducerId refuses them)
    const acks = request.readInt16();
    request.readInt32(); // timeout: appends are synchronous
    const topics = readArray(request, (d) => ({
      name: readText(d),
      partitions: readArray(d, (p): PartitionData => ({ partition: p.readInt32(), records: p.readBytes() })),
    }));

    const validAcks = acks === 0 || acks === 1 || acks === -1;
    const results = topics.map((topic) => ({
      name: topic.name,
      partitions: topic.partitions.map((data) => ({
        partition: data.partition,
        ...(validAcks
          ? append(broker, topic.name, data)
          : { errorCode: ErrorCode.INVALID_REQUIRED_ACKS, baseOffset: -1 }),
      })),
    }));
    if (acks === 0) return null;

    const response = newEncoder();
    writeArray(response, results, (e, topic) => {
      e.writeString(topic.name);
      writeArray(e, topic.partitions, (p, result) => {
        p.writeInt32(result.partition).writeInt16(result.errorCode).writeInt64(result.baseOffset);
        p.writeInt64(-1); // log append time: topics use CreateTime
        if (v >= 5) p.writeInt64(result.errorCode === ErrorCode.NONE ? 0 : -1); // log start offset
      });
    });
    response.writeInt32(0); // throttle time
    return response;
  },
};

function append(broker: BrokerState, topic: string, { partition, records }: PartitionData): AppendResult {
  const fail = (errorCode: number): AppendResult => ({ errorCode, baseOffset: -1 });
  const log = broker.topics.partition(topic, partition);
  if (!log) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);

  const split = splitRecordSet(records ?? Buffer.alloc(0));
  if ('error' in split)
    return fail(split.error === 'old-format' ? ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT : ErrorCode.INVALID_RECORD);
  // Like Kafka, v3+ takes exactly one batch per partition, which keeps idempotence checks simple.
  if (split.batches.length !== 1) return fail(ErrorCode.INVALID_RECORD);
  const [batch] = split.batches;
  if (readBatchHeader(batch).transactional) return fail(ErrorCode.INVALID_TXN_STATE);

  const endBefore = log.endOffset;
  const result = log.append(batch);
  if (log.endOffset !== endBefore) broker.topics.appended(topic, partition);
  return result;
}
