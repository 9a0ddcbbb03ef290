import type { RecordedEvent } from '@registry/event-store';
import { CITIZEN_EVENT_TYPES, type CitizenEvent } from '@registry/domain';

const KNOWN = new Set<string>(CITIZEN_EVENT_TYPES);

/**
 * The event as the domain types it, or undefined for a type this build does not know (a newer
 * event, another kind of stream): projections skip those instead of failing on them.
 */
export function asCitizenEvent(event: RecordedEvent): CitizenEvent | undefined {
  // With its id: the name history keeps a change's id, which a correction may name (`corrects`).
  return KNOWN.has(event.type)
    ? ({ type: event.type, data: event.data, eventId: event.eventId } as unknown as CitizenEvent)
    : undefined;
}
