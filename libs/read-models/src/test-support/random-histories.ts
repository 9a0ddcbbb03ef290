import {
  afterCorrection,
  continueCitizen,
  decideCitizen,
  evolveCitizen,
  RegistryError,
  sexCenturyDigit,
  type Address,
  type CitizenCommand,
  type CitizenEvent,
  type CitizenState,
  namesOf,
  type PersonName,
  type PinReestablished,
  type RecordCorrected,
} from '@registry/domain';

/** One event of a generated world: the stream it went to, and when the registry recorded it. */
export interface WorldEvent {
  readonly person: number;
  readonly pin: string;
  readonly revision: number;
  /** The store's id of the event (a name change carries it in the event too, as folds read it). */
  readonly eventId: string;
  readonly event: CitizenEvent;
  readonly recordedAt: number;
}

/** Decisions are taken as on this day (ISO dates compare as text). */
export const WORLD_TODAY = '2026-11-30';

/** Addresses valid from 1990 to the 2025 reform: 002 is a province merged into 008 in 2025. */
export const WORLD_ADDRESSES: readonly Address[] = [
  { provinceCode: '001', communeCode: '00001', line: '1 Phúc Xá' },
  { provinceCode: '079', communeCode: '26734', line: '2 Tân Định' },
  { provinceCode: '002', communeCode: '00688', line: '3 Quang Trung' },
  { provinceCode: '008', communeCode: '02200', line: '4 Phan Thiết' },
];
export const WORLD_PROVINCES = ['001', '079', '002', '008'];

const GIVEN_NAMES = ['An', 'Bình', 'Cường', 'Dũng', 'Hà', 'Lan', 'Minh', 'Ngọc'];

/** A small deterministic PRNG (mulberry32): the same seed gives the same world. */
export function randomSource(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (from: number, to: number) => from + Math.floor(next() * (to - from + 1));
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)];
  const date = (from: string, to: string) => {
    const [a0, b0] = [Date.parse(`${from}T00:00:00Z`), Date.parse(`${to}T00:00:00Z`)];
    if (b0 < a0) return from;
    return new Date(a0 + int(0, Math.round((b0 - a0) / 86_400_000)) * 86_400_000).toISOString().slice(0, 10);
  };
  return { next, int, pick, date };
}

type Random = ReturnType<typeof randomSource>;

interface Person {
  readonly index: number;
  pin: string;
  stream: CitizenEvent[];
  state: CitizenState;
  reestablished: number;
}

const name = (givenName: string): PersonName => ({ familyName: 'Nguyễn', middleName: 'Văn', givenName });

/**
 * A random world: births, moves, name changes (backdated ones too), corrections (of the birth
 * name, of a name change named by its event id, the date of birth, the sex: the last two may re-establish the PIN) and deaths (late ones
 * too), decided by the registry's own decider on each stream's state, each request recorded at
 * its own instant (random delays, people interleaved). A re-established PIN's stream is opened
 * a few milliseconds before the old one closes, as the correction's handler does.
 */
export function randomWorld(random: Random, people: number, requests: number): WorldEvent[] {
  const world: WorldEvent[] = [];
  const persons: Person[] = [];
  let clock = Date.parse('2025-01-01T00:00:00.000Z');
  const idOf = () => `00000000-0000-4000-8000-${String(world.length).padStart(12, '0')}`;
  const append = (person: Person, decided: readonly CitizenEvent[], at: number) => {
    for (const each of decided) {
      const eventId = idOf();
      // Folds read a stored name change with its id (a correction may name it: `corrects`).
      const event = each.type === 'NameChanged' ? { ...each, eventId } : each;
      world.push({
        person: person.index,
        pin: person.pin,
        revision: person.stream.length,
        eventId,
        event,
        recordedAt: at,
      });
      person.stream.push(event);
      person.state = evolveCitizen(person.state, event);
    }
  };
  for (let r = 0; r < requests; r++) {
    clock += random.pick([0, 1, 2, 5, 40, 1000, 86_400_000]);
    if (persons.length < people && (persons.length === 0 || random.next() < 0.3)) {
      persons.push({ index: persons.length, pin: '', stream: [], state: null, reestablished: 0 });
      append(persons.at(-1)!, [birthOf(random, persons.at(-1)!)], clock);
      continue;
    }
    const person = random.pick(persons);
    const command = commandFor(random, person);
    let events: CitizenEvent[];
    try {
      events = decideCitizen({ ...command, metadata: { today: WORLD_TODAY } }, person.state);
    } catch (error) {
      if (error instanceof RegistryError) continue; // refused, as the API would answer 422
      throw error;
    }
    const link = events.find((e): e is PinReestablished => e.type === 'PinReestablished');
    if (!link) {
      append(person, events, clock);
      continue;
    }
    // The new stream first (its opening reserves the PIN), then the old one closes.
    const closed = afterCorrection(person.state!, events as Array<RecordCorrected | PinReestablished>);
    const opening = continueCitizen(closed);
    const openedAt = clock;
    clock += random.int(1, 30);
    append(person, events, clock);
    const continued: Person = { ...person, pin: link.data.newPin, stream: [], state: null };
    persons[persons.indexOf(person)] = continued;
    const eventId = idOf();
    world.push({
      person: person.index,
      pin: continued.pin,
      revision: 0,
      eventId,
      event: opening,
      recordedAt: openedAt,
    });
    continued.stream.push(opening);
    continued.state = evolveCitizen(null, opening);
    continued.reestablished += 1;
  }
  return world.sort((a, b) => a.recordedAt - b.recordedAt); // the order of the global log
}

