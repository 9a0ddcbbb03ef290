import type { RecordedEvent } from '@registry/event-store';
import type { CitizenRecord } from '@registry/domain';

/** The citizen shape of API.md `GET /v1/citizens/{pin}`. */
export function citizenView(record: CitizenRecord, revision: number) {
  return {
    pin: record.pin,
    name: record.name,
    sex: record.sex,
    dateOfBirth: record.dateOfBirth,
    placeOfBirth: record.placeOfBirth,
    nationality: record.nationality,
    ethnicity: record.ethnicity,
    status: record.status,
    dateOfDeath: record.dateOfDeath,
    motherPin: record.motherPin,
    fatherPin: record.fatherPin,
    maritalStatus: record.maritalStatus ?? 'single',
    spousePin: record.spousePin ?? null,
    permanentResidence: record.permanentResidence,
    temporaryResidence: record.temporaryResidence,
    revision,
  };
}

/** One entry of a timeline: the event with both time axes, actor and correlation. */
export function timelineEntry(event: RecordedEvent) {
  const metadata = event.metadata as {
    effectiveAt?: string;
    correlationId?: string;
    causationId?: string;
    actor?: { sub?: string; office?: string | null };
  };
  return {
    pin: event.streamId.replace(/^citizen-/, ''),
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
