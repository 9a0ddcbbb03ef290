import type { Api, BrokerState } from '../context';
import { ApiKey, ErrorCode, newEncoder, readArray, readNullableArray, readText, writeArray } from '../protocol';

interface Increase {
  readonly name: string;
  readonly count: number;
  readonly assignments: number[][] | null;
}

/** CreatePartitions v0-v1: grows a topic; existing partitions and their data are untouched. */
export const createPartitionsApi: Api = {
  key: ApiKey.CreatePartitions,
  name: 'CreatePartitions',
  minVersion: 0,
  maxVersion: 1,
  handle(request, { broker }) {
    const increases = readArray(request, (d): Increase => ({
      name: readText(d),
      count: d.readInt32(),
      assignments: readNullableArray(d, (a) => readArray(a, (r) => r.readInt32())),
    }));
    request.readInt32(); // timeout
    const validateOnly = request.readBoolean();

    const response = newEncoder().writeInt32(0);
    writeArray(response, increases, (e, increase) => {
      const { errorCode, message } = grow(broker, increase, validateOnly);
      e.writeString(increase.name).writeInt16(errorCode).writeString(message);
    });
    return response;
  },
};

function grow(
  broker: BrokerState,
  { name, count, assignments }: Increase,
  validateOnly: boolean,
): { errorCode: number; message: string | null } {
  const topic = broker.topics.get(name);
  if (!topic) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, message: `Topic '${name}' does not exist.` };
  const current = topic.partitions.length;
  if (count <= current) {
    return {
      errorCode: ErrorCode.INVALID_PARTITIONS,
      message: `Topic currently has ${current} partitions, which is higher than the requested ${count}.`,
    };
  }
  const node = broker.node.nodeId;
  if (
    assignments &&
    (assignments.length !== count - current || !assignments.every((r) => r.length === 1 && r[0] === node))
  ) {
    return {
      errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT,
      message: `New partitions can only be placed on broker ${node}.`,
    };
  }
  if (!validateOnly) broker.topics.addPartitions(name, count);
  return { errorCode: ErrorCode.NONE, message: null };
}
