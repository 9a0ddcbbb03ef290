import { citizenAsOf } from './citizen-as-of';
import { foldCitizen } from './citizen.state';
import { importCitizen, type LegacyCitizen } from './import-citizen';

const TODAY = '2026-11-30';

const legacy = (data: Partial<LegacyCitizen> = {}): LegacyCitizen => ({
  pin: '079185012345',
  name: { familyName: 'Trần', middleName: null, givenName: 'Mai' },
  sex: 'female',
  dateOfBirth: '1985-02-14',
  placeOfBirth: { provinceCode: '079', detail: null },
  nationality: 'VN',
  ethnicity: null,
  motherPin: null,
  fatherPin: null,
  permanentResidence: { address: { provinceCode: '079', communeCode: '26734', line: '5 Lê Lợi' }, since: '2010-06-01' },
  dateOfDeath: null,
  ...data,
});

const codeOf = (data: Partial<LegacyCitizen>): string | undefined => {
  try {
    importCitizen(legacy(data), TODAY);
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
};

describe('importCitizen', () => {
  it('keeps the legacy PIN and facts, stamped with the import date', () => {
    const event = importCitizen(legacy(), TODAY);
    expect(event).toEqual({ type: 'CitizenImported', data: { ...legacy(), importedOn: TODAY } });
    expect(foldCitizen([event])).toMatchObject({
      pin: '079185012345',
      status: 'alive',
      permanentResidence: { since: '2010-06-01' },
    });
  });

  it.each([
    ['a PIN of another sex', { sex: 'male' as const }, 'PIN_INCONSISTENT'],
    ['a PIN of another birth year', { dateOfBirth: '1986-02-14' }, 'PIN_INCONSISTENT'],
    ['a PIN of an unknown province', { pin: '999185012345' }, 'PIN_INCONSISTENT'],
    ['a birth in the future', { pin: '079326012345', dateOfBirth: '2026-12-01' }, 'BIRTH_DATE_IN_FUTURE'],
    [
      'a place of birth not valid on the date',
      { placeOfBirth: { provinceCode: '999', detail: null } },
      'UNKNOWN_ADMINISTRATIVE_UNIT',
    ],
    [
      'a residence since before birth',
      { permanentResidence: { ...legacy().permanentResidence!, since: '1980-01-01' } },
      'EFFECTIVE_DATE_BEFORE_BIRTH',
    ],
    [
      'a residence since in the future',
      { permanentResidence: { ...legacy().permanentResidence!, since: '2027-01-01' } },
      'EFFECTIVE_DATE_IN_FUTURE',
    ],
    ['a death before birth', { dateOfDeath: '1984-01-01' }, 'DEATH_BEFORE_BIRTH'],
    ['a death in the future', { dateOfDeath: '2027-01-01' }, 'DEATH_DATE_IN_FUTURE'],
  ])('refuses %s', (_label, data, code) => {
    expect(codeOf(data)).toBe(code);
  });

  it('as of a date: the residence from its start, the death from its date', () => {
    const event = importCitizen(legacy({ dateOfDeath: '2024-01-02' }), TODAY);
    const known = [{ event, recordedAt: '2026-11-30T01:00:00.000Z' }];
    const now = '2026-12-01T00:00:00.000Z';
    expect(citizenAsOf(known, '1984-12-31', now)).toBeNull();
    expect(citizenAsOf(known, '2000-01-01', now)).toMatchObject({ status: 'alive', permanentResidence: null });
    expect(citizenAsOf(known, '2015-01-01', now)).toMatchObject({
      status: 'alive',
      permanentResidence: { since: '2010-06-01' },
    });
    expect(citizenAsOf(known, '2024-01-02', now)).toMatchObject({ status: 'deceased', dateOfDeath: '2024-01-02' });
    expect(citizenAsOf(known, '2015-01-01', '2026-11-29T00:00:00.000Z')).toBeNull(); // not yet known
  });
});
