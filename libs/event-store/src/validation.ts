import type { EventToAppend, ExpectedRevision, NewStream } from './event-store.port';
import { InvalidEventStoreRequestError } from './errors';
import { MAX_EVENT_BYTES } from './position';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Checks shared by every adapter, run before anything reaches the store. */
export function validateAppend(streamId: string, events: readonly EventToAppend[], expected: ExpectedRevision): void {
  if (typeof streamId !== 'string' || streamId.length === 0 || streamId.length > 200 || streamId.startsWith('$')) {
    throw new InvalidEventStoreRequestError(`Invalid stream name: ${JSON.stringify(streamId)}`);
  }
  if (!isExpectedRevision(expected)) {
    throw new InvalidEventStoreRequestError(`Invalid expected revision: ${String(expected)}`);
  }
  if (!Array.isArray(events) || events.length === 0) {
    throw new InvalidEventStoreRequestError('An append needs at least one event');
  }
  for (const event of events) validateEvent(event);
}

/** A bulk of new streams: each a valid 'no_stream' append, no stream twice. */
export function validateNewStreams(streams: readonly NewStream[]): void {
  if (!Array.isArray(streams) || streams.length === 0) {
    throw new InvalidEventStoreRequestError('A bulk append needs at least one stream');
  }
  const seen = new Set<string>();
  for (const { streamId, events } of streams) {
    if (seen.has(streamId)) throw new InvalidEventStoreRequestError(`Stream ${streamId} appears twice in one bulk`);
    seen.add(streamId);
    validateAppend(streamId, events, 'no_stream');
  }
}

function isExpectedRevision(expected: unknown): expected is ExpectedRevision {
  if (expected === 'no_stream' || expected === 'any' || expected === 'stream_exists') return true;
  return typeof expected === 'number' && Number.isSafeInteger(expected) && expected >= 0;
}

function validateEvent(event: EventToAppend): void {
  if (!UUID.test(event.eventId)) {
    throw new InvalidEventStoreRequestError(`Event id must be a UUID: ${event.eventId}`);
  }
  if (typeof event.type !== 'string' || event.type.length === 0 || event.type.startsWith('$')) {
    throw new InvalidEventStoreRequestError(`Invalid event type: ${String(event.type)}`);
  }
  const size = Buffer.byteLength(JSON.stringify(event.data)) + Buffer.byteLength(JSON.stringify(event.metadata));
  if (size > MAX_EVENT_BYTES) {
    throw new InvalidEventStoreRequestError(`Event ${event.eventId} is ${size} bytes, over ${MAX_EVENT_BYTES}`);
  }
}
