import {
  BACKWARDS,
  END,
  FORWARDS,
  KurrentDBClient,
  START,
  jsonEvent,
  type AppendStreamState,
} from '@kurrent/kurrentdb-client';
import type {
  AppendResult,
  EventStore,
  EventSubscription,
  EventToAppend,
  ExpectedRevision,
  NewStream,
  NewStreamOutcome,
  Position,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
} from '../event-store.port';
import { InvalidEventStoreRequestError, PartialRetryError, WrongExpectedRevisionError } from '../errors';
import { appendEachNewStream } from '../new-streams';
import { comparePositions } from '../position';
import { validateAppend } from '../validation';
import {
  compileFilter,
  errorType,
  RECORDED_AT,
  toClientPosition,
  toPortError,
  toPosition,
  toRecordedEvent,
} from './kurrentdb-mapping';
import { KurrentDbSubscription } from './kurrentdb-subscription';
import { tracedAppend } from '../trace-context';

const DEFAULT_READ_ALL = 1000;
const MAX_READ_ALL = 10_000;
const APPEND_ATTEMPTS = 6;

/**
 * An append cut off by a dropped connection may or may not have been written. Sending it again
 * is safe: the event ids are deterministic and the server recognises a repeated append, so a
 * second write returns the first one's result instead of duplicating it.
 */
async function retryOnConnectionLoss<T>(append: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await append();
    } catch (error) {
      const type = errorType(error);
      if (attempt >= APPEND_ATTEMPTS || (type !== 'unavailable' && type !== 'cancelled')) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** (attempt - 1)));
    }
  }
}

/**
 * The event store on KurrentDB (DESIGN.md §4): streams are KurrentDB streams, positions are its
 * (commit, prepare) log positions, and $all is already gap-free, so reads need no visibility
 * horizon. Appends go through the client's batch-append session when the server offers one.
 */
export class KurrentDbEventStore implements EventStore {
  private readonly subscriptions = new Set<KurrentDbSubscription>();

  constructor(
    readonly client: KurrentDBClient,
    private readonly ownsClient = true,
    /** The clock that stamps `recordedAt` (injected by tests that need instants of their own). */
    private readonly now: () => number = Date.now,
  ) {}

  static connect(connectionString: string): KurrentDbEventStore {
    return new KurrentDbEventStore(KurrentDBClient.connectionString(connectionString));
  }

  /** KurrentDB's client (1.3) has no multi-stream append: one append per stream. */
  appendToNewStreams(streams: readonly NewStream[]): Promise<NewStreamOutcome[]> {
    return appendEachNewStream(this, streams);
  }

  async append(streamId: string, events: readonly EventToAppend[], expected: ExpectedRevision): Promise<AppendResult> {
    validateAppend(streamId, events, expected);
    const streamState: AppendStreamState = typeof expected === 'number' ? BigInt(expected) : expected;
    // Transaction time to the millisecond, from this process's clock at append (ADR 0027).
    const recordedAt = new Date(this.now()).toISOString();
    try {
      const result = await tracedAppend(1, events.length, (stamp) => {
        const proposed = stamp(events).map((e) =>
          jsonEvent({
            id: e.eventId,
            type: e.type,
            data: e.data,
            metadata: { ...e.metadata, [RECORDED_AT]: recordedAt },
          }),
        );
        return retryOnConnectionLoss(() => this.client.appendToStream(streamId, proposed, { streamState }));
      });
      if (!result.position) throw new Error(`Append to ${streamId} returned no position`);
      return { nextRevision: Number(result.nextExpectedRevision), position: toPosition(result.position) };
    } catch (error) {
      if (errorType(error) !== 'wrong-expected-version') throw toPortError(error, streamId);
      const actual = (error as { actualState?: bigint | number | string }).actualState;
      const actualRevision = actual === undefined || actual === 'no_stream' ? 'no_stream' : Number(actual);
      if (await this.isPartialRetry(streamId, events, expected, actualRevision)) throw new PartialRetryError(streamId);
      throw new WrongExpectedRevisionError(streamId, expected, actualRevision);
    }
  }

  /**
   * The server answers a retry that matches an earlier append only in part with a plain
   * wrong-expected-version; telling the two apart takes a look at the stream.
   */
  private async isPartialRetry(
    streamId: string,
    events: readonly EventToAppend[],
    expected: ExpectedRevision,
    actual: number | 'no_stream',
  ): Promise<boolean> {
    if (actual === 'no_stream') return false;
    // With `any` (and `stream_exists` on an existing stream) only an id overlap can conflict.
    if (expected === 'any' || expected === 'stream_exists') return true;
    const from = expected === 'no_stream' ? 0 : expected + 1;
    if (from > actual) return false;
    const [first] = await this.readStream(streamId, { fromRevision: from, maxCount: 1 }).catch(() => []);
    return first?.eventId.toLowerCase() === events[0]!.eventId.toLowerCase();
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const { fromRevision, maxCount } = options;
    if (
      typeof streamId !== 'string' ||
      streamId.length === 0 ||
      (fromRevision !== undefined && (!Number.isSafeInteger(fromRevision) || fromRevision < 0)) ||
      (maxCount !== undefined && !(maxCount > 0))
    ) {
      throw new InvalidEventStoreRequestError(`Invalid read of ${streamId}`);
    }
    const events: RecordedEvent[] = [];
    try {
      const records = this.client.readStream(streamId, {
        direction: backwards ? BACKWARDS : FORWARDS,
        fromRevision: fromRevision !== undefined ? BigInt(fromRevision) : backwards ? END : START,
        maxCount: Math.min(maxCount ?? Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
      });
      for await (const { event } of records) {
        if (event?.position) events.push(toRecordedEvent(event, toPosition(event.position)));
      }
    } catch (error) {
      throw toPortError(error, streamId);
    }
    return events;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const limit = Math.min(options.maxCount ?? DEFAULT_READ_ALL, MAX_READ_ALL);
    if (!(limit > 0)) throw new InvalidEventStoreRequestError(`Invalid maxCount: ${options.maxCount}`);
    const filter = compileFilter(options.filter);
    const events: RecordedEvent[] = [];
    let from: Position | undefined = options.after;
    // Pages until enough events pass the checks made here; every page is read to its end so no
    // server-side read is left hanging.
    while (events.length < limit) {
      // Reading forwards from a position includes the record at it: ask for one more.
      const want = limit - events.length + (from ? 1 : 0);
      let received = 0;
      try {
        const records = this.client.readAll({
          fromPosition: from ? toClientPosition(from) : START,
          maxCount: want,
          filter: filter.server,
        });
        for await (const { event } of records) {
          received += 1;
          if (!event?.position) continue;
          const position = toPosition(event.position);
          if (from && comparePositions(position, from) <= 0) continue;
          from = position;
          if (events.length < limit && filter.accepts(event)) events.push(toRecordedEvent(event, position));
        }
      } catch (error) {
        throw toPortError(error, '$all');
      }
      if (received < want) break;
    }
    return events;
  }

  async headPosition(): Promise<Position | undefined> {
    try {
      // The last record of $all, system records included: any position resumes a read after it.
      for await (const { event } of this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 })) {
        if (event?.position) return toPosition(event.position);
      }
      return undefined;
    } catch (error) {
      throw toPortError(error, '$all');
    }
  }

  subscribeToAll(options: SubscribeOptions = {}): EventSubscription {
    const subscription = new KurrentDbSubscription(this.client, options, (s) => this.subscriptions.delete(s));
    this.subscriptions.add(subscription);
    return subscription;
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    if (this.ownsClient) await this.client.dispose();
  }
}
