import { nextRecordedMillisecond } from '@registry/testing';
import { useScratchDatabase } from '../test-support/scratch-database';
import { projectPending } from '../test-support/project-pending';
import {
  address,
  birth,
  cancellation,
  correction,
  death,
  lastAppended,
  pinSequence,
  nameChange,
  permanentResidence,
  record,
  temporaryResidence,
  temporaryResidenceEnded,
} from '../test-support/citizen-events';
import { PopulationStatistics } from './population.query';

const db = useScratchDatabase('residences');
const newPin = pinSequence();

interface Version {
  kind: string;
  registered_by: number;
  asserted_by: number;
  address: unknown;
  valid: string;
  recorded_open: boolean;
  ended_by: string | null;
}

/** Residence versions of a citizen, oldest first, with `recorded` shown as open or closed. */
async function history(pin: string): Promise<Version[]> {
  await projectPending(db().pool, db().store, { until: lastAppended });
  const { rows } = await db().pool.query<Version>(
    `SELECT kind, registered_by, asserted_by, address, valid::text, upper_inf(recorded) AS recorded_open, ended_by
       FROM residence_history WHERE pin = $1 ORDER BY kind, registered_by, asserted_by`,
    [pin],
  );
  return rows;
}

/** Appends in separate milliseconds: each is its own belief in recorded time. */
async function later<T>(write: () => Promise<T>): Promise<T> {
  await nextRecordedMillisecond(db().pool);
  return write();
}

const hanoi = address('001', '12 Phố Huế', '00004');
const saigon = address('079', '5 Lê Lợi', '26734');
const dalat = address('068', '1 Trần Phú', '24781');

