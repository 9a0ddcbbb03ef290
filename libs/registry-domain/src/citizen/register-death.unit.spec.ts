import { CitizenDeceased, DeathBeforeBirth, DeathDateInFuture, UnknownAdministrativeUnit } from '../errors';
import { PIN, born, died, given, place, registerDeath } from './citizen.fixtures';

describe('RegisterDeath', () => {
  it('records the death of a living citizen', () => {
    given([born()])
      .when(registerDeath('2026-03-15', place('079')), '2026-03-15')
      .then([
        {
          type: 'DeathRegistered',
          data: { pin: PIN, dateOfDeath: '2026-03-15', placeOfDeath: place('079'), certificateNumber: 'KT-0001' },
        },
      ]);
  });

  it('accepts a place of death that existed on the date of death, though merged since', () => {
    given([born()])
      .when(registerDeath('2025-06-30', place('074')))
      .then([
        {
          type: 'DeathRegistered',
          data: { pin: PIN, dateOfDeath: '2025-06-30', placeOfDeath: place('074'), certificateNumber: 'KT-0001' },
        },
      ]);
  });

  it.each([
    ['before the birth', [born()], registerDeath('1990-01-14'), DeathBeforeBirth, 'DEATH_BEFORE_BIRTH'],
    ['after today', [born()], registerDeath('2026-03-16'), DeathDateInFuture, 'DEATH_DATE_IN_FUTURE'],
    [
      'of a citizen already deceased',
      [born(), died('2024-01-01')],
      registerDeath('2025-01-01'),
      CitizenDeceased,
      'CITIZEN_DECEASED',
    ],
    [
      'in an unknown province',
      [born()],
      registerDeath('2025-01-01', place('999')),
      UnknownAdministrativeUnit,
      'UNKNOWN_ADMINISTRATIVE_UNIT',
    ],
    [
      'in a province merged away by the date of death',
      [born()],
      registerDeath('2025-07-01', place('074')),
      UnknownAdministrativeUnit,
      'UNKNOWN_ADMINISTRATIVE_UNIT',
    ],
  ] as const)('refuses a death %s', (_, events, command, errorClass, code) => {
    given(events).when(command, '2026-03-15').thenThrows(errorClass, code);
  });
});
