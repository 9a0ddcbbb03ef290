import type { Pool, PoolClient } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type {
  AppendResult,
  EventFilter,
  EventStore,
  EventSubscription,
  EventToAppend,
  ExpectedRevision,
  NewStream,
  NewStreamOutcome,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
} from '../event-store.port';
import {
  type EventStoreError,
  InvalidEventStoreRequestError,
  PartialRetryError,
  StreamNotFoundError,
  WrongExpectedRevisionError,
} from '../errors';
import { checkEventSize, validateAppend, validateNewStreams } from '../validation';
import { comparePositions, formatPosition } from '../position';
import { EVENT_COLUMNS, EVENT_COLUMNS_WITHOUT_METADATA, EventRow, toRecordedEvent } from './postgres-rows';
import { EVENTS_CHANNEL, PostgresEventNotifier } from './postgres-event-notifier';
import { PostgresSubscription } from './postgres-subscription';
import type { LivePage, LiveReader } from './live-page';
import { guardedPool } from './guarded-pool';
import { inTransaction } from './in-transaction';
import { tracedAppend } from '../trace-context';
import type { Position } from '../event-store.port';
import { copyPageOf, EVENTS_COPY_COLUMNS, type EventsCopy } from './events-copy';
import { openStreamsInTransaction, type BulkOpenResult, type NewStreamTexts } from './postgres-bulk-load';

const EXPECTED_CODES = { no_stream: -1, any: -2, stream_exists: -3 } as const;

interface AppendRow {
  outcome: 'appended' | 'duplicate' | 'partial' | 'conflict';
  stream_revision: string;
  tx: string | null;
  last_position: string | null;
}

type NewStreamRow = AppendRow & { stream_name: string };

/** An event as the statements send it: its data and metadata serialised once. */
interface EventText {
  readonly eventId: string;
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
}

/**
 * Serialises each event once, and checks its size on that text (left here by validateAppend: the
 * size was a second JSON.stringify of every event, 2% of a birth's CPU).
 */
function eventTexts(events: readonly EventToAppend[]): EventText[] {
  return events.map((event) => {
    const data = JSON.stringify(event.data);
    const metadata = JSON.stringify(event.metadata);
    checkEventSize(event.eventId, Buffer.byteLength(data) + Buffer.byteLength(metadata));
    return { eventId: event.eventId, type: event.type, data, metadata };
  });
}

/** A stream to open, waiting for the next batch. */
interface Opening {
  readonly streamId: string;
  readonly events: readonly EventText[];
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Batches of new streams in flight at once: while one waits for its commit, the next is already
 * sent (PostgreSQL merges the concurrent flushes), as the audit trail does (ADR 0040).
 */
const OPENING_BATCHES = 2;
/**
 * Openings waiting before a second batch goes out beside the one in flight. Started by the first
 * opening that arrived, the second batch carried one stream in half of its statements (counted
 * under bench/register-birth); the writer in flight takes the waiting ones when it returns (ADR 0107).
 */
const SECOND_BATCH_AT = 4;
const MAX_OPENINGS = 200;

/** A live read waiting for the end of the event-loop turn, to share a statement with the others of the turn. */
interface LiveRead {
  readonly after: Position | undefined;
  readonly maxCount: number;
  readonly filter: EventFilter | undefined;
  readonly resolve: (page: LivePage) => void;
  readonly reject: (error: unknown) => void;
}

/** The largest global position: `(horizon - 1, LAST)` lies after every event of transactions below the horizon. */
const LAST_POSITION = 2n ** 63n - 1n;

/**
 * The default event store: one PostgreSQL database, append through one function call (one round
 * trip), gap-free reads by transaction id (DESIGN.md §4).
 */
export class PostgresEventStore implements EventStore, LiveReader {
  private readonly notifier: PostgresEventNotifier;
  private openings: Opening[] = [];
  private openers = 0;
  private liveReads: LiveRead[] = [];
  /**
   * The newest horizon a finished statement computed (es_visible_horizon): every transaction of
   * this database below it had ended when it was computed, so any later statement may read up to
   * it. Live reads read below it and compute the next one in the same statement (ADR 0105).
   */
  private horizon: bigint | undefined;

  constructor(
    readonly pool: Pool,
    private readonly ownsPool = false,
  ) {
    this.notifier = new PostgresEventNotifier(pool);
  }

