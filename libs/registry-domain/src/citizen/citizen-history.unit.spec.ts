import type { CitizenEvent, PersonName } from './citizen.events';
import { citizenAsOf } from './citizen-as-of';
import {
  addressAnsweredOn,
  countedOn,
  CURRENT,
  knownAcrossPins,
  nameOn,
  withNameChange,
  withNameChangeCorrected,
  withResidencesFromBirth,
  type KnownCitizenEvent,
} from './citizen-history';
import { foldCitizen } from './citizen.state';
import { PIN, address, born, residedPermanently } from './citizen.fixtures';

const NOW = '2030-01-01T00:00:00.000Z';
const name = (givenName: string): PersonName => ({ familyName: 'Nguyễn', middleName: 'Văn', givenName });
const renamed = (givenName: string, effectiveDate: string): CitizenEvent => ({
  type: 'NameChanged',
  data: { pin: PIN, previousName: name('?'), name: name(givenName), effectiveDate, reason: 'r' },
});
const renamedBy = (eventId: string, givenName: string, effectiveDate: string): CitizenEvent => ({
  type: 'NameChanged',
  eventId,
  data: { pin: PIN, previousName: name('?'), name: name(givenName), effectiveDate, reason: 'r' },
});
const correctedChange = (eventId: string, givenName: string, effectiveDate: string): CitizenEvent => ({
  type: 'RecordCorrected',
  data: {
    ...{ pin: PIN, field: 'name', oldValue: null, newValue: name(givenName), reason: 'r', legalBasis: 'l' },
    effectiveDate,
    correctedEventId: eventId,
  },
});
const corrected = (field: 'name' | 'dateOfBirth', newValue: unknown): CitizenEvent => ({
  type: 'RecordCorrected',
  data: { pin: PIN, field, oldValue: null, newValue, reason: 'r', legalBasis: 'l', effectiveDate: '1990-01-15' },
});
const at = (event: CitizenEvent, recordedAt: string): KnownCitizenEvent => ({ event, recordedAt });

describe('valid time: names', () => {
  it('a backdated change holds only until the later-effective change recorded before it', () => {
    const events = [born(), renamed('Bình', '2020-01-01'), renamed('Cường', '2010-01-01')];
    expect(foldCitizen(events)!.name.givenName).toBe('Bình');
    const known = events.map((e, i) => at(e, `2025-01-0${i + 1}T00:00:00.000Z`));
    expect(citizenAsOf(known, '2015-06-01', NOW)!.name.givenName).toBe('Cường');
    expect(citizenAsOf(known, '2005-06-01', NOW)!.name.givenName).toBe('An');
  });

  it('a correction of the birth name after a change leaves the current name and corrects the period before', () => {
    const events = [born(), renamed('Bình', '2020-01-01'), corrected('name', name('Ân'))];
    expect(foldCitizen(events)!.name.givenName).toBe('Bình');
    const known = events.map((e, i) => at(e, `2025-01-0${i + 1}T00:00:00.000Z`));
    expect(citizenAsOf(known, '2019-12-31', NOW)!.name.givenName).toBe('Ân');
    expect(citizenAsOf(known, '2019-12-31', '2025-01-02T12:00:00.000Z')!.name.givenName).toBe('An');
    expect(citizenAsOf(known, '2021-01-01', NOW)!.name.givenName).toBe('Bình');
  });
});

