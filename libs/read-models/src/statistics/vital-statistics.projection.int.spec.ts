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
  place,
  record,
  temporaryResidence,
  temporaryResidenceEnded,
} from '../test-support/citizen-events';
import { monthsBetween, VitalStatistics } from './vital-statistics.query';

const db = useScratchDatabase('vital');
const newPin = pinSequence();

/** Births and deaths of each (province, month) the tests touch, as now known, as `code month births/deaths`. */
async function tallies(...codes: string[]): Promise<string[]> {
  await projectPending(db().pool, db().store, { until: lastAppended });
  const { rows } = await db().pool.query(
    `SELECT province_code || ' ' || to_char(month, 'YYYY-MM') || ' ' || sum(births) || '/' || sum(deaths) AS tally FROM (
       SELECT birth_province_code AS province_code, birth_month AS month, 1 AS births, 0 AS deaths FROM vital_events
        WHERE upper_inf(recorded)
       UNION ALL SELECT death_province_code, death_month, 0, 1 FROM vital_events
        WHERE death_province_code IS NOT NULL AND upper_inf(recorded)
     ) AS counted WHERE province_code = ANY($1) GROUP BY province_code, month ORDER BY province_code, month`,
    [codes],
  );
  return rows.map((r) => r.tally);
}

describe('vital statistics projection: births and deaths per month and province', () => {
  it('a late death registration does not rewrite what was known before it: knownAt reproduces it', async () => {
    const pin = newPin();
    const query = new VitalStatistics(db().pool);
    await record(db().store, pin, birth(pin, { placeOfBirth: place('022'), dateOfBirth: '2023-05-10' }));
    await tallies('022');
    const before = (await query.months('022', '2024-03', '2024-03', new Date()))[0];
    const { rows } = await db().pool.query('SELECT max(lower(recorded)) AS at FROM vital_events WHERE pin = $1', [pin]);
    await record(db().store, pin, death(pin, '2024-03-01', '022'));
    await tallies('022');
    const known = await db().pool.query('SELECT max(lower(recorded)) AS at FROM vital_events WHERE pin = $1', [pin]);
    expect(known.rows[0].at.getTime()).toBeGreaterThan(rows[0].at.getTime());
    expect((await query.months('022', '2024-03', '2024-03', new Date()))[0]).toEqual({
      ...before,
      deaths: before.deaths + 1,
    });
    expect((await query.months('017', '2024-03', '2024-03', rows[0].at))[0]).toEqual(before);
  });

  it('BirthRegistered counts a birth where and when it happened', async () => {
    const pin = newPin();
    await record(db().store, pin, birth(pin, { placeOfBirth: place('004'), dateOfBirth: '2024-02-29' }));
    expect(await tallies('004')).toEqual(['004 2024-02 1/0']);
  });

  it('DeathRegistered counts a death at the place of death, in its month', async () => {
    const pin = newPin();
    await record(
      db().store,
      pin,
      birth(pin, { placeOfBirth: place('006'), dateOfBirth: '2024-01-10' }),
      death(pin, '2024-03-01', '010'),
    );
    expect(await tallies('006', '010')).toEqual(['006 2024-01 1/0', '010 2024-03 0/1']);
  });

  it('an imported death counts in the province of the residence held at death (the legacy register has no place of death)', async () => {
    const imported = (
      pin: string,
      dateOfDeath: string | null,
      residence: { province: string; since: string } | null,
    ) => ({
      type: 'CitizenImported' as const,
      data: {
        pin,
        name: { familyName: 'Phạm', middleName: null, givenName: 'Hoa' },
        sex: 'female',
        dateOfBirth: '1950-03-03',
        placeOfBirth: place('017'),
        nationality: 'VN',
        ethnicity: null,
        motherPin: null,
        fatherPin: null,
        permanentResidence: residence && { address: address(residence.province, '1 Trần Phú'), since: residence.since },
        dateOfDeath,
        importedOn: '2026-11-30',
      },
    });
    const [died, diedBeforeMoving, alive] = [newPin('017150'), newPin('017150'), newPin('017150')];
    await record(db().store, died, imported(died, '2020-05-09', { province: '019', since: '1990-01-01' }));
    // The register's last residence began after the death: not where the person lived at death.
    await record(
      db().store,
      diedBeforeMoving,
      imported(diedBeforeMoving, '2020-05-09', { province: '019', since: '2021-01-01' }),
    );
    await record(db().store, alive, imported(alive, null, { province: '019', since: '1990-01-01' }));
    expect(await tallies('017', '019')).toEqual(['017 1950-03 3/0', '019 2020-05 0/1']);
    const { rows } = await db().pool.query(
      `SELECT death_province_code, to_char(death_month, 'YYYY-MM') AS month FROM vital_events WHERE pin = $1`,
      [diedBeforeMoving],
    );
    expect(rows).toEqual([{ death_province_code: null, month: '2020-05' }]);
  });

  it('a correction of the date or place of birth moves the birth', async () => {
    const pin = newPin();
    await record(db().store, pin, birth(pin, { placeOfBirth: place('011'), dateOfBirth: '2024-01-31' }));
    await record(db().store, pin, correction(pin, 'dateOfBirth', '2024-01-31', '2024-02-01', '2024-02-01'));
    expect(await tallies('011')).toEqual(['011 2024-02 1/0']);
    await record(db().store, pin, correction(pin, 'placeOfBirth', place('011'), place('012'), '2024-02-01'));
    expect(await tallies('011', '012')).toEqual(['012 2024-02 1/0']);
  });

  it('residence events, name changes and other corrections count nothing', async () => {
    const pin = newPin();
    await record(db().store, pin, birth(pin, { placeOfBirth: place('014'), dateOfBirth: '2024-04-01' }));
    const at = address('014', '1 Đường A');
    const name = { familyName: 'Lê', middleName: null, givenName: 'Bình' };
    await record(
      db().store,
      pin,
      permanentResidence(pin, at, '2024-04-01'),
      temporaryResidence(pin, at, '2024-05-01', '2024-06-01'),
      temporaryResidenceEnded(pin, at, '2024-05-15'),
      nameChange(pin, name, { ...name, givenName: 'An' }, '2024-06-01'),
      correction(pin, 'ethnicity', 'Kinh', 'Tày', '2024-04-01'),
      cancellation(pin, at, '2024-07-01'),
    );
    expect(await tallies('014')).toEqual(['014 2024-04 1/0']);
  });

  it('a re-established PIN is the same person: no second birth, and its corrections still move the birth', async () => {
    const oldPin = newPin();
    const newPinValue = newPin('001324');
    await record(
      db().store,
      oldPin,
      birth(oldPin, { placeOfBirth: place('015'), dateOfBirth: '2024-05-05' }),
      death(oldPin, '2024-08-08', '015'),
    );
    const snapshot = {
      name: { familyName: 'Nguyễn', middleName: 'Văn', givenName: 'An' },
      sex: 'female',
      dateOfBirth: '2024-05-05',
      placeOfBirth: { provinceCode: '015', detail: null },
      nationality: 'VN',
      ethnicity: 'Kinh',
      motherPin: null,
      fatherPin: null,
      status: 'deceased',
      dateOfDeath: '2024-08-08',
      permanentResidence: null,
      temporaryResidence: null,
    };
    await record(db().store, newPinValue, {
      type: 'CitizenContinued',
      data: { pin: newPinValue, previousPin: oldPin, record: snapshot, effectiveDate: '2024-05-05' },
    });
    await record(db().store, oldPin, correction(oldPin, 'sex', 'male', 'female', '2024-05-05'), {
      type: 'PinReestablished',
      data: { pin: oldPin, newPin: newPinValue, correctedField: 'sex', effectiveDate: '2024-05-05' },
    });
    expect(await tallies('015')).toEqual(['015 2024-05 1/0', '015 2024-08 0/1']);
    await record(
      db().store,
      newPinValue,
      correction(newPinValue, 'dateOfBirth', '2024-05-05', '2024-06-05', '2024-06-05'),
    );
    expect(await tallies('015')).toEqual(['015 2024-06 1/0', '015 2024-08 0/1']);
  });
});