  static connect(connectionString: string, maxConnections = 20): PostgresEventStore {
    return new PostgresEventStore(guardedPool({ connectionString, max: maxConnections }), true);
  }

  async append(streamId: string, events: readonly EventToAppend[], expected: ExpectedRevision): Promise<AppendResult> {
    validateAppend(streamId, events, expected, { sizes: false });
    return tracedAppend(1, events.length, async (stamp) => {
      const texts = eventTexts(stamp(events));
      return expected === 'no_stream' ? this.open(streamId, texts) : this.appendOne(streamId, texts, expected);
    });
  }

  /** es_append: one stream, one round trip. */
  private async appendOne(
    streamId: string,
    events: readonly EventText[],
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    const { rows } = await this.pool.query<AppendRow>({
      name: 'es_append',
      text: 'SELECT * FROM es_append($1, $2, $3::uuid[], $4::text[], $5::jsonb[], $6::jsonb[])',
      values: [
        streamId,
        typeof expected === 'number' ? expected : EXPECTED_CODES[expected],
        events.map((e) => e.eventId),
        events.map((e) => e.type),
        events.map((e) => e.data),
        events.map((e) => e.metadata),
      ],
    });
    return this.appendOutcome(streamId, expected, rows[0]);
  }

  /**
   * Opens a stream ("no stream" expected: a birth, a marriage, a re-established PIN) by group
   * commit (ADR 0073): streams asked for while the batches in flight run are opened together by
   * the next, one statement and one commit for all (es_append_new_streams, which keeps every
   * stream's guarantees: created by one writer, a retry a duplicate, a conflict reported to its
   * own caller). A stream alone goes through es_append, as any append. The answer comes once the
   * batch has committed.
   */
  private open(streamId: string, events: readonly EventText[]): Promise<AppendResult> {
    return new Promise<AppendResult>((resolve, reject) => {
      this.openings.push({ streamId, events, resolve, reject });
      if (this.openers === 0 || (this.openers < OPENING_BATCHES && this.openings.length >= SECOND_BATCH_AT)) {
        void this.openAll();
      }
    });
  }

  private async openAll(): Promise<void> {
    this.openers++;
    try {
      while (this.openings.length > 0) await this.openBatch(this.nextOpenings());
    } finally {
      this.openers--;
    }
  }

  /** The next batch: the oldest openings, each stream once (a second opening of it waits for the next). */
  private nextOpenings(): Opening[] {
    const batch: Opening[] = [];
    const later: Opening[] = [];
    const streams = new Set<string>();
    for (const opening of this.openings) {
      if (batch.length < MAX_OPENINGS && !streams.has(opening.streamId)) {
        streams.add(opening.streamId);
        batch.push(opening);
      } else later.push(opening);
    }
    this.openings = later;
    return batch;
  }

  private async openBatch(batch: readonly Opening[]): Promise<void> {
    const alone = (opening: Opening) =>
      this.appendOne(opening.streamId, opening.events, 'no_stream').then(opening.resolve, opening.reject);
    if (batch.length === 1) return alone(batch[0]);
    let rows: NewStreamRow[];
    try {
      rows = await this.newStreams(batch);
    } catch {
      // An event the database refuses, or a lost connection, must not decide the others' answers:
      // each is appended alone (a stream the batch did open is then a duplicate, as for any retry).
      await Promise.all(batch.map(alone));
      return;
    }
    const byStream = new Map(rows.map((row) => [row.stream_name, row]));
    if (rows.some((row) => row.outcome === 'appended')) this.notifier.announce();
    for (const opening of batch) {
      const row = byStream.get(opening.streamId);
      try {
        if (!row) throw new Error(`es_append_new_streams gave no outcome for ${opening.streamId}`);
        opening.resolve(this.appendOutcome(opening.streamId, 'no_stream', row, false));
      } catch (error) {
        opening.reject(error);
      }
    }
  }

