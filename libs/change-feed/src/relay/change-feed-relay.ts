import { Partitioners, type Kafka, type Message, type PartitionMetadata, type TopicMessages } from 'kafkajs';
import type { Pool } from 'pg';
import { SpanKind } from '@opentelemetry/api';
import {
  comparePositions,
  formatPosition,
  tracedBatch,
  type EventStore,
  type EventSubscription,
  type Position,
  type RecordedEvent,
} from '@registry/event-store';
import { CheckpointStore } from '../checkpoint/checkpoint-store';
import type { AgencyEntitlement, AgencyEntitlements } from '../entitlements/agency-entitlements';
import { CitizenEventEncoder, feedHeaders, pinOf, PROTOBUF_CONTENT_TYPE } from '../protobuf/citizen-event-message';
import { CITIZEN_EVENTS_TOPIC, CITIZEN_STREAM_PREFIX } from '../topics';
import { sendAcknowledged, TopicPartitions } from './acknowledged-send';
import { EventQueue } from './event-queue';
import { Interruption } from './interruption';
import { RelayLeadership } from './relay-leadership';
import { ensureTopics, type TopicSettings } from './topic-setup';

export interface RelayLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface ChangeFeedRelayOptions {
  readonly relayName: string;
  /** Most events in one produce request. */
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
  /** Position of the last event Kafka acknowledged on every topic, when any. */
  readonly position: string | null;
  /** Events and Kafka records acknowledged since this process started. */
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

/** A batch on its way to Kafka. */
interface InFlight {
  readonly events: readonly RecordedEvent[];
  readonly records: number;
  readonly acknowledged: Promise<unknown>;
}

const FIRST_RETRY_MS = 500;
const FIRST_BATCH_SIZE = 50;
/** How long stop() lets the request in flight be acknowledged and checkpointed (fewer duplicates). */
const STOP_GRACE_MS = 5_000;
const LAST_RETRY_MS = 30_000;

class RelayStopped extends Error {}

/**
 * Relays every citizen event from the event store to Kafka (DESIGN §6): the whole event on
 * `registry.citizen-events.v1`, and on each agency's topic the entitled events reduced to their
 * entitled fields. Key = PIN, so each citizen's events keep their order in one partition.
 *
 * At least once: a topic's checkpoint is stored only after Kafka acknowledged everything up to
 * it; after a crash the relay resumes from the checkpoints and may produce again what was
 * acknowledged but not yet checkpointed. Consumers deduplicate by the `event-id` header.
 * Per-PIN order: one produce request at a time (the idempotent producer's sequence numbers keep
 * kafkajs's own retries in order), in the store's global order.
 */
export class ChangeFeedRelay {
  private readonly encoder: CitizenEventEncoder;
  private readonly leadership: RelayLeadership;
  private readonly reportedDrops = new Set<string>();
  private running: Promise<void> | null = null;
  private stopping = false;
  private wakeSleep: (() => void) | null = null;
  /** The current term's: stop() interrupts its waits. */
  private interruption: Interruption | null = null;
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
      deps.logger.warn(
        dropped.path === ''
          ? `event type ${type} is not in the contract of registry.v1.CitizenEvent: relayed as an envelope without payload`
          : `${type}.${dropped.path} is ${dropped.reason} of registry.v1.CitizenEvent: left out of the feeds`,
      );
    });
    this.leadership = new RelayLeadership(deps.pool, options.relayName);
  }

  /** Runs in the background until stop(): failures are logged and retried with back-off. */
  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.running = this.supervise();
  }

  /**
   * Ends after the request in flight is acknowledged and checkpointed, or abandoned after a grace
   * period (then the next run sends it again: duplicates, never a loss).
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeSleep?.();
    this.queue?.end(); // wakes a relay waiting for events
    const grace = setTimeout(() => this.interruption?.interrupt({ stop: true }), STOP_GRACE_MS);
    try {
      await this.running;
    } finally {
      clearTimeout(grace);
    }
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
        const interruption = new Interruption();
        this.interruption = interruption;
        try {
          const leader = await this.leadership.acquire(
            () => this.stopping,
            () => {
              this.state = 'waiting-for-leadership';
              this.deps.logger.log(
                `change feed ${this.options.relayName}: another process relays; waiting to take over`,
              );
            },
            (error) => interruption.interrupt({ error }),
          );
          if (!leader) break;
          await this.relay(interruption);
          delay = FIRST_RETRY_MS;
        } catch (error) {
          if (this.stopping || error instanceof RelayStopped) break;
          this.state = 'retrying';
          this.lastError = describe(error);
          this.deps.logger.error(
            `change feed ${this.options.relayName} failed (${this.lastError}); retrying in ${delay} ms`,
          );
          await this.sleep(delay);
          delay = Math.min(delay * 2, LAST_RETRY_MS);
        } finally {
          await this.leadership.release();
        }
      }
    } finally {
      if (report) clearInterval(report);
      this.interruption = null;
      this.state = 'stopped';
    }
  }

  /** One leadership term: topics, producer, subscription from the checkpoints, until a failure or stop. */
  private async relay(interruption: Interruption): Promise<void> {
    this.state = 'starting';
    const until = async <T>(work: Promise<T>): Promise<T> => {
      const value = await interruption.race(work);
      if (value === null) throw new RelayStopped();
      return value;
    };
    const sinks = this.sinks();
    const admin = this.deps.kafka.admin();
    let partitions: TopicPartitions;
    try {
      await until(admin.connect());
      const created = await until(
        ensureTopics(
          admin,
          sinks.map((sink) => sink.topic),
          this.options.topics,
        ),
      );
      if (created.length > 0) this.deps.logger.log(`created topics ${created.join(', ')}`);
      const metadata = await until(admin.fetchTopicMetadata({ topics: sinks.map((sink) => sink.topic) }));
      partitions = new TopicPartitions(
        new Map<string, PartitionMetadata[]>(metadata.topics.map((topic) => [topic.name, topic.partitions])),
      );
    } finally {
      await admin.disconnect().catch(() => undefined);
    }

    const checkpoints = new CheckpointStore(this.leadership.session(), this.options.relayName);
    const stored = await until(checkpoints.load(sinks.map((sink) => sink.topic)));
    for (const sink of sinks) sink.after = stored.get(sink.topic);
    const from = sinks.some((sink) => !sink.after)
      ? undefined
      : sinks.map((sink) => sink.after!).sort(comparePositions)[0];

    const producer = this.deps.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1, // one request at a time: batches of a partition never overtake each other
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner, // murmur2 of the key, where Java clients put the PIN too
    });
    const subscription = this.deps.store.subscribeToAll({
      after: from,
      filter: { streamPrefixes: [CITIZEN_STREAM_PREFIX] },
    });
    const queue = new EventQueue<RecordedEvent>(this.options.batchSize * 4);
    const saver = new CheckpointSaver(checkpoints);
    this.queue = queue;
    let filling: Promise<void> | null = null;
    let inFlight: InFlight | null = null;
    // Slow start: a term begins with small requests and doubles them with each acknowledgement,
    // so a fresh process (cold code, a backlog after a crash) checkpoints early and often instead
    // of spending its first second on one large request; fewer duplicates if it dies again.
    let limit = Math.min(FIRST_BATCH_SIZE, this.options.batchSize);
    /** Waits for Kafka's acknowledgement of the batch in flight, then checkpoints it. */
    const settle = async (): Promise<void> => {
      if (!inFlight) return;
      await until(inFlight.acknowledged);
      const { events, records } = inFlight;
      inFlight = null;
      const last = events[events.length - 1].position;
      for (const sink of sinks) if (!sink.after || comparePositions(sink.after, last) < 0) sink.after = last;
      this.acknowledged = last;
      this.events += events.length;
      this.records += records;
      limit = Math.min(limit * 2, this.options.batchSize);
      saver.request(new Map(sinks.map((sink) => [sink.topic, sink.after!])));
    };
    try {
      await until(producer.connect());
      filling = fill(queue, subscription);
      this.deps.logger.log(
        `change feed ${this.options.relayName} relaying ${from ? `after ${formatPosition(from)}` : 'from the beginning'} to ${sinks.length} topics`,
      );
      this.state = 'relaying';
      while (!this.stopping) {
        // Nothing more to encode meanwhile: checkpoint the batch in flight before waiting for events.
        if (inFlight && queue.size === 0) await settle();
        const { batch } = await until(queue.take(limit).then((taken) => ({ batch: taken })));
        if (batch === null) break; // stopping, or the subscription ended (the store closed)
        saver.throwIfFailed();
        const request = this.prepare(sinks, partitions, batch); // encodes while the previous batch is in flight
        await settle();
        // A span per produce request, linked to the requests whose appends wrote its events;
        // kafkajs' own spans (and the traceparent header of each record) come under it.
        const acknowledged =
          request.length > 0
            ? tracedBatch(
                'change-feed relay',
                batch,
                () =>
                  sendAcknowledged(producer, request, (missing) =>
                    this.deps.logger.warn(
                      `change feed ${this.options.relayName}: Kafka acknowledged the request without ${missing.join(', ')}; sending those again`,
                    ),
                  ),
                SpanKind.PRODUCER,
              )
            : Promise.resolve();
        acknowledged.catch(() => undefined); // observed by settle(); an abandoned one must not crash the process
        inFlight = {
          events: batch,
          records: request.reduce((sum, topic) => sum + topic.messages.length, 0),
          acknowledged,
        };
      }
      await settle();
      await saver.flush();
    } finally {
      this.queue = null;
      queue.end();
      await subscription.close();
      await filling;
      await saver.settle();
      await producer.disconnect().catch(() => undefined);
    }
  }

  private sinks(): Sink[] {
    return [
      { topic: CITIZEN_EVENTS_TOPIC, agency: null, after: undefined },
      ...this.deps.entitlements.all().map((agency) => ({ topic: agency.topic, agency, after: undefined })),
    ];
  }

  /** The produce request of a batch: per topic, the records it does not have yet. */
  private prepare(
    sinks: readonly Sink[],
    partitions: TopicPartitions,
    batch: readonly RecordedEvent[],
  ): TopicMessages[] {
    const messages = sinks.map((): Message[] => []);
    for (const event of batch) {
      // One key and one set of headers per event, shared by its records on every topic.
      const key = Buffer.from(pinOf(event));
      const headers = feedHeaderBuffers(event);
      for (let i = 0; i < sinks.length; i++) {
        const sink = sinks[i];
        if (sink.after && comparePositions(event.position, sink.after) <= 0) continue; // that topic has it
        const value = sink.agency ? this.encoder.forAgency(sink.agency, event) : this.encoder.forRegistry(event);
        if (value) messages[i].push({ key, value, headers, partition: partitions.partitionOf(sink.topic, key) });
      }
    }
    return sinks.flatMap((sink, i) => (messages[i].length > 0 ? [{ topic: sink.topic, messages: messages[i] }] : []));
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

const CONTENT_TYPE = Buffer.from(PROTOBUF_CONTENT_TYPE);

function feedHeaderBuffers(event: RecordedEvent): Record<string, Buffer> {
  const text = feedHeaders(event);
  return {
    'event-id': Buffer.from(text['event-id']),
    'event-type': Buffer.from(text['event-type']),
    'schema-version': Buffer.from(text['schema-version']),
    'content-type': CONTENT_TYPE,
  };
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
