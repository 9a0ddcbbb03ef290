/**
 * Issue 14's property: for random histories recorded in random order, at random (validAt,
 * knownAt) pairs, the record (the domain's bitemporal fold, as `GET /v1/citizens/{pin}?validAt=
 * &knownAt=` answers it), each province's population and its residents list (the projections,
 * fed in random batches) equal a brute-force model that replays only the events recorded by
 * knownAt and reads them at validAt. CI runs a fixed seed; `SEED=<n> RUNS=<m>` runs others.
 */
import fc from 'fast-check';
import type { RecordedEvent } from '@registry/event-store';
import {
  addressAnsweredOn,
  citizenAsOf,
  citizenStream,
  CURRENT,
  provincesCountedUnder,
  type CitizenRecord,
} from '@registry/domain';
import { useScratchDatabase } from '../test-support/scratch-database';
import {
  randomSource,
  randomWorld,
  WORLD_PROVINCES,
  WORLD_TODAY,
  type WorldEvent,
} from '../test-support/random-histories';
import { knownBy, modelRecord, modelResidents, type ModelRecord } from '../test-support/brute-force-registry';
import { citizensProjection } from '../citizens/citizens.projection';
import { residencesProjection } from '../residences/residences.projection';
import { vitalStatisticsProjection } from '../statistics/vital-statistics.projection';
import { LIVE } from '../projection/projection';
import { PopulationStatistics } from '../residences/population.query';
import { Residents } from '../residences/residents.query';
import { CitizenRecords } from '../citizens/citizen-records.query';

const SEED = Number(process.env.SEED ?? 14);
const RUNS = Number(process.env.RUNS ?? 20);
const PEOPLE = 5;
const REQUESTS = 40;
const PAIRS = 8;

const db = useScratchDatabase('time_axes_property');

function recorded(world: readonly WorldEvent[]): RecordedEvent[] {
  return world.map((e, i) => ({
    eventId: e.eventId,
    type: e.event.type,
    streamId: citizenStream(e.pin),
    revision: e.revision,
    position: { commit: BigInt(i + 1), prepare: BigInt(i + 1) },
    data: e.event.data as unknown as Record<string, unknown>,
    metadata: {},
    recordedAt: new Date(e.recordedAt),
  }));
}