  /**
   * es_append_new_streams, streams in one order for every writer (no deadlock). The events' JSON
   * is spliced in as serialised once (eventTexts), not parsed and written again.
   */
  private async newStreams(
    streams: readonly { readonly streamId: string; readonly events: readonly EventText[] }[],
  ): Promise<NewStreamRow[]> {
    const sorted = [...streams].sort((a, b) => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0));
    const events = sorted.flatMap((stream, index) =>
      stream.events.map(
        (e) =>
          `{"s":${index + 1},"id":${JSON.stringify(e.eventId)},"type":${JSON.stringify(e.type)},` +
          `"data":${e.data},"metadata":${e.metadata}}`,
      ),
    );
    const result = await this.pool.query<NewStreamRow>({
      name: 'es_append_new_streams',
      text: 'SELECT * FROM es_append_new_streams($1, $2::json)',
      values: [sorted.map((s) => s.streamId), `[${events.join(',')}]`],
    });
    return result.rows;
  }

  /**
   * One statement for the whole bulk (es_append_new_streams): at import speed a round trip and
   * a transaction per stream would cost more than the writes themselves.
   */
  async appendToNewStreams(streams: readonly NewStream[]): Promise<NewStreamOutcome[]> {
    validateNewStreams(streams, { sizes: false });
    const total = streams.reduce((sum, stream) => sum + stream.events.length, 0);
    const rows = await tracedAppend(streams.length, total, (stamp) =>
      this.newStreams(
        streams.map((stream) => ({ streamId: stream.streamId, events: eventTexts(stamp(stream.events)) })),
      ),
    );
    const byStream = new Map(rows.map((row) => [row.stream_name, row]));
    if (rows.some((row) => row.outcome === 'appended')) this.notifier.announce();
    return streams.map(({ streamId }) => {
      try {
        return { streamId, result: this.appendOutcome(streamId, 'no_stream', byStream.get(streamId)!, false) };
      } catch (error) {
        return { streamId, error: error as EventStoreError };
      }
    });
  }

  /**
   * Bulk loads (the legacy import): opens streams of one event each with COPY, in one
   * transaction with the caller's own writes (`alongside`, e.g. the load's checkpoint), so both
   * commit or neither. Same guarantees per stream as appendToNewStreams (openStreamsInTransaction).
   */
  async openStreamsInBulk(
    streams: NewStreamTexts,
    alongside: (tx: PoolClient, result: BulkOpenResult) => Promise<void> = async () => undefined,
  ): Promise<BulkOpenResult> {
    const result = await inTransaction(this.pool, async (tx) => {
      const opened = await openStreamsInTransaction(tx, streams);
      await alongside(tx, opened);
      return opened;
    });
    if (result.opened > 0) this.notifier.announce();
    return result;
  }

  private appendOutcome(streamId: string, expected: ExpectedRevision, row: AppendRow, announce = true): AppendResult {
    const revision = Number(row.stream_revision);
    if (row.outcome === 'conflict') {
      throw new WrongExpectedRevisionError(streamId, expected, revision < 0 ? 'no_stream' : revision);
    }
    if (row.outcome === 'partial') throw new PartialRetryError(streamId);
    if (row.outcome === 'appended' && announce) this.notifier.announce();
    return {
      nextRevision: revision,
      position: { commit: BigInt(row.tx ?? 0), prepare: BigInt(row.last_position ?? 0) },
    };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const from = options.fromRevision ?? (backwards ? Number.MAX_SAFE_INTEGER : 0);
    const max = options.maxCount ?? Number.MAX_SAFE_INTEGER;
    if (!Number.isSafeInteger(from) || from < 0 || !(max > 0)) {
      throw new InvalidEventStoreRequestError(`Invalid read of ${streamId}`);
    }
    // One round trip whether or not the stream exists: its es_streams row, with its events if any
    // (a birth reads the stream it is about to open; that read used to take a second query).
    const order = backwards ? 'DESC' : 'ASC';
    const { rows } = await this.pool.query<EventRow | { [K in keyof EventRow]: null }>({
      name: backwards ? 'es_read_stream_backwards' : 'es_read_stream_forwards',
      text: `SELECT e.* FROM es_streams s
               LEFT JOIN LATERAL (SELECT ${EVENT_COLUMNS} FROM es_events
                                   WHERE stream_id = $1 AND revision ${backwards ? '<=' : '>='} $2
                                   ORDER BY revision ${order} LIMIT $3) e ON true
              WHERE s.stream_id = $1
              ORDER BY e.revision ${order}`,
      values: [streamId, from, Math.min(max, 2 ** 31 - 1)],
    });
    if (rows.length === 0) throw new StreamNotFoundError(streamId);
    return rows.filter((row): row is EventRow => row.event_id !== null).map(toRecordedEvent);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const after = options.after ?? { commit: 0n, prepare: 0n };
    const prefixes = options.filter?.streamPrefixes?.map(likePrefix);
    const horizon = await this.visibleHorizon();
    const { rows } = await this.pool.query<EventRow>({
      name: options.withoutMetadata ? 'es_read_all_without_metadata' : 'es_read_all',
      // Only transactions older than every writer still open here are visible: a later commit never
      // lands behind us. The horizon comes from an EARLIER statement (see es_visible_horizon).
      text: `SELECT ${options.withoutMetadata ? EVENT_COLUMNS_WITHOUT_METADATA : EVENT_COLUMNS} FROM es_events
             WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
               AND transaction_id < $6::xid8
               AND ($3::text[] IS NULL OR type = ANY($3))
               AND ($4::text[] IS NULL OR stream_id LIKE ANY($4))
             ORDER BY transaction_id, global_position LIMIT $5`,
      values: [
        after.commit.toString(),
        after.prepare.toString(),
        options.filter?.eventTypes ?? null,
        prefixes ?? null,
        Math.min(options.maxCount ?? 1000, 10_000),
        horizon,
      ],
    });
    return rows.map(toRecordedEvent);
  }