describe('valid time: a correction naming a name change (corrects)', () => {
  const E1 = '11111111-1111-4111-8111-111111111111';
  const E2 = '22222222-2222-4222-8222-222222222222';

  it('the corrected name holds for that change period; before it the birth name, the current name follows', () => {
    const events = [born(), renamedBy(E1, 'Bìhn', '2020-01-01'), correctedChange(E1, 'Bình', '2020-01-01')];
    expect(foldCitizen(events)!.name.givenName).toBe('Bình');
    const known = events.map((e, i) => at(e, `2025-01-0${i + 1}T00:00:00.000Z`));
    expect(citizenAsOf(known, '2021-06-01', NOW)!.name.givenName).toBe('Bình');
    expect(citizenAsOf(known, '2019-12-31', NOW)!.name.givenName).toBe('An');
    // As known before the correction, the misspelt name.
    expect(citizenAsOf(known, '2021-06-01', '2025-01-02T12:00:00.000Z')!.name.givenName).toBe('Bìhn');
  });

  it('corrects only the named change: a later change in force stays the current name', () => {
    const events = [
      born(),
      renamedBy(E1, 'Bìhn', '2010-01-01'),
      renamedBy(E2, 'Cường', '2020-01-01'),
      correctedChange(E1, 'Bình', '2010-01-01'),
    ];
    expect(foldCitizen(events)!.name.givenName).toBe('Cường');
    const known = events.map((e, i) => at(e, `2025-01-0${i + 1}T00:00:00.000Z`));
    expect(citizenAsOf(known, '2015-06-01', NOW)!.name.givenName).toBe('Bình');
    expect(citizenAsOf(known, '2021-06-01', NOW)!.name.givenName).toBe('Cường');
    expect(citizenAsOf(known, '2005-06-01', NOW)!.name.givenName).toBe('An');
  });

  it('a backdated change keeps its own period once corrected (the later-effective change stays current)', () => {
    const events = [
      born(),
      renamedBy(E1, 'Bình', '2020-01-01'),
      renamedBy(E2, 'Cườg', '2010-01-01'),
      correctedChange(E2, 'Cường', '2010-01-01'),
    ];
    expect(foldCitizen(events)!.name.givenName).toBe('Bình');
    const known = events.map((e, i) => at(e, `2025-01-0${i + 1}T00:00:00.000Z`));
    expect(citizenAsOf(known, '2015-06-01', NOW)!.name.givenName).toBe('Cường');
  });

  it('leaves the birth name and a history without the change alone', () => {
    const names = withNameChange({ atBirth: name('An'), changes: [] }, '2020-01-01', name('Bìhn'), E1);
    expect(withNameChangeCorrected(names, E2, name('X'))).toBe(names);
    const fixed = withNameChangeCorrected(names, E1, name('Bình'));
    expect(fixed).toEqual({
      atBirth: name('An'),
      changes: [{ effectiveDate: '2020-01-01', name: name('Bình'), eventId: E1 }],
    });
    expect(nameOn(fixed, '2019-12-31')).toEqual(name('An'));
  });
});

describe('valid time: a corrected, later date of birth', () => {
  it('makes a residence that began before it begin at birth', () => {
    const events = [born(), residedPermanently(address('001'), '1990-01-15'), corrected('dateOfBirth', '1990-03-01')];
    expect(withResidencesFromBirth(foldCitizen(events)!).permanentResidence!.since).toBe('1990-03-01');
    const back = [...events, corrected('dateOfBirth', '1990-01-10')];
    expect(withResidencesFromBirth(foldCitizen(back)!).permanentResidence!.since).toBe('1990-01-15');
    const known = events.map((e, i) => at(e, `2025-01-0${i + 1}T00:00:00.000Z`));
    expect(citizenAsOf(known, '1990-02-01', NOW)).toBeNull();
    expect(citizenAsOf(known, '1990-02-01', '2025-01-02T12:00:00.000Z')!.permanentResidence!.since).toBe('1990-01-15');
  });

  it('a census at 0:00 counts those born before the date and not dead before it', () => {
    expect(countedOn('2024-03-05', '2024-03-05', null)).toBe(false);
    expect(countedOn('2024-03-06', '2024-03-05', null)).toBe(true);
    expect(countedOn('2024-05-01', '2000-01-01', '2024-05-01')).toBe(true);
    expect(countedOn('2024-05-02', '2000-01-01', '2024-05-01')).toBe(false);
  });
});

describe('transaction time: a re-established PIN', () => {
  it("counts the new stream's opening as known from the old stream's closing instant", () => {
    const chain = [
      at(born(), '2025-01-01T00:00:00.000Z'),
      at(corrected('dateOfBirth', '1991-01-15'), '2025-02-01T00:00:00.050Z'),
      at(
        {
          type: 'PinReestablished',
          data: { pin: PIN, newPin: 'N', correctedField: 'dateOfBirth', effectiveDate: '1991-01-15' },
        },
        '2025-02-01T00:00:00.050Z',
      ),
      at(
        {
          type: 'CitizenContinued',
          data: { pin: 'N', previousPin: PIN, record: foldCitizen([born()])!, effectiveDate: '1991-01-15' },
        },
        '2025-02-01T00:00:00.025Z',
      ),
    ];
    expect(knownAcrossPins(chain).map((e) => e.recordedAt)).toEqual([
      '2025-01-01T00:00:00.000Z',
      '2025-02-01T00:00:00.050Z',
      '2025-02-01T00:00:00.050Z',
      '2025-02-01T00:00:00.050Z',
    ]);
    expect(citizenAsOf(chain, '2024-01-01', '2025-02-01T00:00:00.030Z')!.pin).toBe(PIN);
    expect(citizenAsOf(chain, '2024-01-01', '2025-02-01T00:00:00.050Z')!.pin).toBe('N');
  });
});

describe('provinces merged in 2025', () => {
  it('an address is answered under the successor after the merger, with the recorded code beside it', () => {
    const haGiang = address('002');
    expect(addressAnsweredOn(haGiang, '2025-06-30')).toEqual(haGiang);
    expect(addressAnsweredOn(haGiang, CURRENT)).toEqual({
      ...haGiang,
      provinceCode: '008',
      recordedProvinceCode: '002',
    });
    expect(addressAnsweredOn(address('001'), CURRENT)).toEqual(address('001'));
  });
});
