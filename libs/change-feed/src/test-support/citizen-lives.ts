import { randomInt, randomUUID } from 'node:crypto';
import type { EventStore, EventToAppend, RecordedEvent } from '@registry/event-store';
import { citizenStream, effectiveDateOf, type CitizenEvent } from '@registry/domain';

/**
 * Test data: short lives of citizens as domain events (typed against the domain, so a change of
 * the events' shape fails to compile here), for the mapping tests, the kill test and the bench.
 */
export function lifeOf(pin: string): CitizenEvent[] {
  const home = { provinceCode: '001', communeCode: '00004', line: '12 Phố Huế' };
  const next = { provinceCode: '079', communeCode: '26734', line: '5 Lê Lợi' };
  return [
    {
      type: 'BirthRegistered',
      data: {
        pin,
        name: { familyName: 'Nguyễn', middleName: 'Văn', givenName: 'An' },
        sex: 'male',
        dateOfBirth: '2024-03-05',
        placeOfBirth: { provinceCode: '001', detail: 'Bệnh viện Bạch Mai' },
        nationality: 'VN',
        ethnicity: 'Kinh',
        motherPin: '001190012345',
        fatherPin: null,
        registrationProvinceCode: '001',
        permanentResidence: home,
      },
    },
    { type: 'PermanentResidenceRegistered', data: { pin, address: home, effectiveDate: '2024-03-05', previous: null } },
    { type: 'TemporaryResidenceRegistered', data: { pin, address: next, from: '2024-06-01', until: '2025-06-01' } },
    { type: 'TemporaryResidenceEnded', data: { pin, address: next, endedOn: '2024-09-01', reason: 'moved back' } },
    {
      type: 'PermanentResidenceRegistered',
      data: { pin, address: next, effectiveDate: '2024-10-01', previous: { address: home, since: '2024-03-05' } },
    },
    {
      type: 'PermanentResidenceCancelled',
      data: { pin, address: next, reason: 'moved_abroad', effectiveDate: '2024-12-01', note: 'Hồ sơ 17' },
    },
    {
      type: 'DeathRegistered',
      data: {
        pin,
        dateOfDeath: '2025-01-02',
        placeOfDeath: { provinceCode: '079', detail: null },
        certificateNumber: 'KT-2025-000001',
      },
    },
  ];
}

/** Ten events of one citizen (revisions 0-9), for the kill and fault tests. */
export function tenEventsOf(pin: string): CitizenEvent[] {
  const [birth, residence, temporary, ended, moved, cancelled, death] = lifeOf(pin);
  return [birth, residence, temporary, ended, moved, temporary, ended, residence, cancelled, death];
}

/**
 * Appends revision `revision` of `tenEventsOf(pin)` to each PIN's stream (revision r of a stream
 * needs r - 1 first), ten appends at a time; `written.count` grows with each.
 */
export async function appendRevision(
  store: Pick<EventStore, 'append'>,
  pins: readonly string[],
  revision: number,
  written: { count: number },
): Promise<void> {
  for (let i = 0; i < pins.length; i += 10) {
    await Promise.all(
      pins.slice(i, i + 10).map(async (pin) => {
        await store.append(
          citizenStream(pin),
          [toAppend(tenEventsOf(pin)[revision])],
          revision === 0 ? 'no_stream' : revision - 1,
        );
        written.count += 1;
      }),
    );
  }
}

/** Name change, corrections and a PIN re-establishment (the events that differ from the contract's shape). */
export function correctionsOf(pin: string, newPin: string): CitizenEvent[] {
  const name = { familyName: 'Nguyễn', middleName: 'Văn', givenName: 'An' };
  return [
    {
      type: 'NameChanged',
      data: {
        pin,
        previousName: name,
        name: { ...name, givenName: 'Bình' },
        effectiveDate: '2024-05-01',
        reason: 'đổi tên',
      },
    },
    {
      type: 'RecordCorrected',
      data: {
        pin,
        field: 'ethnicity',
        oldValue: 'Kinh',
        newValue: 'Tày',
        reason: 'lỗi ghi chép',
        legalBasis: 'QĐ 12/2024',
        effectiveDate: '2024-03-05',
      },
    },
    {
      type: 'RecordCorrected',
      data: {
        pin,
        field: 'dateOfBirth',
        oldValue: '2024-03-05',
        newValue: '2024-03-04',
        reason: 'lỗi ghi chép',
        legalBasis: 'QĐ 13/2024',
        effectiveDate: '2024-03-04',
      },
    },
    { type: 'PinReestablished', data: { pin, newPin, correctedField: 'sex', effectiveDate: '2024-03-04' } },
  ];
}

/** The event as the write side appends it (metadata of DESIGN §3). */
export function toAppend(event: CitizenEvent, actorSub = 'officer-test'): EventToAppend {
  const commandId = randomUUID();
  return {
    eventId: randomUUID(),
    type: event.type,
    data: event.data as unknown as Record<string, unknown>,
    metadata: {
      commandId,
      correlationId: commandId,
      causationId: commandId,
      actor: { sub: actorSub, office: '001', roles: ['officer'] },
      effectiveAt: effectiveDateOf(event),
      schemaVersion: 1,
    },
  };
}

/** A recorded event for tests that need no store. */
export function recorded(event: CitizenEvent, revision = 0): RecordedEvent {
  const appended = toAppend(event);
  return {
    ...appended,
    streamId: citizenStream((event.data as { pin: string }).pin),
    revision,
    position: { commit: 1000n, prepare: BigInt(revision + 1) },
    recordedAt: new Date('2025-07-01T08:30:00.123Z'),
  };
}

/**
 * Distinct PINs unlikely to meet another run's: by default province 001, male born 2024; give
 * another prefix (e.g. a province the API refuses) where the API shares the database.
 */
export function freshPins(count: number, prefix = '001224'): string[] {
  const start = randomInt(0, 1_000_000 - count);
  return Array.from({ length: count }, (_, i) => `${prefix}${String(start + i).padStart(6, '0')}`);
}
