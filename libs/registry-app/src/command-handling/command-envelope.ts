import { hash, randomUUID } from 'node:crypto';

/** The version of the events' metadata and data shapes every appended event records. */
export const SCHEMA_VERSION = 1;

/** Who caused a command: recorded in the metadata of every event it produces. */
export interface Actor {
  readonly sub: string;
  readonly office: string | null;
  readonly roles: readonly string[];
}

/** Everything a command carries besides its data: identity, causation, time. */
export interface CommandEnvelope {
  readonly commandId: string;
  readonly correlationId: string;
  readonly causationId: string;
  readonly actor: Actor;
  /** Transaction-time "now" as the API saw it; the store stamps the authoritative recordedAt. */
  readonly now: Date;
}

/** The variant's digit (RFC 4122: the byte's two high bits are 10) for each digit 0-f the hash gave there. */
const VARIANT_DIGIT = '89ab89ab89ab89ab';

/**
 * Formats 16 hash bytes as an RFC 4122 name-based UUID (version 5 layout), from the hash's hex
 * text: the version is the 13th digit, the variant the 17th's two high bits. One-shot `hash` as
 * hex, not a Hash object nor a Buffer (each costs twice as much): the legacy import derives two
 * ids per row, a hundred million rows.
 */
function uuidFromHash(input: string): string {
  const hex = hash('sha1', input, 'hex');
  return (
    `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-` +
    `${VARIANT_DIGIT[parseInt(hex[16], 16)]}${hex.slice(17, 20)}-${hex.slice(20, 32)}`
  );
}

/** Event ids are derived from the command, so a retried command appends the very same ids. */
export function eventIdFor(commandId: string, index: number): string {
  return uuidFromHash(`event:${commandId}:${index}`);
}

/** A retried request with the same idempotency key becomes the same command. */
export function commandIdFor(scope: string, idempotencyKey: string | undefined): string {
  return idempotencyKey ? uuidFromHash(`command:${scope}:${idempotencyKey}`) : randomUUID();
}

/** A command caused by an event (a procedure step) gets an id derived from that event. */
export function commandIdCausedBy(eventId: string, step: string): string {
  return uuidFromHash(`caused:${eventId}:${step}`);
}

export const REGISTRY_TIME_ZONE = 'Asia/Ho_Chi_Minh';

// Building an Intl formatter is costly; one per time zone is enough.
const formatters = new Map<string, Intl.DateTimeFormat>();
/**
 * Formatting is costly too (a few µs, on every write): the last answer per time zone is kept for
 * its minute. Offsets are whole minutes, so a civil date never changes within a minute.
 */
const lastDates = new Map<string, { readonly minute: number; readonly date: string }>();

/** Today's civil date where the registry keeps its books. */
export function civilDateIn(now: Date, timeZone = REGISTRY_TIME_ZONE): string {
  const minute = Math.floor(now.getTime() / 60_000);
  const last = lastDates.get(timeZone);
  if (last?.minute === minute) return last.date;
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, format);
  }
  const date = format.format(now);
  lastDates.set(timeZone, { minute, date });
  return date;
}