function birthOf(random: Random, person: Person): CitizenEvent {
  const sex = random.pick(['male', 'female'] as const);
  const dateOfBirth = random.date('1990-01-01', '2001-12-31');
  const year = Number(dateOfBirth.slice(0, 4));
  person.pin = `001${sexCenturyDigit(sex, year)}${dateOfBirth.slice(2, 4)}${String(person.index).padStart(3, '0')}000`;
  return {
    type: 'BirthRegistered',
    data: {
      pin: person.pin,
      name: name(random.pick(GIVEN_NAMES)),
      sex,
      dateOfBirth,
      placeOfBirth: { provinceCode: '001', detail: null },
      nationality: 'VN',
      ethnicity: 'Kinh',
      motherPin: null,
      fatherPin: null,
      registrationProvinceCode: '001',
      permanentResidence: null,
    },
  };
}

function commandFor(random: Random, person: Person): CitizenCommand {
  const citizen = person.state!;
  const unique = `${String(person.index).padStart(3, '0')}${String(person.reestablished + 1).padStart(3, '0')}`;
  const correction = (field: 'name' | 'dateOfBirth' | 'sex', value: unknown): CitizenCommand => ({
    type: 'CorrectRecord',
    data: { field, value, reason: 'r', legalBasis: 'l', uniqueDigits: unique },
  });
  const kind = random.pick(['move', 'move', 'move', 'rename', 'rename', 'name', 'change', 'birth', 'sex', 'death']);
  switch (kind) {
    case 'move': {
      const since = citizen.permanentResidence?.since ?? citizen.dateOfBirth;
      const effectiveDate = random.next() < 0.2 ? citizen.dateOfBirth : random.date(since, '2025-06-30');
      return { type: 'RegisterPermanentResidence', data: { address: random.pick(WORLD_ADDRESSES), effectiveDate } };
    }
    case 'rename':
      return {
        type: 'ChangeName',
        data: {
          name: name(random.pick(GIVEN_NAMES)),
          effectiveDate: random.date(citizen.dateOfBirth, WORLD_TODAY),
          reason: 'r',
        },
      };
    case 'name':
      return correction('name', name(random.pick(GIVEN_NAMES)));
    case 'change': {
      // A misspelt name change corrected by naming it (`corrects`); the birth name when there is none.
      const changes = namesOf(citizen).changes;
      if (changes.length === 0) return correction('name', name(random.pick(GIVEN_NAMES)));
      const { eventId } = random.pick(changes);
      const command = correction('name', name(random.pick(GIVEN_NAMES))) as Extract<
        CitizenCommand,
        { type: 'CorrectRecord' }
      >;
      return { ...command, data: { ...command.data, corrects: { eventId: eventId!, found: true } } };
    }
    case 'birth': {
      // Mostly a few days or months later or earlier; now and then another year (a new PIN).
      const shift = random.pick([1, 10, 45, 200, 400]) * random.pick([-1, 1]);
      const moved = new Date(Date.parse(`${citizen.dateOfBirth}T00:00:00Z`) + shift * 86_400_000);
      return correction('dateOfBirth', moved.toISOString().slice(0, 10));
    }
    case 'sex':
      return correction('sex', citizen.sex === 'male' ? 'female' : 'male');
    default:
      return {
        type: 'RegisterDeath',
        data: {
          dateOfDeath: random.date(citizen.dateOfBirth, WORLD_TODAY),
          placeOfDeath: { provinceCode: '001', detail: null },
          certificateNumber: `KT-${person.index}`,
        },
      };
  }
}
