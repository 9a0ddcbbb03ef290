import type { Api, BrokerState } from '../context';
import { ApiKey, ErrorCode, newEncoder, readArray, readText, writeArray } from '../protocol';
import { isValidTopicName } from '../topic-store';

interface TopicRequest {
  readonly name: string;
  readonly numPartitions: number;
  readonly replicationFactor: number;
  readonly assignments: ReadonlyArray<{ partition: number; replicas: number[] }>;
  readonly configs: ReadonlyMap<string, string | null>;
}

interface Outcome {
  readonly errorCode: number;
  readonly message: string | null;
}

/** CreateTopics v0-v3. With one broker the only possible replication factor is 1. */
export const createTopicsApi: Api = {
  key: ApiKey.CreateTopics,
  name: 'CreateTopics',
  minVersion: 0,
  maxVersion: 3,
  handle(request, { apiVersion: v, broker }) {
    const topics = readArray(request, (d): TopicRequest => ({
      name: readText(d),
      numPartitions: d.readInt32(),
      replicationFactor: d.readInt16(),
      assignments: readArray(d, (a) => ({ partition: a.readInt32(), replicas: readArray(a, (r) => r.readInt32()) })),
      configs: new Map(readArray(d, (c) => [readText(c), c.readString()] as const)),
    }));
    request.readInt32(); // timeout: creation is immediate
    const validateOnly = v >= 1 ? request.readBoolean() : false;

    const seen = new Map<string, number>();
    for (const topic of topics) seen.set(topic.name, (seen.get(topic.name) ?? 0) + 1);

    const response = newEncoder();
    if (v >= 2) response.writeInt32(0);
    writeArray(response, topics, (e, topic) => {
      const outcome: Outcome =
        (seen.get(topic.name) ?? 0) > 1
          ? {
              errorCode: ErrorCode.INVALID_REQUEST,
              message: `Topic '${topic.name}' appears more than once in the request.`,
            }
          : create(broker, topic, validateOnly);
      e.writeString(topic.name).writeInt16(outcome.errorCode);
      if (v >= 1) e.writeString(outcome.message);
    });
    return response;
  },
};

function create(broker: BrokerState, topic: TopicRequest, validateOnly: boolean): Outcome {
  const fail = (errorCode: number, message: string): Outcome => ({ errorCode, message });
  if (!isValidTopicName(topic.name)) return fail(ErrorCode.INVALID_TOPIC, `Topic name '${topic.name}' is illegal.`);
  if (broker.topics.get(topic.name))
    return fail(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${topic.name}' already exists.`);

  let partitions: number;
  if (topic.assignments.length > 0) {
    if (topic.numPartitions !== -1 || topic.replicationFactor !== -1) {
      return fail(
        ErrorCode.INVALID_REQUEST,
        'Both numPartitions or replicationFactor and replicasAssignments were set.',
      );
    }
    const count = topic.assignments.length;
    const ids = new Set(topic.assignments.map((a) => a.partition));
    const valid =
      ids.size === count &&
      [...ids].every((id) => id >= 0 && id < count) &&
      topic.assignments.every((a) => a.replicas.length === 1 && a.replicas[0] === broker.node.nodeId);
    if (!valid)
      return fail(
        ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        `Partitions must be 0..n-1, each on broker ${broker.node.nodeId} only.`,
      );
    partitions = topic.assignments.length;
  } else {
    partitions = topic.numPartitions === -1 ? broker.defaultPartitions : topic.numPartitions;
    if (partitions < 1) return fail(ErrorCode.INVALID_PARTITIONS, 'Number of partitions must be larger than 0.');
    if (topic.replicationFactor !== -1 && topic.replicationFactor !== 1) {
      return fail(
        ErrorCode.INVALID_REPLICATION_FACTOR,
        `Replication factor: ${topic.replicationFactor} larger than available brokers: 1.`,
      );
    }
  }

  if (!validateOnly) broker.topics.create(topic.name, partitions, topic.configs);
  return { errorCode: ErrorCode.NONE, message: null };
}