describe('vital statistics query: provinces and the 2025 merger', () => {
  it('a surviving province counts the units merged into it from July 2025; a merged one answers for its own months', async () => {
    const query = new VitalStatistics(db().pool);
    for (const [code, date] of [
      ['074', '2025-06-10'],
      ['074', '2025-07-10'],
      ['079', '2025-06-10'],
      ['079', '2025-07-10'],
    ]) {
      const pin = newPin();
      await record(db().store, pin, birth(pin, { placeOfBirth: place(code), dateOfBirth: date }));
    }
    await projectPending(db().pool, db().store, { until: lastAppended });
    // Bình Dương's (074) July birth is recorded under its code; from July it answers under 079.
    expect(await query.months('079', '2025-06', '2025-07', new Date())).toEqual([
      { month: '2025-06', births: 1, deaths: 0 },
      { month: '2025-07', births: 2, deaths: 0 },
    ]);
    expect(await query.months('074', '2025-06', '2025-07', new Date())).toEqual([
      { month: '2025-06', births: 1, deaths: 0 },
      { month: '2025-07', births: 0, deaths: 0 },
    ]);
  });

  it('lists every month of a range, across years', () => {
    expect(monthsBetween('2024-11', '2025-02')).toEqual(['2024-11', '2024-12', '2025-01', '2025-02']);
  });
});
