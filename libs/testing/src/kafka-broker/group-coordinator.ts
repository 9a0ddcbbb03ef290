import { ConsumerGroup } from './consumer-group';
import { ErrorCode } from './protocol';
import type { TopicStore } from './topic-store';

export interface CommittedOffset {
  readonly offset: number;
  readonly metadata: string | null;
}

export interface OffsetToCommit extends CommittedOffset {
  readonly topic: string;
  readonly partition: number;
}

/** How often sessions and join deadlines are checked; the precision of session timeouts. */
const EXPIRY_CHECK_INTERVAL_MS = 100;

/** Every consumer group and its committed offsets. The broker is the coordinator of all groups. */
export class GroupCoordinator {
  private readonly groups = new Map<string, ConsumerGroup>();
  /** group -> topic -> partition -> committed offset */
  private readonly offsets = new Map<string, Map<string, Map<number, CommittedOffset>>>();
  private readonly expiryTimer: NodeJS.Timeout;

  constructor(private readonly topics: TopicStore) {
    this.expiryTimer = setInterval(() => {
      for (const group of this.groups.values()) group.expire();
    }, EXPIRY_CHECK_INTERVAL_MS);
    this.expiryTimer.unref();
  }

  group(groupId: string): ConsumerGroup | undefined {
    return this.groups.get(groupId);
  }

  findOrCreate(groupId: string): ConsumerGroup {
    let group = this.groups.get(groupId);
    if (!group) {
      group = new ConsumerGroup(groupId);
      this.groups.set(groupId, group);
    }
    return group;
  }

  /** Every group that was joined or committed to; Kafka lists empty groups too. */
  groupIds(): string[] {
    return [...new Set([...this.groups.keys(), ...this.offsets.keys()])].sort();
  }

  /** Returns one error code per offset, in order. */
  commit(groupId: string, generationId: number, memberId: string, offsets: readonly OffsetToCommit[]): number[] {
    let group = this.groups.get(groupId);
    if (!group) {
      // A commit without group management creates the (empty) group; anything else is stale.
      if (generationId >= 0) return offsets.map(() => ErrorCode.ILLEGAL_GENERATION);
      group = this.findOrCreate(groupId);
    }
    const groupError = group.checkCommit(memberId, generationId);
    if (groupError !== ErrorCode.NONE) return offsets.map(() => groupError);

    return offsets.map(({ topic, partition, offset, metadata }) => {
      if (!this.topics.partition(topic, partition)) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      const byTopic = this.offsets.get(groupId) ?? new Map<string, Map<number, CommittedOffset>>();
      const byPartition = byTopic.get(topic) ?? new Map<number, CommittedOffset>();
      byPartition.set(partition, { offset, metadata });
      byTopic.set(topic, byPartition);
      this.offsets.set(groupId, byTopic);
      return ErrorCode.NONE;
    });
  }

  committed(groupId: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.offsets.get(groupId)?.get(topic)?.get(partition);
  }

  committedPartitions(groupId: string): Array<{ topic: string; partitions: number[] }> {
    return [...(this.offsets.get(groupId) ?? new Map<string, Map<number, CommittedOffset>>())].map(
      ([topic, byPartition]) => ({
        topic,
        partitions: [...byPartition.keys()].sort((a, b) => a - b),
      }),
    );
  }

  /** Kafka drops the committed offsets of a deleted topic. */
  forgetTopic(topic: string): void {
    for (const byTopic of this.offsets.values()) byTopic.delete(topic);
  }

  close(): void {
    clearInterval(this.expiryTimer);
    for (const group of this.groups.values()) group.abortWaiting(ErrorCode.COORDINATOR_NOT_AVAILABLE);
  }
}
