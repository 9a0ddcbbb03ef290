import type { RecordedEvent } from '../event-store.port';
import type { Position } from '../event-store.port';

/**
 * A page of the global log as the bytes of `COPY ... TO STDOUT` (text format), for a reader
 * that hands them to other threads (a rebuild's workers, ADR 0110): the bytes travel as they
 * are, each thread makes its own events of them (`eventsOfCopy`). Without the metadata.
 */
export interface EventsCopy {
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
  let at = 0;
  while (at < text.length) {
    const end = text.indexOf('\n', at);
    const tabs = [at - 1];
    for (let i = 0; i < 7; i++) tabs.push(text.indexOf('\t', tabs[i] + 1));
    const field = (i: number) => text.slice(tabs[i] + 1, tabs[i + 1]);
    events.push({
      eventId: field(4),
      type: unescaped(field(5)),
      streamId: unescaped(field(2)),
      revision: Number(field(3)),
      position: { commit: BigInt(field(0)), prepare: BigInt(field(1)) },
      data: JSON.parse(unescaped(text.slice(tabs[7] + 1, end))) as Record<string, unknown>,
      metadata: NO_METADATA,
      recordedAt: new Date(Number(field(6))),
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
  const number = (from: number, to: number) => BigInt(Buffer.from(bytes.subarray(from, to)).toString('latin1'));
  return { bytes, count, last: { commit: number(lastStart, firstTab), prepare: number(firstTab + 1, secondTab) } };
}
