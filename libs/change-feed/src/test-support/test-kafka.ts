import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { decodeCitizenEvent, type CitizenEvent } from '@registry/contracts';
import { testBrokers } from '@registry/testing/kafka-server';

/**
 * Kafka for tests: the real Apache Kafka broker Jest's global setup starts for the run, or the
 * cluster KAFKA_BROKERS names. The real kafkajs client talks to it.
 */
export interface TestKafka {
  readonly brokers: string[];
  readonly description: string;
  client(clientId?: string): Kafka;
}

export async function startTestKafka(): Promise<TestKafka> {
  const { brokers, description } = await testBrokers();
  return {
    brokers,
    description,
    client: (clientId = 'change-feed-test') => new Kafka({ clientId, brokers, logLevel: logLevel.NOTHING }),
  };
}

/** A consumed record with its value decoded by the generated contract code. */
export interface FeedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string;
  readonly headers: Record<string, string>;
  readonly value: Buffer;
  readonly event: CitizenEvent;
  /** When the consumer received it (ms since epoch). */
  readonly receivedAt: number;
}

export interface FeedConsumer {
  readonly records: FeedRecord[];
  /** Waits until `done(records)` holds; rejects after `timeoutMs` with what was seen. */
  until(done: (records: FeedRecord[]) => boolean, timeoutMs?: number): Promise<FeedRecord[]>;
  stop(): Promise<void>;
}

export interface ConsumeOptions {
  /**
   * kafkajs's default (true) commits the group's offsets after every batch, a broker round trip
   * per partition batch; false commits nothing (a group that is never resumed).
   */
  readonly autoCommit?: boolean;
}

/** A consumer group of its own on the topics, from the beginning. */
export async function consumeFeed(
  kafka: Kafka,
  topics: string[],
  keep: (record: FeedRecord) => boolean = () => true,
  options: ConsumeOptions = {},
): Promise<FeedConsumer> {
  const consumer = kafka.consumer({
    groupId: `feed-test-${randomUUID()}`,
    maxWaitTimeInMs: 100,
    sessionTimeout: 10_000,
    heartbeatInterval: 1_000,
  });
  const records: FeedRecord[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  await consumer.run({
    autoCommit: options.autoCommit ?? true,
    eachBatch: async ({ batch }) => {
      const receivedAt = Date.now();
      for (const message of batch.messages) {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(message.headers ?? {})) {
          if (value !== undefined) headers[name] = Array.isArray(value) ? value.map(String).join(',') : String(value);
        }
        const record: FeedRecord = {
          topic: batch.topic,
          partition: batch.partition,
          offset: message.offset,
          key: message.key?.toString() ?? '',
          headers,
          value: message.value ?? Buffer.alloc(0),
          event: decodeCitizenEvent(message.value ?? new Uint8Array()),
          receivedAt,
        };
        if (keep(record)) records.push(record);
      }
    },
  });
  return {
    records,
    async until(done, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (!done(records)) {
        if (Date.now() > deadline)
          throw new Error(`timed out after ${timeoutMs} ms with ${records.length} records consumed`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      return records;
    },
    stop: () => consumer.disconnect(),
  };
}

/** Records of each event id, first occurrence first; the duplicates are the rest. */
export function byEventId(records: readonly FeedRecord[]): Map<string, FeedRecord[]> {
  const seen = new Map<string, FeedRecord[]>();
  for (const record of records) {
    const id = record.headers['event-id'];
    const list = seen.get(id);
    if (list) list.push(record);
    else seen.set(id, [record]);
  }
  return seen;
}

/**
 * Per-PIN order as a consumer that drops repeated event ids sees it: for each PIN (key), the
 * revisions of first occurrences in partition order must increase, and with `contiguous` run
 * 0, 1, 2... (from `firstRevision`). Returns the PINs where they do not.
 */
export function pinsOutOfOrder(
  records: readonly FeedRecord[],
  options: { contiguous: boolean; firstRevision?: (pin: string) => number } = { contiguous: true },
): string[] {
  const seen = new Set<string>();
  const next = new Map<string, number>();
  const broken = new Set<string>();
  const ordered = [...records].sort(
    (a, b) =>
      a.topic.localeCompare(b.topic) || a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)),
  );
  for (const record of ordered) {
    const id = `${record.topic}/${record.headers['event-id']}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const pin = `${record.topic}/${record.key}`;
    const revision = Number(record.event.revision);
    const expected = next.get(pin) ?? options.firstRevision?.(record.key) ?? 0;
    if (options.contiguous ? revision !== expected : revision < expected) broken.add(record.key);
    next.set(pin, revision + 1);
  }
  return [...broken];
}
