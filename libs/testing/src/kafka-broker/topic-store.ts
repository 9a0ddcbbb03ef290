import { PartitionLog } from './partition-log';

export interface Topic {
  readonly name: string;
  readonly partitions: PartitionLog[];
  readonly configs: ReadonlyMap<string, string | null>;
}

/** Kafka's rule for topic names: 1-249 characters of [a-zA-Z0-9._-], and not "." or "..". */
export function isValidTopicName(name: string): boolean {
  return /^[a-zA-Z0-9._-]{1,249}$/.test(name) && name !== '.' && name !== '..';
}

interface DataWaiter {
  readonly keys: ReadonlySet<string>;
  readonly wake: () => void;
}

const keyOf = (topic: string, partition: number): string => `${partition}:${topic}`;

/** All topics and their partition logs, plus the wake-up signal that long-polling fetches wait on. */
export class TopicStore {
  private readonly topics = new Map<string, Topic>();
  private readonly waiters = new Set<DataWaiter>();

  names(): string[] {
    return [...this.topics.keys()].sort();
  }

  get(name: string): Topic | undefined {
    return this.topics.get(name);
  }

  partition(topic: string, partition: number): PartitionLog | undefined {
    return this.topics.get(topic)?.partitions[partition];
  }

  create(name: string, partitionCount: number, configs: ReadonlyMap<string, string | null> = new Map()): Topic {
    const topic: Topic = {
      name,
      partitions: Array.from({ length: partitionCount }, () => new PartitionLog()),
      configs,
    };
    this.topics.set(name, topic);
    return topic;
  }

  addPartitions(name: string, totalCount: number): void {
    const topic = this.topics.get(name);
    if (!topic) return;
    while (topic.partitions.length < totalCount) topic.partitions.push(new PartitionLog());
  }

  delete(name: string): boolean {
    const deleted = this.topics.delete(name);
    // Fetches waiting on the topic must answer now (with UNKNOWN_TOPIC_OR_PARTITION).
    if (deleted) this.wakeAll();
    return deleted;
  }

  /** Call after appending to a partition, to answer the fetches waiting for it. */
  appended(topic: string, partition: number): void {
    const key = keyOf(topic, partition);
    for (const waiter of this.waiters) if (waiter.keys.has(key)) waiter.wake();
  }

  /**
   * Resolves when one of the given partitions gets new data, after `timeoutMs`, or on wakeAll();
   * whichever comes first. Callers re-check their condition afterwards.
   */
  waitForData(partitions: ReadonlyArray<{ topic: string; partition: number }>, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const waiter: DataWaiter = {
        keys: new Set(partitions.map((p) => keyOf(p.topic, p.partition))),
        wake: () => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve();
        },
      };
      const timer = setTimeout(waiter.wake, Math.max(0, timeoutMs));
      this.waiters.add(waiter);
    });
  }

  wakeAll(): void {
    for (const waiter of [...this.waiters]) waiter.wake();
  }
}
