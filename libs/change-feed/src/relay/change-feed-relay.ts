import { Partitioners, type Kafka, type Message, type Producer } from 'kafkajs';
import type { Pool } from 'pg';
import { comparePositions, formatPosition, type EventStore, type EventSubscription, type Position, type RecordedEvent } from '@registry/event-store';
import { CheckpointStore } from '../checkpoint/checkpoint-store';
import { CitizenEventEncoder, feedHeaders, pinOf } from '../protobuf/citizen-event-message';
import type { AgencyEntitlement, AgencyEntitlements } from '../entitlements/agency-entitlements';
import { CITIZEN_EVENTS_TOPIC, CITIZEN_STREAM_PREFIX } from '../topics';
import { EventQueue } from './event-queue';
import { RelayLeadership } from './relay-leadership';
import { ensureTopics, type TopicSettings } from './topic-setup';

export interface RelayLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface ChangeFeedRelayOptions {
  readonly relayName: string;
  readonly batchSize: number;
  readonly topics: TopicSettings;
  /** Interval of the progress line in the log; 0 turns it off. */
  readonly reportEveryMs?: number;
}

export interface ChangeFeedRelayDependencies {
  readonly store: EventStore;
  readonly pool: Pool;
  readonly kafka: Kafka;
  readonly entitlements: AgencyEntitlements;
  readonly logger: RelayLogger;
}

export type RelayState = 'stopped' | 'waiting-for-leadership' | 'starting' | 'relaying' | 'retrying';

export interface RelayStatus {
  readonly state: RelayState;
  /** Position of the last event Kafka acknowledged (all topics), when any. */
  readonly position: string | null;
  readonly events: number;
  readonly records: number;
  readonly lastError: string | null;
}

/** One destination topic and the position it has been acknowledged up to. */
interface Sink {
  readonly topic: string;
  readonly agency: AgencyEntitlement | null;
  after: Position | undefined;
}

const FIRST_RETRY_MS = 500;
const LAST_RETRY_MS = 30_000;

/**
 * Relays every citizen event from the event store to Kafka (DESIGN §6): the whole event on
 * `registry.citizen-events.v1`, and on each agency's topic the entitled events reduced to their
 * entitled fields. Key = PIN, so each citizen's events keep their order in one partition.
 *
 * At least once: a topic's checkpoint is stored only after Kafka acknowledged everything up to
 * it; after a crash the relay resumes from the checkpoints and may produce again what was
 * acknowledged but not yet checkpointed. Consumers deduplicate by the `event-id` header.
 */
export class ChangeFeedRelay {
  private readonly encoder: CitizenEventEncoder;
  private readonly checkpoints: CheckpointStore;
  private readonly leadership: RelayLeadership;
  private readonly reportedDrops = new Set<string>();
  private running: Promise<void> | null = null;
  private stopping = false;
  private wakeSleep: (() => void) | null = null;
  /** Resolves with null on stop(), to abandon a send Kafka may retry for a long time. */
  private stopped: Promise<null> = new Promise(() => undefined);
  private signalStop: (() => void) | null = null;
  private subscription: EventSubscription | null = null;
  private queue: EventQueue<RecordedEvent> | null = null;
  private state: RelayState = 'stopped';
  private acknowledged: Position | null = null;
  private events = 0;
  private records = 0;
  private lastError: string | null = null;

  constructor(
    private readonly deps: ChangeFeedRelayDependencies,
    private readonly options: ChangeFeedRelayOptions,
  ) {
    this.encoder = new CitizenEventEncoder((type, dropped) => {
      const key = `${type}.${dropped.path}`;
      if (this.reportedDrops.has(key)) return;
      this.reportedDrops.add(key);
      deps.logger.warn(`${type}.${dropped.path} is ${dropped.reason} of registry.v1.CitizenEvent: left out of the feeds`);
    });
    this.checkpoints = new CheckpointStore(deps.pool, options.relayName);
    this.leadership = new RelayLeadership(deps.pool, options.relayName);
  }

