import type { RecordedEvent } from '@registry/event-store';
import { pinOfCitizenStream } from '@registry/domain';

/** One entry of a timeline: the event with both time axes, actor and correlation. */
export function timelineEntry(event: RecordedEvent) {
  const metadata = event.metadata as {
    effectiveAt?: string;
    correlationId?: string;
    causationId?: string;
    actor?: { sub?: string; office?: string | null };
  };
  return {
    pin: pinOfCitizenStream(event.streamId),
    eventId: event.eventId,
    type: event.type,
    revision: event.revision,
    effectiveAt: metadata.effectiveAt ?? null,
    recordedAt: event.recordedAt.toISOString(),
    actor: { sub: metadata.actor?.sub ?? null, office: metadata.actor?.office ?? null },
    correlationId: metadata.correlationId ?? null,
    causationId: metadata.causationId ?? null,
    data: event.data,
  };
}
