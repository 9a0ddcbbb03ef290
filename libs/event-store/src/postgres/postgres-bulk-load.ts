import type { PoolClient } from 'pg';
import {
  InvalidEventStoreRequestError,
  PartialRetryError,
  WrongExpectedRevisionError,
  type EventStoreError,
} from '../errors';
import { MAX_EVENT_BYTES } from '../position';
import { CopyBinary } from './copy-binary';
import { copyIn } from './copy-in';

/**
 * A stream to open with one event whose data and metadata are JSON text already: a bulk load
 * writes each event's JSON once, straight into COPY, instead of building objects to serialise.
 */
export interface NewStreamText {
  readonly streamId: string;
  readonly eventId: string;
  readonly type: string;
  /** A JSON object (the event's data), as text. */
  readonly data: string;
  /** A JSON object (the event's metadata), as text. */
  readonly metadata: string;
}

/**
 * Streams to open in bulk, one event each. Each event's text is asked for once, in input order,
 * and written into the COPY bytes at once (NewStreamsEncoder), so it dies young instead of
 * living through the batch (at import speed, most of the garbage collector's work).
 */
export interface NewStreamTexts {
  readonly count: number;
  streamId(index: number): string;
  /** The event of stream `index` as text; asked once as it is encoded (again if the bulk falls back). */
  text(index: number): NewStreamText;
  /**
   * The same streams encoded already by encodeNewStreams: in a worker thread, say, while this
   * one writes the batch before (the legacy import). Encoded when the bulk runs otherwise.
   */
  readonly encoded?: NewStreamsCopy;
}

/**
 * Streams to open, as the bulk's two COPYs (binary format) read them: es_streams rows and
 * es_events rows, in name order. Plain bytes, so any thread can build them (encodeNewStreams)
 * and hand them over without a copy.
 */
export interface NewStreamsCopy {
  readonly count: number;
  readonly streams: Uint8Array;
  readonly events: Uint8Array;
}

/** Texts already built. */
export function streamTexts(streams: readonly NewStreamText[]): NewStreamTexts {
  return { count: streams.length, streamId: (i) => streams[i].streamId, text: (i) => streams[i] };
}

export interface BulkOpenResult {
  /** Streams that now hold exactly their event: written by this bulk, or by an earlier one with the same event id. */
  readonly opened: number;
  /** Streams that hold other events: their index in the input and why. */
  readonly refused: ReadonlyArray<{ readonly index: number; readonly error: EventStoreError }>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UNIQUE_VIOLATION = '23505';
const DEADLOCK = '40P01';
/** Bytes reserved per stream up front (a legacy import's event is about 700). */
const EVENT_BYTES_GUESS = 800;

/**
 * Opens the streams inside `tx` (a transaction the caller opened). The fast way is two COPYs
 * in binary format (encodeNewStreams), es_streams then es_events, with exactly what es_append writes for a new stream: the stream's
 * row (its reservation: es_streams' primary key lets one writer create a stream, whatever the
 * path), the event at revision 0, its global position from the identity in COPY order, its
 * transaction id by default, so readers' gap-free rule (DESIGN §4) holds unchanged. Streams go
 * in sorted by name, the order es_append_new_streams also uses: two bulks never wait on each
 * other in a cycle. If a stream already exists, the COPY fails on the key; the batch is then
 * rolled back to a savepoint and written by es_append_new_streams, which tells a retry
 * ('duplicate') from another writer's stream ('conflict') per stream.
 */
export async function openStreamsInTransaction(tx: PoolClient, streams: NewStreamTexts): Promise<BulkOpenResult> {
  const encoded = streams.encoded ?? encodeNewStreams(streams);
  if (encoded.count !== streams.count) {
    throw new InvalidEventStoreRequestError(`${encoded.count} streams encoded for a bulk of ${streams.count}`);
  }
  await tx.query('SAVEPOINT open_streams_in_bulk');
  try {
    await copyIn(tx, 'COPY es_streams (stream_id, revision) FROM STDIN (FORMAT binary)', encoded.streams);
    await copyIn(
      tx,
      'COPY es_events (stream_id, revision, event_id, type, data, metadata) FROM STDIN (FORMAT binary)',
      encoded.events,
    );
    await tx.query('RELEASE SAVEPOINT open_streams_in_bulk');
    return { opened: encoded.count, refused: [] };
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== UNIQUE_VIOLATION && code !== DEADLOCK) throw error;
    await tx.query('ROLLBACK TO SAVEPOINT open_streams_in_bulk');
    const names = streamNames(streams);
    const order = names.map((_, i) => i).sort((a, b) => compare(names[a], names[b]));
    return openStreamByStream(tx, names, order, (i) => validText(streams.text(i), names[i]));
  }
}

/**
 * The streams as the bulk's COPYs read them, checked as appendToNewStreams checks them (no
 * stream twice; each event's id, type, shape and size): what openStreamsInTransaction writes.
 * Pure: a worker thread can run it (NewStreamTexts.encoded).
 */
export function encodeNewStreams(streams: NewStreamTexts): NewStreamsCopy {
  if (streams.count === 0) throw new InvalidEventStoreRequestError('A bulk append needs at least one stream');
  const encoder = new NewStreamsEncoder(streams.count);
  for (let i = 0; i < streams.count; i++) encoder.add(streams.text(i), streams.streamId(i));
  return encoder.finish();
}

/**
 * Builds a bulk's two COPYs one stream at a time, in the caller's order: each event's row is
 * written as it is added, so its text dies at once (a caller that makes texts from rows keeps no
 * batch of them alive: at import speed, most of the garbage collector's work). The rows go out
 * in name order at the end, each event's bytes copied as they are, not encoded again. After
 * `finish` the encoder starts a new bulk, its scratch buffer kept (one allocation per worker,
 * not per batch).
 */
