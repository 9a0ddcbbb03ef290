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
import {
  InvalidEventStoreRequestError,
  PartialRetryError,
  StreamNotFoundError,
  WrongExpectedRevisionError,
} from '../errors';
import { appendEachNewStream } from '../new-streams';
import { comparePositions } from '../position';
import { validateAppend } from '../validation';

/**
 * The event store in one process's memory, for unit tests of everything above the port: it
 * passes the same contract suite as the PostgreSQL and KurrentDB adapters. `now` stamps
 * recordedAt, so tests choose transaction time instead of waiting for the clock.
 */
export class InMemoryEventStore implements EventStore {
  private readonly streams = new Map<string, RecordedEvent[]>();
  private readonly log: RecordedEvent[] = [];
  private readonly waiting = new Set<() => void>();
  private closed = false;

  constructor(private readonly now: () => Date = () => new Date()) {}

  appendToNewStreams(streams: readonly NewStream[]): Promise<NewStreamOutcome[]> {
    return appendEachNewStream(this, streams);
  }

  append(streamId: string, events: readonly EventToAppend[], expected: ExpectedRevision): Promise<AppendResult> {
    try {
      return Promise.resolve(this.appendNow(streamId, events, expected));
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  private appendNow(streamId: string, events: readonly EventToAppend[], expected: ExpectedRevision): AppendResult {
    validateAppend(streamId, events, expected);
    const stream = this.streams.get(streamId) ?? [];
    const retried = this.earlierAppend(streamId, stream, events);
    if (retried) return retried;
    const current = stream.length - 1;
    if (!matches(expected, current)) {
      throw new WrongExpectedRevisionError(streamId, expected, current < 0 ? 'no_stream' : current);
    }
    const recordedAt = this.now();
    const recorded = events.map((event, i): RecordedEvent => {
      const sequence = BigInt(this.log.length + i + 1);
      return {
        eventId: event.eventId,
        type: event.type,
        streamId,
        revision: current + 1 + i,
        position: { commit: sequence, prepare: sequence },
        // Copies: a caller changing its objects afterwards must not change history.
        data: structuredClone(event.data),
        metadata: structuredClone(event.metadata),
        recordedAt,
      };
    });
    this.streams.set(streamId, [...stream, ...recorded]);
    this.log.push(...recorded);
    this.wake();
    return resultOf(recorded.at(-1)!);
  }

  /** The same events again (a retry): the first answer. Some of them only: an error. */
  private earlierAppend(
    streamId: string,
    stream: readonly RecordedEvent[],
    events: readonly EventToAppend[],
  ): AppendResult | undefined {
    const known = events.map((event) => stream.find((e) => e.eventId === event.eventId));
    if (known.every((e) => e === undefined)) return undefined;
    const first = known[0];
    const whole = first !== undefined && known.every((e, i) => e?.revision === first.revision + i);
    if (!whole) throw new PartialRetryError(streamId);
    return resultOf(known.at(-1)!);
  }

  readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const stream = this.streams.get(streamId);
    if (!stream) return Promise.reject(new StreamNotFoundError(streamId));
    const backwards = options.direction === 'backwards';
    const from = options.fromRevision ?? (backwards ? stream.length - 1 : 0);
    const max = options.maxCount ?? Number.MAX_SAFE_INTEGER;
    if (!Number.isSafeInteger(from) || from < 0 || !(max > 0)) {
      return Promise.reject(new InvalidEventStoreRequestError(`Invalid read of ${streamId}`));
    }
    const selected = backwards ? stream.slice(0, from + 1).reverse() : stream.slice(from);
    return Promise.resolve(selected.slice(0, max));
  }

  readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const { after, filter } = options;
    const max = Math.min(options.maxCount ?? 1000, 10_000);
    const selected = this.log.filter(
      (e) =>
        (!after || comparePositions(e.position, after) > 0) &&
        (!filter?.eventTypes || filter.eventTypes.includes(e.type)) &&
        (!filter?.streamPrefixes || filter.streamPrefixes.some((prefix) => e.streamId.startsWith(prefix))),
    );
    return Promise.resolve(selected.slice(0, max));
  }

  headPosition(): Promise<Position | undefined> {
    return Promise.resolve(this.log.at(-1)?.position);
  }

  subscribeToAll(options: SubscribeOptions = {}): EventSubscription {
    return new InMemorySubscription(this, options, (wake) => this.untilAppended(wake));
  }

  close(): Promise<void> {
    this.closed = true;
    this.wake();
    return Promise.resolve();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Resolves at the next append (or close); `cancel` stops waiting. */
  private untilAppended(cancel: (stop: () => void) => void): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        this.waiting.delete(wake);
        resolve();
      };
      this.waiting.add(wake);
      cancel(wake);
    });
  }

  private wake(): void {
    for (const wake of [...this.waiting]) wake();
  }
}

/** Catch-up, then live: reads the log after its position, then waits for the next append. */
class InMemorySubscription implements EventSubscription {
  private closed = false;
  private stopWaiting: (() => void) | undefined;

  constructor(
    private readonly store: InMemoryEventStore,
    private readonly options: SubscribeOptions,
    private readonly untilAppended: (cancel: (stop: () => void) => void) => Promise<void>,
  ) {}

  close(): Promise<void> {
    this.closed = true;
    this.stopWaiting?.();
    return Promise.resolve();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    let after: Position | undefined = this.options.after;
    while (!this.closed && !this.store.isClosed) {
      const page = await this.store.readAll({ after, filter: this.options.filter, maxCount: 1000 });
      for (const event of page) {
        if (this.closed) return;
        yield event;
        after = event.position;
      }
      if (page.length === 0) {
        await this.untilAppended((stop) => {
          this.stopWaiting = stop;
        });
      }
    }
  }
}

function matches(expected: ExpectedRevision, current: number): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return current < 0;
  if (expected === 'stream_exists') return current >= 0;
  return expected === current;
}

function resultOf(last: RecordedEvent): AppendResult {
  return { nextRevision: last.revision, position: last.position };
}
