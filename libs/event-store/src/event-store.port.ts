/**
 * The event store port. Every adapter (PostgreSQL, KurrentDB) passes the one contract suite in
 * ./contract, so nothing above this file knows which store it runs on.
 */

/** A point in the global log. PostgreSQL: (transaction id, sequence); KurrentDB: (commit, prepare). */
export interface Position {
  readonly commit: bigint;
  readonly prepare: bigint;
}

export type JsonObject = { [key: string]: unknown };

export interface EventToAppend {
  /** Deterministic (derived from the command id and index) so a retried command is recognised. */
  readonly eventId: string;
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata: JsonObject;
}

export interface RecordedEvent {
  readonly eventId: string;
  readonly type: string;
  readonly streamId: string;
  /** 0-based, contiguous within the stream. */
  readonly revision: number;
  readonly position: Position;
  readonly data: JsonObject;
  readonly metadata: JsonObject;
  /** Transaction time, set by the store. */
  readonly recordedAt: Date;
}

/** `no_stream`: the stream must not exist; a number: the stream's current revision must be exactly that. */
export type ExpectedRevision = 'no_stream' | 'any' | 'stream_exists' | number;

export interface AppendResult {
  /** Revision of the last event of the stream after the append. */
  readonly nextRevision: number;
  readonly position: Position;
}

export interface ReadStreamOptions {
  /** Revision to start from (inclusive); defaults to the start (forwards) or the end (backwards). */
  readonly fromRevision?: number;
  readonly direction?: 'forwards' | 'backwards';
  readonly maxCount?: number;
}

/** Server-side filter: events whose stream starts with one of the prefixes, or whose type is listed. */
export interface EventFilter {
  readonly streamPrefixes?: readonly string[];
  readonly eventTypes?: readonly string[];
}

export interface ReadAllOptions {
  /** Exclusive: events strictly after this position. Omitted: from the beginning. */
  readonly after?: Position;
  readonly maxCount?: number;
  readonly filter?: EventFilter;
  /**
   * A hint for readers that never look at the metadata (a rebuild of the read models): a store
   * may then answer `{}` for it and spare reading and parsing it. Events are otherwise the same.
   */
  readonly withoutMetadata?: boolean;
}

export interface SubscribeOptions {
  /** Exclusive checkpoint; omitted: from the beginning. */
  readonly after?: Position;
  readonly filter?: EventFilter;
}

/** Catches up from the checkpoint, then goes live. Iteration ends when `close()` is called. */
export interface EventSubscription extends AsyncIterable<RecordedEvent> {
  close(): Promise<void>;
}

/** A stream to open with its first events (bulk loads such as the legacy import). */
export interface NewStream {
  readonly streamId: string;
  readonly events: readonly EventToAppend[];
}

/** Per stream: the append's result (also for a retry of the same ids), or why it was not written. */
export type NewStreamOutcome =
  | { readonly streamId: string; readonly result: AppendResult }
  | { readonly streamId: string; readonly error: Error & { readonly code: string } };

export interface EventStore {
  append(streamId: string, events: readonly EventToAppend[], expected: ExpectedRevision): Promise<AppendResult>;
  /**
   * Opens many streams at once, each exactly as `append(stream, events, 'no_stream')` would
   * (atomic per stream, one creator per stream, idempotent by event id). A stream that already
   * exists gets its error in the outcome and does not stop the others. Outcomes come in input order.
   */
  appendToNewStreams(streams: readonly NewStream[]): Promise<NewStreamOutcome[]>;
  /** Throws StreamNotFoundError for a stream that has no events. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** Gap-free: never returns an event while an earlier-positioned one may still commit. */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /**
   * The position of the newest event `readAll` can return now; undefined while the log is empty.
   * A reader that has read every event up to it, through any filter, may checkpoint there: nothing
   * at or before it can still appear (a sweep that matched nothing moves on, instead of reading the
   * same events again next time).
   */
  headPosition(): Promise<Position | undefined>;
  subscribeToAll(options?: SubscribeOptions): EventSubscription;
  close(): Promise<void>;
}

export const EVENT_STORE = Symbol('EVENT_STORE');