describe('residences projection: bitemporal residence history', () => {
  it('BirthRegistered alone gives no residence (the address is registered as its own event)', async () => {
    const pin = newPin();
    await record(db().store, pin, birth(pin));
    expect(await history(pin)).toEqual([]);
  });

  it('PermanentResidenceRegistered opens a residence counted from its date (not before the day after birth), believed from now on', async () => {
    const pin = newPin();
    await record(db().store, pin, birth(pin), permanentResidence(pin, hanoi, '2024-03-05'));
    expect(await history(pin)).toEqual([
      {
        kind: 'permanent',
        registered_by: 1,
        asserted_by: 1,
        address: hanoi,
        valid: '[2024-03-06,)',
        recorded_open: true,
        ended_by: null,
      },
    ]);
  });

  it('a move ends the previous residence the day before, keeping what was believed before', async () => {
    const pin = newPin();
    await record(db().store, pin, birth(pin), permanentResidence(pin, hanoi, '2024-03-05'));
    await later(() => record(db().store, pin, permanentResidence(pin, saigon, '2024-06-01')));
    expect(await history(pin)).toEqual([
      expect.objectContaining({
        registered_by: 1,
        asserted_by: 1,
        valid: '[2024-03-06,)',
        recorded_open: false,
        ended_by: null,
      }),
      expect.objectContaining({
        registered_by: 1,
        asserted_by: 2,
        valid: '[2024-03-06,2024-06-01)',
        recorded_open: true,
        ended_by: 'PermanentResidenceRegistered',
      }),
      expect.objectContaining({
        registered_by: 2,
        asserted_by: 2,
        address: saigon,
        valid: '[2024-06-01,)',
        recorded_open: true,
      }),
    ]);
  });

  it('a belief nobody could see (same transaction) is corrected in place, not versioned', async () => {
    const pin = newPin();
    await record(
      db().store,
      pin,
      birth(pin),
      permanentResidence(pin, hanoi, '2024-03-05'),
      permanentResidence(pin, saigon, '2024-06-01'),
    );
    expect((await history(pin)).map((v) => [v.registered_by, v.asserted_by, v.valid, v.recorded_open])).toEqual([
      [1, 1, '[2024-03-06,2024-06-01)', true],
      [2, 2, '[2024-06-01,)', true],
    ]);
  });

  it('PermanentResidenceCancelled ends the residence on its effective date', async () => {
    const pin = newPin();
    await record(db().store, pin, birth(pin), permanentResidence(pin, hanoi, '2024-03-05'));
    await later(() => record(db().store, pin, cancellation(pin, hanoi, '2024-08-01')));
    expect((await history(pin)).filter((v) => v.recorded_open)).toEqual([
      expect.objectContaining({ valid: '[2024-03-06,2024-08-01)', ended_by: 'PermanentResidenceCancelled' }),
    ]);
  });

  it('TemporaryResidenceRegistered holds to its last day; TemporaryResidenceEnded ends it', async () => {
    const pin = newPin();
    await record(db().store, pin, birth(pin), temporaryResidence(pin, saigon, '2024-06-01', '2025-05-31'));
    expect((await history(pin))[0]).toMatchObject({ kind: 'temporary', valid: '[2024-06-01,2025-06-01)' });
    await later(() =>
      record(
        db().store,
        pin,
        temporaryResidenceEnded(pin, saigon, '2024-09-01'),
        temporaryResidence(pin, dalat, '2024-09-01', '2024-12-31'),
      ),
    );
    expect((await history(pin)).filter((v) => v.recorded_open).map((v) => [v.address, v.valid, v.ended_by])).toEqual([
      [saigon, '[2024-06-01,2024-09-01)', 'TemporaryResidenceEnded'],
      [dalat, '[2024-09-01,2025-01-01)', null],
    ]);
  });

  it('DeathRegistered ends every residence the day after the death, earlier ones and late registrations too', async () => {
    const pin = newPin();
    await record(
      db().store,
      pin,
      birth(pin),
      permanentResidence(pin, hanoi, '2024-03-05'),
      temporaryResidence(pin, saigon, '2024-06-01', '2025-05-31'),
    );
    await later(() => record(db().store, pin, death(pin, '2024-07-10')));
    await later(() => record(db().store, pin, cancellation(pin, hanoi, '2024-07-11', 'deceased')));
    expect((await history(pin)).filter((v) => v.recorded_open).map((v) => [v.kind, v.valid, v.ended_by])).toEqual([
      ['permanent', '[2024-03-06,2024-07-11)', 'PermanentResidenceCancelled'],
      ['temporary', '[2024-06-01,2024-07-11)', null],
    ]);
    // A death registered late, before a move already recorded: the earlier residence ends too.
    const late = newPin();
    await record(db().store, late, birth(late), permanentResidence(late, hanoi, '2024-03-05'));
    await later(() => record(db().store, late, permanentResidence(late, saigon, '2024-09-01')));
    await later(() => record(db().store, late, death(late, '2024-07-10')));
    expect((await history(late)).filter((v) => v.recorded_open).map((v) => [v.address, v.valid])).toEqual([
      [hanoi, '[2024-03-06,2024-07-11)'],
      [saigon, 'empty'],
    ]);
  });

  it('NameChanged and RecordCorrected leave residences alone', async () => {
    const pin = newPin();
    await record(db().store, pin, birth(pin), permanentResidence(pin, hanoi, '2024-03-05'));
    const before = await history(pin);
    const name = { familyName: 'Nguyễn', middleName: 'Văn', givenName: 'An' };
    await later(() =>
      record(
        db().store,
        pin,
        nameChange(pin, name, { ...name, givenName: 'Bình' }, '2024-09-01'),
        correction(pin, 'ethnicity', 'Kinh', 'Tày', '2024-03-05'),
      ),
    );
    expect(await history(pin)).toEqual(before);
  });

  it("a re-established PIN: every residence moves to the new PIN at the old stream's closing instant", async () => {
    const oldPin = newPin();
    const newPinValue = newPin('001324');
    await record(db().store, oldPin, birth(oldPin), permanentResidence(oldPin, hanoi, '2024-03-05'));
    await later(() => record(db().store, oldPin, permanentResidence(oldPin, saigon, '2024-06-01')));
    const snapshot = {
      name: { familyName: 'Nguyễn', middleName: 'Văn', givenName: 'An' },
      sex: 'female',
      dateOfBirth: '2024-03-05',
      placeOfBirth: { provinceCode: '001', detail: null },
      nationality: 'VN',
      ethnicity: 'Kinh',
      motherPin: null,
      fatherPin: null,
      status: 'alive',
      dateOfDeath: null,
      permanentResidence: { address: saigon, since: '2024-06-01' },
      temporaryResidence: null,
    };
    await later(() =>
      record(db().store, newPinValue, {
        type: 'CitizenContinued',
        data: { pin: newPinValue, previousPin: oldPin, record: snapshot, effectiveDate: '2024-03-05' },
      }),
    );
    await later(() =>
      record(db().store, oldPin, {
        type: 'PinReestablished',
        data: { pin: oldPin, newPin: newPinValue, correctedField: 'sex', effectiveDate: '2024-03-05' },
      }),
    );
    expect((await history(oldPin)).filter((v) => v.recorded_open)).toEqual([]);
    expect((await history(newPinValue)).map((v) => [v.address, v.valid, v.recorded_open])).toEqual([
      [hanoi, '[2024-03-06,2024-06-01)', true],
      [saigon, '[2024-06-01,)', true],
    ]);
    // Both PINs' beliefs change at the one instant the old stream closed.
    const { rows } = await db().pool.query(
      `SELECT count(DISTINCT instant)::int AS instants FROM (
         SELECT upper(recorded) AS instant FROM residence_history WHERE pin = $1 AND NOT upper_inf(recorded)
            AND asserted_by = 2
         UNION ALL SELECT lower(recorded) FROM residence_history WHERE pin = $2) AS t`,
      [oldPin, newPinValue],
    );
    expect(rows[0].instants).toBe(1);
  });
});

describe('population on a date, as known at an instant', () => {
  it('counts the living with a permanent residence there, as the registry knew it then', async () => {
    const population = new PopulationStatistics(db().pool);
    const [mover, stayer, dead] = [newPin(), newPin(), newPin()];
    const cantho = address('092', '3 Hòa Bình');
    await record(db().store, mover, birth(mover), permanentResidence(mover, cantho, '2024-03-05'));
    await record(db().store, stayer, birth(stayer), permanentResidence(stayer, cantho, '2024-03-05'));
    await record(db().store, dead, birth(dead), permanentResidence(dead, cantho, '2024-03-05'));
    await projectPending(db().pool, db().store, { until: lastAppended });
    const beforeChanges = new Date();
    await later(() => record(db().store, mover, permanentResidence(mover, dalat, '2024-06-01')));
    await record(db().store, dead, death(dead, '2024-07-10'));
    await projectPending(db().pool, db().store, { until: lastAppended });
    const now = new Date();
    expect(await population.population(['092'], '2024-03-04', now)).toBe(0);
    expect(await population.population(['092'], '2024-05-31', now)).toBe(3);
    expect(await population.population(['092'], '2024-06-01', now)).toBe(2);
    expect(await population.population(['092'], '2024-07-10', now)).toBe(2); // alive on the day of death
    expect(await population.population(['092'], '2024-07-11', now)).toBe(1);
    expect(await population.population(['092'], '2024-07-11', beforeChanges)).toBe(3);
    expect(await population.population(['068'], '2024-07-11', now)).toBe(1);
  });
});