  async headPosition(): Promise<Position | undefined> {
    // Below the same horizon as readAll: every event at or before the answer has committed.
    const horizon = await this.visibleHorizon();
    const { rows } = await this.pool.query<{ commit: string; prepare: string }>({
      name: 'es_head_position',
      text: `SELECT transaction_id::text AS commit, global_position::text AS prepare FROM es_events
              WHERE transaction_id < $1::xid8 ORDER BY transaction_id DESC, global_position DESC LIMIT 1`,
      values: [horizon],
    });
    return rows[0] && { commit: BigInt(rows[0].commit), prepare: BigInt(rows[0].prepare) };
  }

  /**
   * A page for a live subscription in one statement: the events below the newest horizon an
   * earlier statement computed, and the next horizon. Reads asked for in one event-loop turn from
   * the same position (the projector and the procedure runner at the head of the log, woken by
   * the same commit) share that statement and its rows; each caller gets its own filter's events.
   * readAll stays two statements (the horizon, then the events), for any other reader (ADR 0105).
   */
  readLive(after: Position | undefined, maxCount: number, filter?: EventFilter): Promise<LivePage> {
    return new Promise<LivePage>((resolve, reject) => {
      this.liveReads.push({ after, maxCount, filter, resolve, reject });
      if (this.liveReads.length === 1) setImmediate(() => this.sendLiveReads());
    });
  }

  private sendLiveReads(): void {
    const groups = new Map<string, LiveRead[]>();
    for (const read of this.liveReads) {
      const key = `${read.after ? formatPosition(read.after) : ''}/${read.maxCount}`;
      const group = groups.get(key);
      if (group) group.push(read);
      else groups.set(key, [read]);
    }
    this.liveReads = [];
    for (const group of groups.values()) {
      this.readLiveGroup(group).catch((error: unknown) => group.forEach((read) => read.reject(error)));
    }
  }

  private async readLiveGroup(group: readonly LiveRead[]): Promise<void> {
    const { after, maxCount } = group[0];
    // One filter for the statement when all ask the same; otherwise every event, filtered here.
    const filters = new Set(group.map((read) => filterKey(read.filter)));
    const filter = filters.size === 1 ? group[0].filter : undefined;
    const used = this.horizon ?? BigInt(await this.visibleHorizon()); // the first: from an earlier statement
    const limit = Math.min(maxCount, 10_000);
    const { rows } = await this.pool.query<{ next_horizon: string } & (EventRow | { [K in keyof EventRow]: null })>({
      name: 'es_read_live',
      text: `SELECT h.next_horizon, e.* FROM (SELECT es_visible_horizon()::text AS next_horizon) h
               LEFT JOIN LATERAL (
                 SELECT ${EVENT_COLUMNS} FROM es_events
                  WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
                    AND transaction_id < $6::xid8
                    AND ($3::text[] IS NULL OR type = ANY($3))
                    AND ($4::text[] IS NULL OR stream_id LIKE ANY($4))
                  ORDER BY transaction_id, global_position LIMIT $5) e ON true
              ORDER BY e.transaction_id, e.global_position`,
      values: [
        (after?.commit ?? 0n).toString(),
        (after?.prepare ?? 0n).toString(),
        filter?.eventTypes ?? null,
        filter?.streamPrefixes?.map(likePrefix) ?? null,
        limit,
        used.toString(),
      ],
    });
    const next = BigInt(rows[0]!.next_horizon);
    if (this.horizon === undefined || next > this.horizon) this.horizon = next;
    const events = rows.filter((row): row is typeof row & EventRow => row.event_id !== null).map(toRecordedEvent);
    const full = events.length === limit;
    const last = events.at(-1)?.position;
    // Not full: every event below the horizon used was there to be read.
    const scannedTo = full ? last : latest(latest(after, last), { commit: used - 1n, prepare: LAST_POSITION });
    for (const read of group) {
      const own = read.filter === filter ? events : events.filter((event) => matches(event, read.filter));
      read.resolve({ events: own, scannedTo, full, horizonMoved: next > used });
    }
  }

