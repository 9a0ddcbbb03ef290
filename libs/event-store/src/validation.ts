import type { EventToAppend, ExpectedRevision, NewStream } from './event-store.port';
import { InvalidEventStoreRequestError } from './errors';
import { MAX_EVENT_BYTES } from './position';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * What each check may leave to the adapter: `sizes: false` when the adapter serialises the events
 * once and checks their size on that text (checkEventSize) before anything reaches the store.
 */
export interface AppendChecks {
  readonly sizes?: boolean;
}

/** Checks shared by every adapter, run before anything reaches the store. */
export function validateAppend(
  streamId: string,
  events: readonly EventToAppend[],
  expected: ExpectedRevision,
  { sizes = true }: AppendChecks = {},
): void {
  if (typeof streamId !== 'string' || streamId.length === 0 || streamId.length > 200 || streamId.startsWith('$')) {
    throw new InvalidEventStoreRequestError(`Invalid stream name: ${JSON.stringify(streamId)}`);
  }
  if (!isExpectedRevision(expected)) {
    throw new InvalidEventStoreRequestError(`Invalid expected revision: ${String(expected)}`);
  }
  if (!Array.isArray(events) || events.length === 0) {
    throw new InvalidEventStoreRequestError('An append needs at least one event');
  }
  for (const event of events) validateEvent(event, sizes);
}

/** A bulk of new streams: each a valid 'no_stream' append, no stream twice. */
export function validateNewStreams(streams: readonly NewStream[], checks: AppendChecks = {}): void {
  if (!Array.isArray(streams) || streams.length === 0) {
    throw new InvalidEventStoreRequestError('A bulk append needs at least one stream');
  }
  const seen = new Set<string>();
  for (const { streamId, events } of streams) {
    if (seen.has(streamId)) throw new InvalidEventStoreRequestError(`Stream ${streamId} appears twice in one bulk`);
    seen.add(streamId);
    validateAppend(streamId, events, 'no_stream', checks);
  }
}

function isExpectedRevision(expected: unknown): expected is ExpectedRevision {
  if (expected === 'no_stream' || expected === 'any' || expected === 'stream_exists') return true;
  return typeof expected === 'number' && Number.isSafeInteger(expected) && expected >= 0;
}

function validateEvent(event: EventToAppend, sizes: boolean): void {
  if (!UUID.test(event.eventId)) {
    throw new InvalidEventStoreRequestError(`Event id must be a UUID: ${event.eventId}`);
  }
  if (typeof event.type !== 'string' || event.type.length === 0 || event.type.startsWith('$')) {
    throw new InvalidEventStoreRequestError(`Invalid event type: ${String(event.type)}`);
  }
  if (sizes) {
    checkEventSize(
      event.eventId,
      Buffer.byteLength(JSON.stringify(event.data)) + Buffer.byteLength(JSON.stringify(event.metadata)),
    );
  }
}

/** An event's data and metadata, as JSON, may not exceed MAX_EVENT_BYTES together. */
export function checkEventSize(eventId: string, bytes: number): void {
  if (bytes > MAX_EVENT_BYTES) {
    throw new InvalidEventStoreRequestError(`Event ${eventId} is ${bytes} bytes, over ${MAX_EVENT_BYTES}`);
  }
}
