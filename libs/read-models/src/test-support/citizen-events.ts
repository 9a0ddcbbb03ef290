import { randomUUID } from 'node:crypto';
import type { EventStore, EventToAppend, Position } from '@registry/event-store';
import { citizenStream, type Address, type CitizenEvent, type PersonName, type Place } from '@registry/domain';

/** Event metadata as the API records it (DESIGN.md §3), for events written directly in tests. */
export function metadataFor(effectiveAt: string): Record<string, unknown> {
  const commandId = randomUUID();
  return {
    commandId,
    correlationId: commandId,
    causationId: commandId,
    actor: { sub: 'read-model-test', office: '001', roles: ['officer'] },
    effectiveAt,
    schemaVersion: 1,
  };
}

export function toAppend(
  event: CitizenEvent | { type: string; data: Record<string, unknown> },
  effectiveAt = '2024-01-01',
): EventToAppend {
  return {
    eventId: randomUUID(),
    type: event.type,
    data: event.data as Record<string, unknown>,
    metadata: metadataFor(effectiveAt),
  };
}

/** The position of the last append through `record`: what the read models must reach. */
export let lastAppended: Position | undefined;

/** Appends one command's events to a citizen's stream, whatever its revision. */
export async function record(
  store: EventStore,
  pin: string,
  ...events: Array<CitizenEvent | { type: string; data: Record<string, unknown> }>
) {
  const result = await store.append(
    citizenStream(pin),
    events.map((e) => toAppend(e)),
    'any',
  );
  lastAppended = result.position;
  return result;
}

export const address = (provinceCode: string, line: string, communeCode: string | null = '00001'): Address => ({
  provinceCode,
  communeCode,
  line,
});

export const place = (provinceCode: string, detail: string | null = null): Place => ({ provinceCode, detail });

export function birth(
  pin: string,
  overrides: Partial<{
    name: PersonName;
    sex: 'male' | 'female';
    dateOfBirth: string;
    placeOfBirth: Place;
    motherPin: string | null;
  }> = {},
): CitizenEvent {
  return {
    type: 'BirthRegistered',
    data: {
      pin,
      name: { familyName: 'Nguyễn', middleName: 'Văn', givenName: 'An' },
      sex: 'male',
      dateOfBirth: '2024-03-05',
      placeOfBirth: place('001', 'Bệnh viện Bạch Mai'),
      nationality: 'VN',
      ethnicity: 'Kinh',
      motherPin: null,
      fatherPin: null,
      registrationProvinceCode: pin.slice(0, 3),
      permanentResidence: null,
      ...overrides,
    },
  };
}

export function permanentResidence(pin: string, at: Address, effectiveDate: string): CitizenEvent {
  return { type: 'PermanentResidenceRegistered', data: { pin, address: at, effectiveDate, previous: null } };
}

export function temporaryResidence(pin: string, at: Address, from: string, until: string): CitizenEvent {
  return { type: 'TemporaryResidenceRegistered', data: { pin, address: at, from, until } };
}

export function temporaryResidenceEnded(pin: string, at: Address, endedOn: string): CitizenEvent {
  return { type: 'TemporaryResidenceEnded', data: { pin, address: at, endedOn, reason: 'replaced' } };
}

export function cancellation(
  pin: string,
  at: Address,
  effectiveDate: string,
  reason: 'deceased' | 'moved_abroad' = 'moved_abroad',
): CitizenEvent {
  return { type: 'PermanentResidenceCancelled', data: { pin, address: at, reason, effectiveDate, note: null } };
}

export function death(pin: string, dateOfDeath: string, provinceCode = '001'): CitizenEvent {
  return {
    type: 'DeathRegistered',
    data: { pin, dateOfDeath, placeOfDeath: place(provinceCode), certificateNumber: `KT-${pin}` },
  };
}

export function nameChange(
  pin: string,
  previousName: PersonName,
  name: PersonName,
  effectiveDate: string,
): CitizenEvent {
  return { type: 'NameChanged', data: { pin, previousName, name, effectiveDate, reason: 'request' } };
}

export function correction(
  pin: string,
  field: 'dateOfBirth' | 'placeOfBirth' | 'name' | 'sex' | 'ethnicity',
  oldValue: unknown,
  newValue: unknown,
  effectiveDate: string,
): CitizenEvent {
  return {
    type: 'RecordCorrected',
    data: { pin, field, oldValue, newValue, reason: 'clerical error', legalBasis: 'decision 1/2025', effectiveDate },
  };
}

/** Fresh PINs for a suite, numbered from 1; the prefix defaults to a man born 2024 in Hà Nội. */
export function pinSequence(): (prefix?: string) => string {
  let serial = 0;
  return (prefix = '001224') => `${prefix}${String(++serial).padStart(6, '0')}`;
}
