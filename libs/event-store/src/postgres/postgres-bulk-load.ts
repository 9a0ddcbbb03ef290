import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import {
  InvalidEventStoreRequestError,
  PartialRetryError,
  WrongExpectedRevisionError,
  type EventStoreError,
} from '../errors';
import { MAX_EVENT_BYTES } from '../position';
import { copyText } from './copy-text';

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
 * Streams to open in bulk, one event each. Their names come first (the streams are written in
 * name order); each event's text is asked for only as COPY writes it, so it dies young instead
 * of living through the batch (at import speed, most of the garbage collector's work).
 */
export interface NewStreamTexts {
  readonly count: number;
  streamId(index: number): string;
  /** The event of stream `index` as text; asked once as COPY writes it (again if the bulk falls back). */
  text(index: number): NewStreamText;
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
/** Rows per piece of COPY text: the next piece is built while PostgreSQL reads the last. */
const ROWS_PER_PIECE = 500;

/**
 * Opens the streams inside `tx` (a transaction the caller opened). The fast way is two COPYs,
 * es_streams then es_events, with exactly what es_append writes for a new stream: the stream's
 * row (its reservation: es_streams' primary key lets one writer create a stream, whatever the
 * path), the event at revision 0, its global position from the identity in COPY order, its
 * transaction id by default, so readers' gap-free rule (DESIGN §4) holds unchanged. Streams go
 * in sorted by name, the order es_append_new_streams also uses: two bulks never wait on each
 * other in a cycle. If a stream already exists, the COPY fails on the key; the batch is then
 * rolled back to a savepoint and written by es_append_new_streams, which tells a retry
 * ('duplicate') from another writer's stream ('conflict') per stream.
 */
export async function openStreamsInTransaction(tx: PoolClient, streams: NewStreamTexts): Promise<BulkOpenResult> {
  const names = streamNames(streams);
  const order = names.map((_, i) => i).sort((a, b) => compare(names[a], names[b]));
  const event = (i: number) => validText(streams.text(i), names[i]);
  await tx.query('SAVEPOINT open_streams_in_bulk');
  try {
    await copy(
      tx,
      'COPY es_streams (stream_id, revision) FROM STDIN',
      pieces(order, (i) => streamLine(names[i])),
    );
    await copy(
      tx,
      'COPY es_events (stream_id, revision, event_id, type, data, metadata) FROM STDIN',
      pieces(order, (i) => eventLine(event(i))),
    );
    await tx.query('RELEASE SAVEPOINT open_streams_in_bulk');
    return { opened: names.length, refused: [] };
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== UNIQUE_VIOLATION && code !== DEADLOCK) throw error;
    await tx.query('ROLLBACK TO SAVEPOINT open_streams_in_bulk');
    return openStreamByStream(tx, names, order, event);
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

async function copy(tx: PoolClient, sql: string, text: Iterable<string>): Promise<void> {
  await pipeline(Readable.from(text), tx.query(copyFrom(sql)));
}

function* pieces(order: readonly number[], line: (index: number) => string): Generator<string> {
  for (let start = 0; start < order.length; start += ROWS_PER_PIECE) {
    let piece = '';
    for (let n = start; n < Math.min(start + ROWS_PER_PIECE, order.length); n++) piece += line(order[n]);
    yield piece;
  }
}

function streamLine(streamId: string): string {
  return `${copyText(streamId)}\t0\n`;
}

function eventLine(stream: NewStreamText): string {
  return `${copyText(stream.streamId)}\t0\t${stream.eventId}\t${copyText(stream.type)}\t${copyText(stream.data)}\t${copyText(stream.metadata)}\n`;
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
    if (streamId.length === 0 || streamId.length > 200 || streamId.startsWith('$')) {
      throw new InvalidEventStoreRequestError(`Invalid stream name: ${JSON.stringify(streamId)}`);
    }
    if (seen.has(streamId)) throw new InvalidEventStoreRequestError(`Stream ${streamId} appears twice in one bulk`);
    seen.add(streamId);
  }
  return names;
}

/**
 * An event checked as appendToNewStreams checks it: id, type, size. The JSON itself is checked
 * by PostgreSQL (jsonb) as it reads it; only its first character is looked at here, so that an
 * array or a number is refused as data. A failure stops the COPY, and the bulk with it.
 */
function validText(event: NewStreamText, streamId: string): NewStreamText {
  const { eventId, type, data, metadata } = event;
  if (event.streamId !== streamId) throw new InvalidEventStoreRequestError(`Event ${eventId} is not of ${streamId}`);
  if (!UUID.test(eventId)) throw new InvalidEventStoreRequestError(`Event id must be a UUID: ${eventId}`);
  if (type.length === 0 || type.startsWith('$')) throw new InvalidEventStoreRequestError(`Invalid event type: ${type}`);
  if (data[0] !== '{' || metadata[0] !== '{') {
    throw new InvalidEventStoreRequestError(`Event ${eventId}: data and metadata are JSON objects`);
  }
  // Characters bound the bytes from below and above (1 to 3 bytes each): measure only near the limit.
  const chars = data.length + metadata.length;
  if (chars * 3 > MAX_EVENT_BYTES && Buffer.byteLength(data) + Buffer.byteLength(metadata) > MAX_EVENT_BYTES) {
    throw new InvalidEventStoreRequestError(`Event ${eventId} is over ${MAX_EVENT_BYTES} bytes`);
  }
  return event;
}
