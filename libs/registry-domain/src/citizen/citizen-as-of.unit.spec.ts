import { citizenAsOf, type KnownCitizenEvent } from './citizen-as-of';
import type { CitizenEvent } from './citizen.events';
import { PIN, address, born, died, residedPermanently } from './citizen.fixtures';

const at = (event: CitizenEvent, recordedAt: string): KnownCitizenEvent => ({ event, recordedAt });
const correction: CitizenEvent = {
  type: 'RecordCorrected',
  data: {
    pin: PIN,
    field: 'dateOfBirth',
    oldValue: '1990-01-15',
    newValue: '1990-01-25',
    reason: 'r',
    legalBasis: 'l',
    effectiveDate: '1990-01-25',
  },
};

const history = [
  at(born(), '1990-02-01T00:00:00.000Z'),
  at(residedPermanently(address('001', 'A'), '2000-01-01'), '2000-01-05T00:00:00.000Z'),
  at(residedPermanently(address('079', 'B'), '2010-01-01'), '2010-01-03T00:00:00.000Z'),
  at(correction, '2015-01-01T00:00:00.000Z'),
  at(died('2020-05-01'), '2020-05-02T00:00:00.000Z'),
];

describe('citizenAsOf (valid time x transaction time)', () => {
  it('gives the residence of the valid date', () => {
    expect(citizenAsOf(history, '2005-01-01', '2030-01-01T00:00:00.000Z')?.permanentResidence?.address.line).toBe('A');
    expect(citizenAsOf(history, '2012-01-01', '2030-01-01T00:00:00.000Z')?.permanentResidence?.address.line).toBe('B');
  });

  it('ignores what was recorded after knownAt, even for past valid dates', () => {
    expect(citizenAsOf(history, '2012-01-01', '2010-01-02T00:00:00.000Z')?.permanentResidence?.address.line).toBe('A');
  });

  it('applies a correction to every valid date once it is known, and not before', () => {
    expect(citizenAsOf(history, '2000-01-01', '2014-12-31T00:00:00.000Z')?.dateOfBirth).toBe('1990-01-15');
    expect(citizenAsOf(history, '2000-01-01', '2016-01-01T00:00:00.000Z')?.dateOfBirth).toBe('1990-01-25');
  });

  it('is alive before the date of death and deceased from it', () => {
    expect(citizenAsOf(history, '2020-04-30', '2030-01-01T00:00:00.000Z')?.status).toBe('alive');
    expect(citizenAsOf(history, '2020-05-01', '2030-01-01T00:00:00.000Z')?.status).toBe('deceased');
  });

  it('is nobody before the birth or before the registry knew of it', () => {
    expect(citizenAsOf(history, '1990-01-20', '2030-01-01T00:00:00.000Z')).toBeNull();
    expect(citizenAsOf(history, '2000-01-01', '1990-01-31T00:00:00.000Z')).toBeNull();
  });
});