/** The projections as the projector runs them: each batch in one transaction, batch sizes at random. */
async function project(world: readonly WorldEvent[], random: ReturnType<typeof randomSource>): Promise<void> {
  await db().pool.query(
    'TRUNCATE citizen_records, citizen_names, residence_history, residence_lives, vital_events, pin_replacements',
  );
  const events = recorded(world);
  for (let at = 0; at < events.length;) {
    const batch = events.slice(at, (at += random.int(1, 12)));
    const client = await db().pool.connect();
    try {
      await client.query('BEGIN');
      for (const projection of [citizensProjection, residencesProjection, vitalStatisticsProjection]) {
        await projection.project(client, batch, LIVE);
      }
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  }
}

/** A person's events across their PINs, oldest stream first: what the as-of reader folds. */
function chainOf(world: readonly WorldEvent[], person: number) {
  const own = world.filter((e) => e.person === person);
  return [...own]
    .sort((a, b) => chainIndex(own, a.pin) - chainIndex(own, b.pin) || a.revision - b.revision)
    .map((e) => ({ event: e.event, recordedAt: new Date(e.recordedAt).toISOString() }));
}

/** How many re-establishments led to this PIN (0: the birth's PIN). */
function chainIndex(own: readonly WorldEvent[], pin: string): number {
  let index = 0;
  for (let at = pin; ; index++) {
    const link = own.find((e) => e.event.type === 'PinReestablished' && e.event.data.newPin === at);
    if (!link) return index;
    at = link.pin;
  }
}

function asModel(record: CitizenRecord | null): ModelRecord | null {
  if (!record) return null;
  const { pin, name, sex, dateOfBirth, status, dateOfDeath, permanentResidence } = record;
  return {
    pin,
    name: { familyName: name.familyName, middleName: name.middleName ?? null, givenName: name.givenName },
    sex,
    dateOfBirth,
    status,
    dateOfDeath: status === 'deceased' ? dateOfDeath : null,
    permanentResidence: permanentResidence && { address: permanentResidence.address, since: permanentResidence.since },
  };
}

/** Instants and dates where answers change, and some between them. */
function pairsFor(world: readonly WorldEvent[], random: ReturnType<typeof randomSource>) {
  const dates = world.flatMap(({ event }) => {
    const data = event.data as {
      dateOfBirth?: string;
      effectiveDate?: string;
      dateOfDeath?: string;
      newValue?: unknown;
    };
    return [
      data.dateOfBirth,
      data.effectiveDate,
      data.dateOfDeath,
      typeof data.newValue === 'string' ? data.newValue : undefined,
    ];
  });
  const known = dates.filter((d): d is string => typeof d === 'string' && /^\d{4}-\d\d-\d\d$/.test(d));
  return Array.from({ length: PAIRS }, () => {
    const around = random.pick(known);
    const validAt =
      random.next() < 0.7
        ? new Date(Date.parse(`${around}T00:00:00Z`) + random.int(-1, 1) * 86_400_000).toISOString().slice(0, 10)
        : random.date('1989-01-01', WORLD_TODAY);
    const knownAt = random.pick(world).recordedAt + random.int(-1, 1);
    return { validAt, knownAt };
  });
}

describe('both time axes, against a brute-force model (property)', () => {
  it(`holds for ${RUNS} random worlds (seed ${SEED})`, async () => {
    const population = new PopulationStatistics(db().pool);
    const residents = new Residents(db().pool);
    const records = new CitizenRecords(db().pool);
    let namedChanges = 0; // corrections naming a name change (`corrects`): the runs must hold some
    await fc.assert(
      fc.asyncProperty(fc.noShrink(fc.integer({ min: 1, max: 2 ** 31 - 1 })), async (worldSeed) => {
        const random = randomSource(worldSeed);
        const world = randomWorld(random, PEOPLE, REQUESTS);
        namedChanges += world.filter((e) => e.event.type === 'RecordCorrected' && e.event.data.correctedEventId).length;
        await project(world, random);
        const people = [...new Set(world.map((e) => e.person))];
        for (const { validAt, knownAt } of pairsFor(world, random)) {
          const at = { worldSeed, validAt, knownAt: new Date(knownAt).toISOString() };
          for (const person of people) {
            const answered = asModel(citizenAsOf(chainOf(world, person), validAt, at.knownAt));
            expect({ ...at, person, record: answered }).toEqual({
              ...at,
              person,
              record: modelRecord(world, person, validAt, knownAt),
            });
          }
          for (const code of WORLD_PROVINCES) {
            const expected = modelResidents(world, code, validAt, knownAt);
            const units = provincesCountedUnder(code, validAt);
            const counted = units.length === 0 ? 0 : await population.population(units, validAt, new Date(knownAt));
            const listed = (
              await residents.list({ provinceCodes: units, date: validAt, knownAt: new Date(knownAt), limit: 100 })
            ).map((r) => ({ pin: r.pin, since: r.permanentResidence.since }));
            expect({ ...at, code, counted, listed }).toEqual({
              ...at,
              code,
              counted: expected.length,
              listed: expected,
            });
          }
        }
        // The current record (the citizens projection) is the model's as now known, today.
        const end = Math.max(...world.map((e) => e.recordedAt));
        for (const person of people) {
          const model = modelRecord(world, person, WORLD_TODAY, end);
          if (!model) continue;
          const stored = await records.find(model.pin);
          const current = JSON.parse(stored!.json!);
          expect({
            worldSeed,
            person,
            current: asModel({ ...current, permanentResidence: current.permanentResidence } as CitizenRecord),
          }).toEqual({
            worldSeed,
            person,
            current: {
              ...model,
              permanentResidence: model.permanentResidence && {
                ...model.permanentResidence,
                address: addressAnsweredOn(model.permanentResidence.address, CURRENT),
              },
            },
          });
        }
        expect(knownBy(world, end).length).toBe(world.length);
      }),
      { seed: SEED, numRuns: RUNS },
    );
    expect(namedChanges).toBeGreaterThan(0);
  }, 120_000);
});
