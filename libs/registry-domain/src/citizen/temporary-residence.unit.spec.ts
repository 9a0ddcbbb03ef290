import {
  CommuneNotValid,
  NoTemporaryResidence,
  TemporaryResidenceBeforeCurrent,
  TemporaryResidenceInPermanentCommune,
  TemporaryResidenceTooLong,
} from '../errors';
import type { CitizenCommand } from './citizen.commands';
import { foldCitizen } from './citizen.state';
import {
  decideOn,
  PIN,
  TODAY,
  born,
  communeAddress,
  given,
  registerPermanentResidence,
  registerTemporaryResidence,
  residedPermanently,
  residedTemporarily,
} from './citizen.fixtures';

// Hà Nội wards in force before the 2025 reform (reference list).
const home = communeAddress('001', '00004');
const stay = communeAddress('001', '00007');
const otherStay = communeAddress('001', '00008');

const endTemporaryResidence = (effectiveDate: string, reason = 'left'): CitizenCommand => ({
  type: 'EndTemporaryResidence',
  data: { effectiveDate, reason },
});

describe('Temporary residence (Law on Residence 2020)', () => {
  it('registers a stay of exactly two years', () => {
    given([born()])
      .when(registerTemporaryResidence(stay, '2024-08-01', '2026-03-01'))
      .then([
        {
          type: 'TemporaryResidenceRegistered',
          data: { pin: PIN, address: stay, from: '2024-08-01', until: '2026-03-01' },
        },
      ]);
    given([born()])
      .when(registerTemporaryResidence(stay, '2022-08-01', '2024-08-01'))
      .then([
        {
          type: 'TemporaryResidenceRegistered',
          data: { pin: PIN, address: stay, from: '2022-08-01', until: '2024-08-01' },
        },
      ]);
  });

  it('refuses a stay longer than two years with TEMPORARY_RESIDENCE_PERIOD_INVALID', () => {
    given([born()])
      .when(registerTemporaryResidence(stay, '2022-08-01', '2024-08-02'))
      .thenThrows(TemporaryResidenceTooLong, 'TEMPORARY_RESIDENCE_PERIOD_INVALID');
  });

  it('refuses a stay in the commune of the permanent residence', () => {
    given([born(), residedPermanently(home, '2010-01-01')])
      .when(registerTemporaryResidence(communeAddress('001', '00004', 'another street'), '2024-08-01', '2025-01-01'))
      .thenThrows(TemporaryResidenceInPermanentCommune, 'TEMPORARY_RESIDENCE_IN_PERMANENT_COMMUNE');
  });

  it('accepts a stay in another commune than the permanent residence', () => {
    given([born(), residedPermanently(home, '2010-01-01')])
      .when(registerTemporaryResidence(stay, '2024-08-01', '2025-01-01'))
      .then([
        {
          type: 'TemporaryResidenceRegistered',
          data: { pin: PIN, address: stay, from: '2024-08-01', until: '2025-01-01' },
        },
      ]);
  });

  it('refuses a new stay that would end the current one before (or on the day) it began', () => {
    given([born(), residedTemporarily(stay, '2024-09-01', '2025-06-01')])
      .when(registerTemporaryResidence(otherStay, '2024-08-15', '2025-01-01'))
      .thenThrows(TemporaryResidenceBeforeCurrent, 'RESIDENCE_DATE_BEFORE_CURRENT');
    given([born(), residedTemporarily(stay, '2024-09-01', '2025-06-01')])
      .when(registerTemporaryResidence(otherStay, '2024-09-01', '2025-01-01'))
      .thenThrows(TemporaryResidenceBeforeCurrent, 'RESIDENCE_DATE_BEFORE_CURRENT');
  });

  it('does not end a stay that had lapsed before the new one', () => {
    given([born(), residedTemporarily(stay, '2024-08-01', '2024-09-01')])
      .when(registerTemporaryResidence(otherStay, '2024-10-01', '2025-01-01'))
      .then([
        {
          type: 'TemporaryResidenceRegistered',
          data: { pin: PIN, address: otherStay, from: '2024-10-01', until: '2025-01-01' },
        },
      ]);
  });

  it.each([
    ['a commune that did not exist on the date', communeAddress('001', '00001'), '2025-08-01', 'unknown'],
    ['a commune of another province', communeAddress('079', '00004'), '2024-08-01', 'elsewhere'],
  ])('refuses %s with UNKNOWN_ADMINISTRATIVE_UNIT', (_, address, from, problem) => {
    given([born()])
      .when(registerTemporaryResidence(address, from, '2025-12-01'))
      .thenThrows(CommuneNotValid, 'UNKNOWN_ADMINISTRATIVE_UNIT');
    const command = registerTemporaryResidence(address, from, '2025-12-01');
    expect(() => decideOn(command, foldCitizen([born()]), { today: TODAY })).toThrow(
      expect.objectContaining({ details: [expect.objectContaining({ field: 'communeCode', problem })] }),
    );
  });

  describe('ending a stay', () => {
    it('ends the stay in force on the date', () => {
      given([born(), residedTemporarily(stay, '2024-08-01', '2025-08-01')])
        .when(endTemporaryResidence('2025-01-10'))
        .then([
          { type: 'TemporaryResidenceEnded', data: { pin: PIN, address: stay, endedOn: '2025-01-10', reason: 'left' } },
        ]);
    });

    it.each([
      ['there is none', [born()], '2025-01-10'],
      ['it lapsed before the date', [born(), residedTemporarily(stay, '2024-08-01', '2024-12-01')], '2025-01-10'],
    ])('answers NO_TEMPORARY_RESIDENCE when %s', (_, events, date) => {
      given(events).when(endTemporaryResidence(date)).thenThrows(NoTemporaryResidence, 'NO_TEMPORARY_RESIDENCE');
    });

    it('refuses an end before the stay began', () => {
      given([born(), residedTemporarily(stay, '2024-08-01', '2025-08-01')])
        .when(endTemporaryResidence('2024-07-01'))
        .thenThrows(TemporaryResidenceBeforeCurrent, 'RESIDENCE_DATE_BEFORE_CURRENT');
    });
  });

  it('validates the commune of a permanent residence too', () => {
    given([born()])
      .when(registerPermanentResidence(communeAddress('001', '00001'), '2025-08-01'))
      .thenThrows(CommuneNotValid, 'UNKNOWN_ADMINISTRATIVE_UNIT');
  });
});
