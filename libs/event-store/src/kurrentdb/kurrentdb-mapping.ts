/** Translations between the port's types and @kurrent/kurrentdb-client's. */
import {
  eventTypeFilter,
  excludeSystemEvents,
  streamNameFilter,
  type Filter,
  type Position as ClientPosition,
  type RecordedEvent as ClientRecordedEvent,
} from '@kurrent/kurrentdb-client';
import type { EventFilter, JsonObject, Position, RecordedEvent } from '../event-store.port';
import { EventStoreError, InvalidEventStoreRequestError, StreamDeletedError, StreamNotFoundError } from '../errors';

/** The client types int64 values as bigint but has returned plain numbers for some of them. */
export function toPosition(position: { commit: bigint | number; prepare: bigint | number }): Position {
  return { commit: BigInt(position.commit), prepare: BigInt(position.prepare) };
}

export function toClientPosition(position: Position): ClientPosition {
  return { commit: BigInt(position.commit), prepare: BigInt(position.prepare) };
}

/** System records ($metadata, $streamDeleted, the server's own streams) never reach the port. */
export function isSystemEvent(event: { type: string }): boolean {
  return event.type.startsWith('$');
}

/**
 * The metadata key under which the adapter records the append instant (ADR 0027). It never
 * reaches the port's metadata: both stores answer it as `recordedAt`.
 */
export const RECORDED_AT = 'registryRecordedAt';

export function toRecordedEvent(event: ClientRecordedEvent, position: Position): RecordedEvent {
  const { [RECORDED_AT]: stamped, ...metadata } = toJsonObject(event.metadata);
  return {
    eventId: event.id,
    type: event.type,
    streamId: event.streamId,
    revision: Number(event.revision),
    position,
    data: toJsonObject(event.data),
    metadata,
    recordedAt: toRecordedAt(stamped, event.created),
  };
}

/**
 * The instant the adapter stamped at append, to the millisecond. Events written without it
 * (another writer, or before ADR 0027) fall back to the server's `created` in whole seconds: the
 * client's native reader (readStream/readAll) drops its sub-second part while subscriptions
 * keep it, and truncating gives one event one time on every path.
 */
function toRecordedAt(stamped: unknown, created: Date | number | string): Date {
  if (typeof stamped === 'string') {
    const instant = new Date(stamped);
    if (!Number.isNaN(instant.getTime())) return instant;
  }
  const ms = new Date(created).getTime();
  return new Date(ms - (((ms % 1000) + 1000) % 1000));
}

/** JSON events arrive parsed; anything else (another writer's binary event) is parsed here if it can be. */
function toJsonObject(value: unknown): JsonObject {
  let parsed = value;
  if (value instanceof Uint8Array) {
    try {
      parsed = value.length === 0 ? {} : JSON.parse(Buffer.from(value).toString('utf8'));
    } catch {
      parsed = undefined;
    }
  }
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as JsonObject) : {};
}

export interface CompiledFilter {
  /** Sent to the server so it skips non-matching records itself. */
  readonly server: Filter;
  /** Re-checked here: the server filters on one dimension only, and by prefix where the port means exact types. */
  accepts(event: { type: string; streamId: string }): boolean;
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function compileFilter(filter: EventFilter | undefined): CompiledFilter {
  const prefixes = filter?.streamPrefixes;
  const types = filter?.eventTypes;
  let server: Filter;
  if (prefixes && prefixes.length > 0) server = streamNameFilter({ prefixes: [...prefixes] });
  else if (types && types.length > 0) server = eventTypeFilter({ regex: `^(?:${types.map(escapeRegex).join('|')})$` });
  else server = excludeSystemEvents();
  return {
    server,
    accepts: (event) =>
      !isSystemEvent(event) &&
      (!prefixes || prefixes.some((prefix) => event.streamId.startsWith(prefix))) &&
      (!types || types.includes(event.type)),
  };
}

/** The client's errors carry a string `type`; matching on it survives duplicated module instances. */
export function errorType(error: unknown): string | undefined {
  const type = (error as { type?: unknown } | null)?.type;
  return typeof type === 'string' ? type : undefined;
}

/** Maps read and delete errors; append errors need the expected revision (see the store). */
export function toPortError(error: unknown, streamId: string): unknown {
  if (error instanceof EventStoreError) return error;
  switch (errorType(error)) {
    case 'stream-not-found':
      return new StreamNotFoundError(streamId);
    case 'stream-deleted':
    case 'stream-tombstoned':
      return new StreamDeletedError(streamId);
    case 'invalid-argument':
    case 'maximum-append-size-exceeded':
    case 'append-record-size-exceeded':
    case 'missing-required-metadata-property':
      return new InvalidEventStoreRequestError((error as Error).message);
    default:
      return error;
  }
}

/** Connection-level failures a subscription rides out by subscribing again. */
export function isTransient(error: unknown): boolean {
  const type = errorType(error);
  if (type === undefined) return true; // stream-level failures (premature close) carry no type
  return ['unavailable', 'cancelled', 'deadline-exceeded', 'timeout', 'unknown', 'not-leader'].includes(type);
}
