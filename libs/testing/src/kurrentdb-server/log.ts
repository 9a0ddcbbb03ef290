/**
 * The in-memory transaction log behind the test server: one ordered array of records (the $all
 * stream) plus a per-stream index. Append decisions follow KurrentDB's IndexWriter.CheckCommit
 * (expected revision, idempotent retries, soft-deleted and tombstoned streams) so clients see
 * the same outcomes as against a real node.
 */
import { randomUUID } from 'node:crypto';

/** `EventNumber.DeletedStream` (long.MaxValue): the revision of a tombstone record. */
export const TOMBSTONE_REVISION = (1n << 63n) - 1n;
const NO_STREAM = -1n;

export type ExpectedState =
  | { readonly kind: 'any' }
  | { readonly kind: 'no_stream' }
  | { readonly kind: 'stream_exists' }
  | { readonly kind: 'revision'; readonly revision: bigint };

export interface Position {
  readonly commit: bigint;
  readonly prepare: bigint;
}

export interface ProposedEvent {
  readonly eventId: string;
  readonly type: string;
  readonly contentType: string;
  readonly data: Uint8Array;
  readonly customMetadata: Uint8Array;
}

export interface StoredEvent extends ProposedEvent, Position {
  readonly streamId: string;
  readonly revision: bigint;
  /** .NET ticks (100 ns) since the Unix epoch, as the server's `created` metadata carries them. */
  readonly created: bigint;
}

export type AppendOutcome =
  | { readonly kind: 'written' | 'idempotent'; readonly revision: bigint; readonly position: Position }
  | { readonly kind: 'wrong_expected_version'; readonly current: bigint | 'no_stream' }
  | { readonly kind: 'stream_deleted' };

export type DeleteOutcome =
  | { readonly kind: 'deleted'; readonly position: Position }
  | { readonly kind: 'wrong_expected_version'; readonly current: bigint | 'no_stream' }
  | { readonly kind: 'stream_deleted' };

interface StreamState {
  /** Indexed by revision: revisions stay contiguous from 0, even across a soft delete. */
  readonly events: StoredEvent[];
  /** Soft delete hides revisions below this ($tb in the stream's metadata). */
  truncateBefore: bigint;
  softDeleted: boolean;
  tombstoned: boolean;
}

const encoder = new TextEncoder();
const json = (value: string): Uint8Array => encoder.encode(value);

export class InMemoryLog {
  /** Every record in commit order: the $all stream. */
  readonly all: StoredEvent[] = [];
  private readonly streams = new Map<string, StreamState>();
  /** event id -> where it was written; the real server keeps a bounded cache of this for idempotence. */
  private readonly committed = new Map<string, { streamId: string; revision: bigint }>();
  private readonly listeners = new Set<() => void>();
  /** Log positions are byte offsets in a real node; start past a (pretend) chunk header. */
  private nextOffset = 4096n;
  private lastTicks = 0n;

  constructor(options: { systemEvents?: boolean } = {}) {
    // A fresh node already holds system records, so $all never starts with user events.
    if (options.systemEvents !== false) {
      this.writeSystem('$$$scavenges', '$metadata', '{"$maxAge":2592000}');
      this.writeSystem('$users', '$UserCreated', '"admin"');
      this.writeSystem(
        '$user-admin',
        '$User',
        '{"loginName":"admin","fullName":"KurrentDB Administrator","groups":["$admins"]}',
      );
    }
  }

