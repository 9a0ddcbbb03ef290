import type { RecordedEvent } from '../event-store.port';
import type { Position } from '../event-store.port';

/**
 * A page of the global log as the bytes of `COPY ... TO STDOUT` (text format), for a reader
 * that hands them to other threads (a rebuild's workers, ADR 0110): the bytes travel as they
 * are, each thread makes its own events of them (`eventsOfCopy`). Without the metadata.
 */
export interface EventsCopy {
  /** In a SharedArrayBuffer: posted to other threads without a copy. Read-only. */
  readonly bytes: Uint8Array;
  readonly count: number;
  /** The page's last event's position; undefined when the page is empty. */
  readonly last: Position | undefined;
}

/**
 * The columns in the order `eventsOfCopy` reads them: `recorded_at` as whole milliseconds since
 * the epoch (what a `Date` holds, as pg's own parser truncates it), `data` last.
 */
export const EVENTS_COPY_COLUMNS =
  'transaction_id, global_position, stream_id, revision, event_id, type, ' +
  'floor(extract(epoch FROM recorded_at) * 1000)::bigint, data';

const NO_METADATA: Record<string, unknown> = Object.freeze({});
const ESCAPED: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/** A COPY text field as written: most have no backslash and are taken as they are. */
function unescaped(field: string): string {
  return field.includes('\\') ? field.replace(/\\(.)/g, (_, c: string) => ESCAPED[c] ?? c) : field;
}

/** The events of a page read by `PostgresEventStore.readAllCopy`, as `readAll` gives them (metadata `{}`). */
export function eventsOfCopy(bytes: Uint8Array): RecordedEvent[] {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  const events: RecordedEvent[] = [];
  // The events of one transaction share its id: its BigInt is made once.
  let commitText = '';
  let commit = 0n;
  for (let at = 0; at < text.length;) {
    const t0 = text.indexOf('\t', at);
    const t1 = text.indexOf('\t', t0 + 1);
    const t2 = text.indexOf('\t', t1 + 1);
    const t3 = text.indexOf('\t', t2 + 1);
    const t4 = text.indexOf('\t', t3 + 1);
    const t5 = text.indexOf('\t', t4 + 1);
    const t6 = text.indexOf('\t', t5 + 1);
    const end = text.indexOf('\n', t6 + 1);
    const transaction = text.slice(at, t0);
    if (transaction !== commitText) {
      commitText = transaction;
      commit = BigInt(transaction);
    }
    events.push({
      eventId: text.slice(t3 + 1, t4),
      type: unescaped(text.slice(t4 + 1, t5)),
      streamId: unescaped(text.slice(t1 + 1, t2)),
      revision: Number(text.slice(t2 + 1, t3)),
      position: { commit, prepare: BigInt(text.slice(t0 + 1, t1)) },
      data: JSON.parse(unescaped(text.slice(t6 + 1, end))) as Record<string, unknown>,
      metadata: NO_METADATA,
      recordedAt: new Date(Number(text.slice(t5 + 1, t6))),
    });
    at = end + 1;
  }
  return events;
}

/** How many events a page holds and the position of its last, without reading the rest. */
export function copyPageOf(bytes: Uint8Array): EventsCopy {
  let count = 0;
  let lastStart = 0;
  for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) {
    count++;
    if (i + 1 < bytes.length) lastStart = i + 1;
  }
  if (count === 0) return { bytes, count, last: undefined };
  const firstTab = bytes.indexOf(9, lastStart);
  const secondTab = bytes.indexOf(9, firstTab + 1);
  const number = (from: number, to: number) =>
    BigInt(Buffer.from(bytes.buffer, bytes.byteOffset + from, to - from).toString('latin1'));
  return { bytes, count, last: { commit: number(lastStart, firstTab), prepare: number(firstTab + 1, secondTab) } };
}
