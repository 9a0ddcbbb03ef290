import {
  CitizenDeceased,
  EffectiveDateBeforeBirth,
  EffectiveDateInFuture,
  ResidenceDateBeforeCurrent,
  TemporaryResidencePeriodInvalid,
  UnknownAdministrativeUnit,
} from '../errors';
import {
  PIN,
  address,
  born,
  died,
  given,
  registerPermanentResidence,
  registerTemporaryResidence,
  residedPermanently,
  residedTemporarily,
} from './citizen.fixtures';

const home = address('001', '12 Tràng Tiền');
const newHome = address('079', '5 Lê Lợi');

describe('RegisterPermanentResidence', () => {
  it('records a first permanent residence with no previous one', () => {
    given([born()])
      .when(registerPermanentResidence(home, '2010-06-01'))
      .then([
        {
          type: 'PermanentResidenceRegistered',
          data: { pin: PIN, address: home, effectiveDate: '2010-06-01', previous: null },
        },
      ]);
  });

  it('ends the previous permanent residence: one at a time', () => {
    given([born(), residedPermanently(home, '2010-06-01')])
      .when(registerPermanentResidence(newHome, '2020-02-01'))
      .then([
        {
          type: 'PermanentResidenceRegistered',
          data: {
            pin: PIN,
            address: newHome,
            effectiveDate: '2020-02-01',
            previous: { address: home, since: '2010-06-01' },
          },
        },
      ]);
  });

  it('accepts a province on a date it existed, though merged since', () => {
    given([born()])
      .when(registerPermanentResidence(address('074'), '2025-06-30'))
      .then([
        {
          type: 'PermanentResidenceRegistered',
          data: { pin: PIN, address: address('074'), effectiveDate: '2025-06-30', previous: null },
        },
      ]);
  });

  it.each([
    [
      'dated before the birth',
      [born()],
      registerPermanentResidence(home, '1990-01-14'),
      EffectiveDateBeforeBirth,
      'EFFECTIVE_DATE_BEFORE_BIRTH',
    ],
    [
      'dated after today',
      [born()],
      registerPermanentResidence(home, '2026-03-16'),
      EffectiveDateInFuture,
      'EFFECTIVE_DATE_IN_FUTURE',
    ],
    [
      'starting the day the current one started',
      [born(), residedPermanently(home, '2010-06-01')],
      registerPermanentResidence(newHome, '2010-06-01'),
      ResidenceDateBeforeCurrent,
      'RESIDENCE_DATE_BEFORE_CURRENT',
    ],
    [
      'starting before the current one',
      [born(), residedPermanently(home, '2010-06-01')],
      registerPermanentResidence(newHome, '2009-12-31'),
      ResidenceDateBeforeCurrent,
      'RESIDENCE_DATE_BEFORE_CURRENT',
    ],
    [
      'in an unknown province',
      [born()],
      registerPermanentResidence(address('999'), '2020-01-01'),
      UnknownAdministrativeUnit,
      'UNKNOWN_ADMINISTRATIVE_UNIT',
    ],
    [
      'in a province merged away by its date',
      [born()],
      registerPermanentResidence(address('074'), '2025-07-01'),
      UnknownAdministrativeUnit,
      'UNKNOWN_ADMINISTRATIVE_UNIT',
    ],
    [
      'of a deceased citizen',
      [born(), died('2024-01-01')],
      registerPermanentResidence(home, '2023-01-01'),
      CitizenDeceased,
      'CITIZEN_DECEASED',
    ],
  ] as const)('refuses a permanent residence %s', (_, events, command, errorClass, code) => {
    given(events).when(command, '2026-03-15').thenThrows(errorClass, code);
  });
});

describe('RegisterTemporaryResidence', () => {
  const lodging = address('048', '3 Bạch Đằng');

  it('records a temporary residence for a period', () => {
    given([born()])
      .when(registerTemporaryResidence(lodging, '2025-09-01', '2026-08-31'))
      .then([
        {
          type: 'TemporaryResidenceRegistered',
          data: { pin: PIN, address: lodging, from: '2025-09-01', until: '2026-08-31' },
        },
      ]);
  });

  it('ends the current temporary residence on the day the new one starts, then records the new one', () => {
    given([born(), residedTemporarily(home, '2024-01-01', '2026-12-31')])
      .when(registerTemporaryResidence(lodging, '2025-09-01', '2026-08-31'))
      .then([
        {
          type: 'TemporaryResidenceEnded',
          data: { pin: PIN, address: home, endedOn: '2025-09-01', reason: 'replaced' },
        },
        {
          type: 'TemporaryResidenceRegistered',
          data: { pin: PIN, address: lodging, from: '2025-09-01', until: '2026-08-31' },
        },
      ]);
  });

  it.each([
    [
      'ending the day it starts',
      [born()],
      registerTemporaryResidence(lodging, '2025-09-01', '2025-09-01'),
      TemporaryResidencePeriodInvalid,
      'TEMPORARY_RESIDENCE_PERIOD_INVALID',
    ],
    [
      'ending before it starts',
      [born()],
      registerTemporaryResidence(lodging, '2025-09-01', '2025-08-31'),
      TemporaryResidencePeriodInvalid,
      'TEMPORARY_RESIDENCE_PERIOD_INVALID',
    ],
    [
      'starting before the birth',
      [born()],
      registerTemporaryResidence(lodging, '1989-12-31', '1990-12-31'),
      EffectiveDateBeforeBirth,
      'EFFECTIVE_DATE_BEFORE_BIRTH',
    ],
    [
      'starting after today',
      [born()],
      registerTemporaryResidence(lodging, '2026-03-16', '2026-12-31'),
      EffectiveDateInFuture,
      'EFFECTIVE_DATE_IN_FUTURE',
    ],
    [
      'in an unknown province',
      [born()],
      registerTemporaryResidence(address('999'), '2025-09-01', '2026-08-31'),
      UnknownAdministrativeUnit,
      'UNKNOWN_ADMINISTRATIVE_UNIT',
    ],
    [
      'of a deceased citizen',
      [born(), died('2024-01-01')],
      registerTemporaryResidence(lodging, '2023-01-01', '2023-06-01'),
      CitizenDeceased,
      'CITIZEN_DECEASED',
    ],
  ] as const)('refuses a temporary residence %s', (_, events, command, errorClass, code) => {
    given(events).when(command, '2026-03-15').thenThrows(errorClass, code);
  });
});