export class NewStreamsEncoder {
  /** Scratch: the events' rows in the caller's order. */
  private readonly rows: CopyBinary;
  private readonly names: string[] = [];
  /** Where each stream's es_events row starts in `rows` (and the next one's, at the end). */
  private readonly starts: number[] = [];

  constructor(expected = 1024) {
    this.rows = new CopyBinary(expected * EVENT_BYTES_GUESS);
  }

  get count(): number {
    return this.names.length;
  }

  /** A stream and its event (`streamId`: the name the caller gave, which the event must carry). */
  add(event: NewStreamText, streamId = event.streamId): void {
    checkStreamName(streamId);
    const { eventId, type, data, metadata } = validText(event, streamId);
    this.names.push(streamId);
    this.starts.push(this.rows.length);
    this.rows.row(6).text(streamId).bigint(0).uuid(eventId).text(type);
    if (this.rows.jsonb(data) + this.rows.jsonb(metadata) > MAX_EVENT_BYTES) {
      throw new InvalidEventStoreRequestError(`Event ${eventId} is over ${MAX_EVENT_BYTES} bytes`);
    }
  }

  /** Both COPYs, streams in name order; a name twice is refused (as appendToNewStreams refuses it). */
  finish(): NewStreamsCopy {
    const { names, starts } = this;
    const count = names.length;
    try {
      if (count === 0) throw new InvalidEventStoreRequestError('A bulk append needs at least one stream');
      starts.push(this.rows.length);
      const order = names.map((_, i) => i).sort((a, b) => compare(names[a], names[b]));
      const written = this.rows.written();
      const streams = new CopyBinary(count * 48);
      const events = new CopyBinary(written.length + 64);
      for (let n = 0; n < count; n++) {
        const i = order[n];
        if (n > 0 && names[i] === names[order[n - 1]]) {
          throw new InvalidEventStoreRequestError(`Stream ${names[i]} appears twice in one bulk`);
        }
        streams.row(2).text(names[i]).bigint(0);
        events.raw(written, starts[i], starts[i + 1]);
      }
      return { count, streams: streams.finish(), events: events.finish() };
    } finally {
      this.reset();
    }
  }

  /** Drops what was added: a new bulk starts. */
  reset(): void {
    this.names.length = 0;
    this.starts.length = 0;
    this.rows.rewind();
  }
}

/** es_append_new_streams (the path of appendToNewStreams), with the events' JSON spliced in as it is. */
async function openStreamByStream(
  tx: PoolClient,
  names: readonly string[],
  order: readonly number[],
  event: (index: number) => NewStreamText,
): Promise<BulkOpenResult> {
  const events = order.map((i, n) => {
    const { eventId, type, data, metadata } = event(i);
    return `{"s":${n + 1},"id":"${eventId}","type":${JSON.stringify(type)},"data":${data},"metadata":${metadata}}`;
  });
  const { rows } = await tx.query<{ stream_name: string; outcome: string; stream_revision: string }>(
    'SELECT stream_name, outcome, stream_revision FROM es_append_new_streams($1, $2::json)',
    [order.map((i) => names[i]), `[${events.join(',')}]`],
  );
  const byStream = new Map(rows.map((row) => [row.stream_name, row]));
  const refused: Array<{ index: number; error: EventStoreError }> = [];
  names.forEach((streamId, index) => {
    const row = byStream.get(streamId)!;
    const revision = Number(row.stream_revision);
    if (row.outcome === 'conflict') {
      refused.push({
        index,
        error: new WrongExpectedRevisionError(streamId, 'no_stream', revision < 0 ? 'no_stream' : revision),
      });
    } else if (row.outcome === 'partial') {
      refused.push({ index, error: new PartialRetryError(streamId) });
    }
  });
  return { opened: names.length - refused.length, refused };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The streams' names, checked as appendToNewStreams checks them (validateNewStreams): no stream twice. */
function streamNames(streams: NewStreamTexts): string[] {
  if (streams.count === 0) throw new InvalidEventStoreRequestError('A bulk append needs at least one stream');
  const names = Array.from({ length: streams.count }, (_, i) => streams.streamId(i));
  const seen = new Set<string>();
  for (const streamId of names) {
    checkStreamName(streamId);
    if (seen.has(streamId)) throw new InvalidEventStoreRequestError(`Stream ${streamId} appears twice in one bulk`);
    seen.add(streamId);
  }
  return names;
}

function checkStreamName(streamId: string): void {
  if (streamId.length === 0 || streamId.length > 200 || streamId.startsWith('$')) {
    throw new InvalidEventStoreRequestError(`Invalid stream name: ${JSON.stringify(streamId)}`);
  }
}

/**
 * An event checked as appendToNewStreams checks it: id, type, shape (its size is checked as it
 * is encoded). The JSON itself is checked by PostgreSQL (jsonb) as it reads it; only its first
 * character is looked at here, so that an array or a number is refused as data.
 */
function validText(event: NewStreamText, streamId: string): NewStreamText {
  const { eventId, type, data, metadata } = event;
  if (event.streamId !== streamId) throw new InvalidEventStoreRequestError(`Event ${eventId} is not of ${streamId}`);
  if (!UUID.test(eventId)) throw new InvalidEventStoreRequestError(`Event id must be a UUID: ${eventId}`);
  if (type.length === 0 || type.startsWith('$')) throw new InvalidEventStoreRequestError(`Invalid event type: ${type}`);
  if (data[0] !== '{' || metadata[0] !== '{') {
    throw new InvalidEventStoreRequestError(`Event ${eventId}: data and metadata are JSON objects`);
  }
  return event;
}
