import { Partitioners, type Message, type PartitionMetadata, type Producer, type TopicMessages } from 'kafkajs';

/** How often a request may come back with partitions Kafka did not acknowledge before the term fails. */
const MAX_RESENDS = 10;

/**
 * The partition of a PIN's records: murmur2 of the key modulo the topic's partitions, as kafkajs's
 * DefaultPartitioner and the Java client compute it. The relay names the partition itself so it
 * can tell, from Kafka's answer, which records were acknowledged (see sendAcknowledged).
 */
export class TopicPartitions {
  private readonly partitioner = Partitioners.DefaultPartitioner();
  /** The last key's partition per partition count: an event's records on every topic share one key. */
  private lastKey: Buffer | null = null;
  private readonly lastPartitions = new Map<number, number>();

  constructor(private readonly partitions: ReadonlyMap<string, PartitionMetadata[]>) {}

  partitionOf(topic: string, key: Buffer): number {
    const partitionMetadata = this.partitions.get(topic);
    if (!partitionMetadata?.length) throw new Error(`no partition metadata for ${topic}`);
    if (key !== this.lastKey) {
      this.lastKey = key;
      this.lastPartitions.clear();
    }
    const known = this.lastPartitions.get(partitionMetadata.length);
    if (known !== undefined) return known;
    const partition = this.partitioner({ topic, partitionMetadata, message: { key, value: null } });
    this.lastPartitions.set(partitionMetadata.length, partition);
    return partition;
  }
}

/**
 * Sends the request and resolves only once Kafka acknowledged every partition of it.
 *
 * Why not trust sendBatch alone: kafkajs 2.2.4 retries a request that failed on one broker (its
 * leader died, or answered NOT_LEADER_OR_FOLLOWER) by sending again only to brokers that have not
 * answered yet. When the failed partitions' leadership moved to a broker that already answered
 * (the usual case when a broker of three dies), their records are never sent, and sendBatch still
 * resolves: the three-broker fault test lost 13 events that way. Each answer names its
 * partitions, so the records of partitions nobody acknowledged are sent again with the same
 * producer. kafkajs rolled back its sequence numbers for them when their request failed, so a copy
 * the dead leader did replicate is recognised by the new leader as a duplicate and written once;
 * nothing later of those partitions was sent meanwhile (one request at a time), so per-PIN order holds.
 */
export async function sendAcknowledged(
  producer: Producer,
  request: readonly TopicMessages[],
  onResend: (missing: string[]) => void,
): Promise<void> {
  let pending: TopicMessages[] = [...request];
  for (let resend = 0; pending.length > 0; resend++) {
    const answers = await producer.sendBatch({ topicMessages: pending, acks: -1 });
    const acknowledged = new Set(
      answers.filter((answer) => answer.errorCode === 0).map((answer) => `${answer.topicName}/${answer.partition}`),
    );
    pending = pending.flatMap(({ topic, messages }) => {
      const left = messages.filter((message: Message) => !acknowledged.has(`${topic}/${message.partition}`));
      return left.length > 0 ? [{ topic, messages: left }] : [];
    });
    if (pending.length === 0) return;
    const missing = [
      ...new Set(pending.flatMap(({ topic, messages }) => messages.map((m) => `${topic}/${m.partition}`))),
    ];
    if (resend >= MAX_RESENDS)
      throw new Error(`Kafka did not acknowledge ${missing.join(', ')} after ${MAX_RESENDS} resends`);
    onResend(missing);
  }
}
