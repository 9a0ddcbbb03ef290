import { provincesCountedUnder, type Address, type CitizenEvent, type PersonName, type Sex } from '@registry/domain';
import type { WorldEvent } from './random-histories';

/**
 * The property test's model of what the registry should answer, written apart from the code it
 * checks and as plainly as possible: replay only the events recorded by `knownAt`, in the order
 * they were recorded, and read each fact off at `validAt`. A re-established PIN's opening counts
 * as known once the old stream's closing is known (docs/historians.md).
 */
export interface ModelRecord {
  readonly pin: string;
  readonly name: PersonName;
  readonly sex: Sex;
  readonly dateOfBirth: string;
  readonly status: 'alive' | 'deceased';
  readonly dateOfDeath: string | null;
  readonly permanentResidence: { readonly address: Address; readonly since: string } | null;
}

interface Facts {
  pin: string;
  dateOfBirth: string;
  sex: Sex;
  birthName: PersonName;
  names: Array<{ effectiveDate: string; name: PersonName; order: number; eventId: string }>;
  homes: Array<{ effectiveDate: string; address: Address; order: number }>;
  dateOfDeath: string | null;
}

/** The events known at `knownAt` (ms), in the order they were recorded. */
export function knownBy(world: readonly WorldEvent[], knownAt: number): WorldEvent[] {
  const closedAt = new Map<string, number>(); // new PIN -> when the old stream closed
  for (const e of world) if (e.event.type === 'PinReestablished') closedAt.set(e.event.data.newPin, e.recordedAt);
  return world.filter((e) => {
    if (e.event.type !== 'CitizenContinued') return e.recordedAt <= knownAt;
    const closed = closedAt.get(e.pin);
    return closed !== undefined && closed <= knownAt;
  });
}

function replay(events: readonly WorldEvent[]): Map<number, Facts> {
  const people = new Map<number, Facts>();
  events.forEach(({ person, event, eventId }, order) => {
    if (event.type === 'BirthRegistered') {
      const { pin, dateOfBirth, sex, name } = event.data;
      people.set(person, { pin, dateOfBirth, sex, birthName: name, names: [], homes: [], dateOfDeath: null });
      return;
    }
    const facts = people.get(person);
    if (facts) apply(facts, event, order, eventId);
  });
  return people;
}

function apply(facts: Facts, event: CitizenEvent, order: number, eventId: string): void {
  if (event.type === 'PermanentResidenceRegistered') {
    facts.homes.push({ effectiveDate: event.data.effectiveDate, address: event.data.address, order });
  } else if (event.type === 'NameChanged') {
    facts.names.push({ effectiveDate: event.data.effectiveDate, name: event.data.name, order, eventId });
  } else if (event.type === 'DeathRegistered') {
    facts.dateOfDeath = event.data.dateOfDeath;
  } else if (event.type === 'PinReestablished') {
    facts.pin = event.data.newPin;
  } else if (event.type === 'RecordCorrected') {
    const value = event.data.newValue;
    // Naming a name change corrects that change's name; otherwise the name given at birth.
    const change = facts.names.find((n) => n.eventId === event.data.correctedEventId);
    if (event.data.field === 'name' && change) change.name = value as PersonName;
    else if (event.data.field === 'name') facts.birthName = value as PersonName;
    if (event.data.field === 'dateOfBirth') facts.dateOfBirth = value as string;
    if (event.data.field === 'sex') facts.sex = value as Sex;
    if (event.data.field === 'dateOfDeath') facts.dateOfDeath = value as string;
  }
}

const latest = <T extends { effectiveDate: string; order: number }>(items: T[], validAt: string): T | undefined =>
  items
    .filter((item) => item.effectiveDate <= validAt)
    .sort((a, b) => a.effectiveDate.localeCompare(b.effectiveDate) || a.order - b.order)
    .at(-1);

function recordOf(facts: Facts, validAt: string): ModelRecord | null {
  if (facts.dateOfBirth > validAt) return null;
  const home = latest(facts.homes, validAt);
  const dead = facts.dateOfDeath !== null && facts.dateOfDeath <= validAt;
  return {
    pin: facts.pin,
    name: latest(facts.names, validAt)?.name ?? facts.birthName,
    sex: facts.sex,
    dateOfBirth: facts.dateOfBirth,
    status: dead ? 'deceased' : 'alive',
    dateOfDeath: dead ? facts.dateOfDeath : null,
    permanentResidence: home
      ? {
          address: home.address,
          since: home.effectiveDate < facts.dateOfBirth ? facts.dateOfBirth : home.effectiveDate,
        }
      : null,
  };
}

/** The person's record on `validAt` as known at `knownAt`; null when not born (or not known) then. */
export function modelRecord(world: readonly WorldEvent[], person: number, validAt: string, knownAt: number) {
  const facts = replay(knownBy(world, knownAt)).get(person);
  return facts ? recordOf(facts, validAt) : null;
}

/** Residents of the province a census at 0:00 of `date` counts: born before, not dead before, living there. */
export function modelResidents(world: readonly WorldEvent[], provinceCode: string, date: string, knownAt: number) {
  const units = provincesCountedUnder(provinceCode, date);
  return [...replay(knownBy(world, knownAt)).values()]
    .filter((facts) => facts.dateOfBirth < date && (facts.dateOfDeath === null || facts.dateOfDeath >= date))
    .map((facts) => ({ facts, record: recordOf(facts, date) }))
    .filter(
      ({ record }) => record?.permanentResidence && units.includes(record.permanentResidence.address.provinceCode),
    )
    .map(({ facts, record }) => ({ pin: facts.pin, since: record!.permanentResidence!.since }))
    .sort((a, b) => a.pin.localeCompare(b.pin));
}