  /** Runs in the background until stop(): failures are logged and retried with back-off. */
  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.stopped = new Promise<null>((resolve) => (this.signalStop = () => resolve(null)));
    this.running = this.supervise();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.signalStop?.();
    this.wakeSleep?.();
    this.queue?.end();
    await this.subscription?.close();
    await this.running;
    this.running = null;
    const at = this.acknowledged ? formatPosition(this.acknowledged) : 'nothing yet';
    this.deps.logger.log(`change feed ${this.options.relayName} stopped; acknowledged up to ${at}`);
  }

  status(): RelayStatus {
    return {
      state: this.state,
      position: this.acknowledged ? formatPosition(this.acknowledged) : null,
      events: this.events,
      records: this.records,
      lastError: this.lastError,
    };
  }

  private async supervise(): Promise<void> {
    let delay = FIRST_RETRY_MS;
    const report = this.startReports();
    try {
      while (!this.stopping) {
        try {
          const leader = await this.leadership.acquire(
            () => this.stopping,
            () => {
              this.state = 'waiting-for-leadership';
              this.deps.logger.log(`change feed ${this.options.relayName}: another process relays; waiting to take over`);
            },
          );
          if (!leader) break;
          await this.relay();
          delay = FIRST_RETRY_MS;
        } catch (error) {
          if (this.stopping) break;
          this.state = 'retrying';
          this.lastError = describe(error);
          this.deps.logger.error(`change feed ${this.options.relayName} failed (${this.lastError}); retrying in ${delay} ms`);
          await this.sleep(delay);
          delay = Math.min(delay * 2, LAST_RETRY_MS);
        } finally {
          await this.leadership.release();
        }
      }
    } finally {
      if (report) clearInterval(report);
      this.state = 'stopped';
    }
  }

  /** One leadership term: topics, producer, subscription from the checkpoints, until a failure or stop. */
  private async relay(): Promise<void> {
    this.state = 'starting';
    const sinks = this.sinks();
    const admin = this.deps.kafka.admin();
    await this.unlessStopped(admin.connect());
    try {
      const created = await this.unlessStopped(ensureTopics(admin, sinks.map((sink) => sink.topic), this.options.topics));
      if (created.length > 0) this.deps.logger.log(`created topics ${created.join(', ')}`);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }

    const stored = await this.checkpoints.load(sinks.map((sink) => sink.topic));
    for (const sink of sinks) sink.after = stored.get(sink.topic);
    const from = sinks.some((sink) => !sink.after) ? undefined : sinks.map((sink) => sink.after!).sort(comparePositions)[0];

    const producer = this.deps.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1, // what idempotence requires: batches of one partition never overtake each other
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner, // murmur2 of the key, as Java clients place PINs
    });
    try {
      await this.unlessStopped(producer.connect());
    } catch (error) {
      await producer.disconnect().catch(() => undefined);
      throw error;
    }
    const subscription = this.deps.store.subscribeToAll({ after: from, filter: { streamPrefixes: [CITIZEN_STREAM_PREFIX] } });
    const queue = new EventQueue<RecordedEvent>(this.options.batchSize * 4);
    this.subscription = subscription;
    this.queue = queue;
    const filling = fill(queue, subscription);
    const saver = new CheckpointSaver(this.checkpoints);
    this.deps.logger.log(
      `change feed ${this.options.relayName} relaying ${from ? `after ${formatPosition(from)}` : 'from the beginning'} to ${sinks.length} topics`,
    );
    this.state = 'relaying';
    try {
      while (!this.stopping) {
        const batch = await Promise.race([queue.take(this.options.batchSize), this.leadership.lost, this.stopped]);
        if (batch === null) break;
        saver.throwIfFailed();
        const sent = await Promise.race([this.send(producer, sinks, batch).then(() => true), this.leadership.lost, this.stopped]);
        if (sent === null) break; // stopping: this batch is not checkpointed, the next run sends it again
        const last = batch[batch.length - 1].position;
        for (const sink of sinks) if (!sink.after || comparePositions(sink.after, last) < 0) sink.after = last;
        this.acknowledged = last;
        this.events += batch.length;
        saver.request(new Map(sinks.map((sink) => [sink.topic, sink.after!])));
      }
      await saver.flush();
    } finally {
      queue.end();
      await subscription.close();
      await filling;
      this.subscription = null;
      this.queue = null;
      await saver.settle();
      await producer.disconnect().catch(() => undefined);
    }
  }

  /** Kafka clients retry for long when the cluster is away; stop() must not wait for them. */
  private async unlessStopped<T>(work: Promise<T>): Promise<T> {
    const outcome = await Promise.race([work.then((value) => ({ value })), this.stopped]);
    if (outcome === null) {
      work.catch(() => undefined);
      throw new Error('change feed relay stopped');
    }
    return outcome.value;
  }

  private sinks(): Sink[] {
    return [
      { topic: CITIZEN_EVENTS_TOPIC, agency: null, after: undefined },
      ...this.deps.entitlements.all().map((agency) => ({ topic: agency.topic, agency, after: undefined })),
    ];
  }

  private async send(producer: Producer, sinks: readonly Sink[], batch: readonly RecordedEvent[]): Promise<void> {
    const messages = new Map<string, Message[]>(sinks.map((sink) => [sink.topic, []]));
    for (const event of batch) {
      const key = pinOf(event);
      const headers = feedHeaders(event);
      for (const sink of sinks) {
        if (sink.after && comparePositions(event.position, sink.after) <= 0) continue; // that topic has it
        const value = sink.agency ? this.encoder.forAgency(sink.agency, event) : this.encoder.forRegistry(event);
        if (value) messages.get(sink.topic)!.push({ key, value: Buffer.from(value.buffer, value.byteOffset, value.byteLength), headers });
      }
    }
    const topicMessages = [...messages].filter(([, list]) => list.length > 0).map(([topic, list]) => ({ topic, messages: list }));
    if (topicMessages.length === 0) return;
    await producer.sendBatch({ topicMessages, acks: -1 });
    for (const { messages: list } of topicMessages) this.records += list.length;
  }

  private startReports(): NodeJS.Timeout | null {
    const every = this.options.reportEveryMs ?? 60_000;
    if (every <= 0) return null;
    let events = this.events;
    const timer = setInterval(() => {
      if (this.events === events) return;
      this.deps.logger.log(
        `change feed ${this.options.relayName}: ${this.events - events} events relayed in the last ${Math.round(every / 1000)} s, ` +
          `acknowledged up to ${this.acknowledged ? formatPosition(this.acknowledged) : 'nothing'}`,
      );
      events = this.events;
    }, every);
    timer.unref();
    return timer;
  }

  private async sleep(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeSleep = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wakeSleep = null;
  }
}

