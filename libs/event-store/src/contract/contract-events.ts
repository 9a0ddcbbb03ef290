import { randomUUID } from 'node:crypto';
import type { EventToAppend } from '../event-store.port';

export function newEvent(type = 'TestHappened', data: Record<string, unknown> = {}): EventToAppend {
  return { eventId: randomUUID(), type, data: { ...data }, metadata: { test: true } };
}

export function newStreamId(prefix = 'contract'): string {
  return `${prefix}-${randomUUID()}`;
}