  /** Called after every write so subscriptions can deliver live events. */
  onWrite(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stream(streamId: string): {
    events: readonly StoredEvent[];
    visibleFrom: bigint;
    tombstoned: boolean;
    exists: boolean;
  } {
    const state = this.streams.get(streamId);
    if (!state) return { events: [], visibleFrom: 0n, tombstoned: false, exists: false };
    const lastRevision = BigInt(state.events.length) - 1n;
    return {
      events: state.events,
      visibleFrom: state.truncateBefore,
      tombstoned: state.tombstoned,
      // A soft-deleted stream reads as "not found" until something is appended again.
      exists: !state.softDeleted && lastRevision >= state.truncateBefore,
    };
  }

  append(streamId: string, expected: ExpectedState, events: readonly ProposedEvent[]): AppendOutcome {
    const state = this.streams.get(streamId);
    if (state?.tombstoned) return { kind: 'stream_deleted' };
    const current = state ? BigInt(state.events.length) - 1n : NO_STREAM;
    const wrong = (): AppendOutcome => ({
      kind: 'wrong_expected_version',
      current: current === NO_STREAM ? 'no_stream' : current,
    });

    if (expected.kind === 'stream_exists' && (state?.softDeleted || current === NO_STREAM)) return wrong();

    if (expected.kind === 'any' || expected.kind === 'stream_exists') {
      // Idempotence by event id alone: all already written -> success without duplicates;
      // the first new -> a normal append; a partial overlap -> rejected.
      const found = events.map((event) => this.committed.get(event.eventId));
      if (found.length > 0 && found[0]?.streamId === streamId) {
        const last = found[found.length - 1]!;
        return found.every((hit) => hit?.streamId === streamId) ? this.idempotent(state!, last.revision) : wrong();
      }
      return this.write(streamId, events);
    }

    const expectedRevision = expected.kind === 'no_stream' ? NO_STREAM : expected.revision;
    if (expectedRevision < current) {
      // A retry of a write that already happened: every id must sit exactly where it would have gone.
      let revision = expectedRevision;
      for (const [i, event] of events.entries()) {
        revision += 1n;
        if (state!.events[Number(revision)]?.eventId === event.eventId) continue;
        if (i > 0) return wrong();
        if (expected.kind === 'no_stream' && state!.softDeleted) return this.write(streamId, events);
        return wrong();
      }
      if (events.length === 0)
        return expected.kind === 'no_stream' && state!.softDeleted ? this.write(streamId, events) : wrong();
      return this.idempotent(state!, revision);
    }
    if (expectedRevision > current) return wrong();
    return this.write(streamId, events);
  }

  /** Soft delete: hides the stream ($tb = max) but keeps its records in $all; appending revives it. */
  delete(streamId: string, expected: ExpectedState): DeleteOutcome {
    const check = this.checkDelete(streamId, expected);
    if (check) return check;
    const state = this.streams.get(streamId);
    if (state) {
      state.softDeleted = true;
      state.truncateBefore = TOMBSTONE_REVISION;
    }
    const record = this.writeSystem(`$$${streamId}`, '$metadata', `{"$tb":${TOMBSTONE_REVISION}}`);
    return { kind: 'deleted', position: record };
  }

  /** Hard delete: a `$streamDeleted` record; the stream name can never be used again. */
  tombstone(streamId: string, expected: ExpectedState): DeleteOutcome {
    const check = this.checkDelete(streamId, expected);
    if (check) return check;
    const state = this.ensureStream(streamId);
    state.tombstoned = true;
    const record = this.record(
      streamId,
      TOMBSTONE_REVISION,
      {
        eventId: randomUUID(),
        type: '$streamDeleted',
        contentType: 'application/octet-stream',
        data: new Uint8Array(),
        customMetadata: new Uint8Array(),
      },
      undefined,
    );
    this.all.push(record);
    this.notify();
    return { kind: 'deleted', position: record };
  }

  /** Index of the first $all record strictly after `position` (binary search: positions only grow). */
  indexAfter(position: Position): number {
    let low = 0;
    let high = this.all.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (comparePositions(this.all[mid]!, position) <= 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** Index of the first $all record at or after `position`. */
  indexAtOrAfter(position: Position): number {
    let low = 0;
    let high = this.all.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (comparePositions(this.all[mid]!, position) < 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private checkDelete(streamId: string, expected: ExpectedState): DeleteOutcome | undefined {
    const state = this.streams.get(streamId);
    if (state?.tombstoned) return { kind: 'stream_deleted' };
    const current = state && !state.softDeleted ? BigInt(state.events.length) - 1n : NO_STREAM;
    const ok =
      expected.kind === 'any' ||
      (expected.kind === 'no_stream' && current === NO_STREAM) ||
      (expected.kind === 'stream_exists' && current !== NO_STREAM) ||
      (expected.kind === 'revision' && expected.revision === current);
    return ok ? undefined : { kind: 'wrong_expected_version', current: current === NO_STREAM ? 'no_stream' : current };
  }

  private idempotent(state: StreamState, lastRevision: bigint): AppendOutcome {
    const last = state.events[Number(lastRevision)]!;
    return { kind: 'idempotent', revision: lastRevision, position: { commit: last.commit, prepare: last.prepare } };
  }

  private write(streamId: string, events: readonly ProposedEvent[]): AppendOutcome {
    const state = this.ensureStream(streamId);
    if (state.softDeleted) {
      // Writing to a soft-deleted stream undeletes it from the next revision on, like the server does.
      state.softDeleted = false;
      state.truncateBefore = BigInt(state.events.length);
      this.writeSystem(`$$${streamId}`, '$metadata', `{"$tb":${state.truncateBefore}}`);
    }
    let transaction: bigint | undefined;
    for (const event of events) {
      const record = this.record(streamId, BigInt(state.events.length), event, transaction);
      transaction ??= record.prepare;
      state.events.push(record);
      this.all.push(record);
      this.committed.set(event.eventId, { streamId, revision: record.revision });
    }
    const last = state.events[state.events.length - 1];
    this.notify();
    return {
      kind: 'written',
      revision: BigInt(state.events.length) - 1n,
      position: last
        ? { commit: last.commit, prepare: last.prepare }
        : { commit: this.nextOffset, prepare: this.nextOffset },
    };
  }

  private writeSystem(streamId: string, type: string, data: string): StoredEvent {
    const state = this.ensureStream(streamId);
    const record = this.record(
      streamId,
      BigInt(state.events.length),
      {
        eventId: randomUUID(),
        type,
        contentType: 'application/json',
        data: json(data),
        customMetadata: new Uint8Array(),
      },
      undefined,
    );
    state.events.push(record);
    this.all.push(record);
    this.notify();
    return record;
  }

  /**
   * Events of one append share the commit position (the transaction's first record) and each
   * has its own prepare position, so (commit, prepare) orders $all like the real log does.
   */
  private record(
    streamId: string,
    revision: bigint,
    event: ProposedEvent,
    transaction: bigint | undefined,
  ): StoredEvent {
    const prepare = this.nextOffset;
    const size =
      96 +
      encoder.encode(streamId).length +
      encoder.encode(event.type).length +
      event.data.length +
      event.customMetadata.length;
    this.nextOffset += BigInt(size);
    return { ...event, streamId, revision, created: this.ticks(), commit: transaction ?? prepare, prepare };
  }

  /** Strictly increasing timestamps so `created` never goes backwards within the log. */
  private ticks(): bigint {
    const now = BigInt(Date.now()) * 10_000n;
    this.lastTicks = now > this.lastTicks ? now : this.lastTicks + 1n;
    return this.lastTicks;
  }

  private ensureStream(streamId: string): StreamState {
    let state = this.streams.get(streamId);
    if (!state) {
      state = { events: [], truncateBefore: 0n, softDeleted: false, tombstoned: false };
      this.streams.set(streamId, state);
    }
    return state;
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

export function comparePositions(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}