  /**
   * `readAll` without metadata, as COPY's bytes (EventsCopy): for a reader that hands the page to
   * other threads, each making its own events of it (`eventsOfCopy`), instead of parsing it here
   * (a rebuild's workers, ADR 0110). The same events, in the same order, under the same horizon.
   */
  async readAllCopy(after: Position | undefined, maxCount: number): Promise<EventsCopy> {
    const from = after ?? { commit: 0n, prepare: 0n };
    const horizon = await this.visibleHorizon();
    const count = Math.min(maxCount, 10_000);
    if (!/^\d+$/.test(horizon) || !Number.isSafeInteger(count) || count < 1) {
      throw new InvalidEventStoreRequestError(`Invalid read of all events after ${from.commit}/${from.prepare}`);
    }
    // COPY takes no parameters: the values are numbers, checked above (bigints for the position).
    const sql = `COPY (SELECT ${EVENTS_COPY_COLUMNS} FROM es_events
                        WHERE (transaction_id, global_position) > ('${from.commit}'::xid8, ${from.prepare}::bigint)
                          AND transaction_id < '${horizon}'::xid8
                        ORDER BY transaction_id, global_position LIMIT ${count}) TO STDOUT`;
    const client = await this.pool.connect();
    const chunks: Buffer[] = [];
    let failure: Error | undefined;
    try {
      for await (const chunk of client.query(copyTo(sql))) chunks.push(chunk as Buffer);
    } catch (error) {
      failure = error as Error;
      throw error;
    } finally {
      client.release(failure);
    }
    // Shared memory: handed to other threads, the page is not copied for each.
    const bytes = new Uint8Array(new SharedArrayBuffer(chunks.reduce((sum, chunk) => sum + chunk.length, 0)));
    let at = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, at);
      at += chunk.length;
    }
    return copyPageOf(bytes);
  }

  /**
   * The oldest transaction still writing in THIS database (or the next one to start): events of
   * older transactions are all committed. Transactions open in other databases of the server
   * cannot write here, so they no longer hold subscriptions back (ADR 0050).
   */
  private async visibleHorizon(): Promise<string> {
    const { rows } = await this.pool.query<{ horizon: string }>({
      name: 'es_visible_horizon',
      text: 'SELECT es_visible_horizon()::text AS horizon',
    });
    return rows[0]!.horizon;
  }

  subscribeToAll(options: SubscribeOptions = {}): EventSubscription {
    return new PostgresSubscription(this, this.notifier, options);
  }

  async close(): Promise<void> {
    await this.notifier.close();
    if (this.ownsPool) await this.pool.end();
  }
}

export { EVENTS_CHANNEL };

/** A stream prefix as a LIKE pattern (its wildcards escaped). */
function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, '\\$&')}%`;
}

/** The filter as readAll's SQL applies it: the listed types AND the listed prefixes, each when given. */
function matches(event: RecordedEvent, filter: EventFilter | undefined): boolean {
  if (filter?.eventTypes && !filter.eventTypes.includes(event.type)) return false;
  if (filter?.streamPrefixes && !filter.streamPrefixes.some((prefix) => event.streamId.startsWith(prefix))) {
    return false;
  }
  return true;
}

function filterKey(filter: EventFilter | undefined): string {
  return JSON.stringify([filter?.eventTypes ?? null, filter?.streamPrefixes ?? null]);
}

function latest(a: Position | undefined, b: Position | undefined): Position | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return comparePositions(a, b) >= 0 ? a : b;
}