async function fill(queue: EventQueue<RecordedEvent>, subscription: EventSubscription): Promise<void> {
  try {
    for await (const event of subscription) {
      if (!(await queue.push(event))) break;
    }
    queue.end();
  } catch (error) {
    queue.fail(error);
  }
}

/**
 * Writes checkpoints behind the sender without holding it up: at most one write in flight, and
 * only the newest positions are written. Positions given here were all acknowledged by Kafka.
 */
class CheckpointSaver {
  private pending: ReadonlyMap<string, Position> | null = null;
  private writing: Promise<void> | null = null;
  private failure: { error: unknown } | null = null;

  constructor(private readonly store: CheckpointStore) {}

  request(positions: ReadonlyMap<string, Position>): void {
    this.pending = positions;
    this.writing ??= this.drain();
  }

  throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }

  async flush(): Promise<void> {
    await this.writing;
    this.throwIfFailed();
  }

  /** Waits for the write in flight, whatever its outcome. */
  async settle(): Promise<void> {
    await this.writing;
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending) {
        const positions = this.pending;
        this.pending = null;
        await this.store.save(positions);
      }
    } catch (error) {
      this.failure ??= { error };
    } finally {
      this.writing = null;
    }
  }
}

/** Error text for the log: names and messages of the registry and its clients, never event data. */
function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
