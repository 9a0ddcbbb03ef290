import {
  BirthYearOutOfRange,
  BirthDateInFuture,
  CitizenAlreadyRegistered,
  MotherDeceasedBeforeBirth,
  ParentBornAfterChild,
  ParentNotFound,
  ParentSexMismatch,
  PinInconsistent,
  UnknownAdministrativeUnit,
} from '../errors';
import type { BirthRegistered } from './citizen.events';
import type { RegisterBirth } from './citizen.commands';
import { decideOn, address, born, died, given, place, record, registerBirth } from './citizen.fixtures';

const MOTHER_PIN = '001195000002';
const FATHER_PIN = '001092000003';
const mother = record([born({ pin: MOTHER_PIN, sex: 'female', dateOfBirth: '1995-03-01' })]);
const father = record([born({ pin: FATHER_PIN, sex: 'male', dateOfBirth: '1992-07-20' })]);
const withParents = { motherPin: MOTHER_PIN, mother, fatherPin: FATHER_PIN, father };

/** The event a birth command records, under the PIN the registry assigns. */
const birthOf = (command: RegisterBirth, pin: string): BirthRegistered => {
  const { child, motherPin, fatherPin, registrationProvinceCode, permanentResidence } = command.data;
  return {
    type: 'BirthRegistered',
    data: { pin, ...child, motherPin, fatherPin, registrationProvinceCode, permanentResidence },
  };
};

describe('RegisterBirth', () => {
  it('records the birth under a PIN of office province, sex/century digit, year and the six digits', () => {
    given([])
      .when(registerBirth({ ...withParents, permanentResidence: address('001') }))
      .then([
        {
          type: 'BirthRegistered',
          data: {
            pin: '001324000123',
            name: { familyName: 'Trần', middleName: 'Thị', givenName: 'Bình' },
            sex: 'female',
            dateOfBirth: '2024-05-10',
            placeOfBirth: place('001'),
            nationality: 'VN',
            ethnicity: 'Kinh',
            motherPin: MOTHER_PIN,
            fatherPin: FATHER_PIN,
            registrationProvinceCode: '001',
            permanentResidence: address('001'),
          },
        },
      ]);
  });

  it.each([
    ['male', '1999-12-31', '001099000123'],
    ['female', '1999-12-31', '001199000123'],
    ['male', '2000-01-01', '001200000123'],
    ['female', '2000-01-01', '001300000123'],
    ['male', '2100-01-01', '001400000123'],
    ['female', '2100-01-01', '001500000123'],
  ] as const)('gives a %s born on %s the PIN %s', (sex, dateOfBirth, pin) => {
    const command = registerBirth({}, { sex, dateOfBirth });
    given([])
      .when(command, '2100-12-31')
      .then([birthOf(command, pin)]);
  });

  it('accepts a birth today and refuses one tomorrow', () => {
    given([])
      .when(registerBirth({}, { dateOfBirth: '2026-03-15' }), '2026-03-15')
      .then([birthOf(registerBirth({}, { dateOfBirth: '2026-03-15' }), '001326000123')]);
    given([])
      .when(registerBirth({}, { dateOfBirth: '2026-03-16' }), '2026-03-15')
      .thenThrows(BirthDateInFuture, 'BIRTH_DATE_IN_FUTURE');
  });

  describe('administrative units', () => {
    it.each([
      ['an unknown registration office', registerBirth({ registrationProvinceCode: '003' })],
      ['a registration office merged away before today', registerBirth({ registrationProvinceCode: '074' })],
      ['an unknown place of birth', registerBirth({}, { placeOfBirth: place('999') })],
      [
        'a place of birth merged away before the birth',
        registerBirth({}, { dateOfBirth: '2026-01-10', placeOfBirth: place('074') }),
      ],
      ['an unknown residence province', registerBirth({ permanentResidence: address('999') })],
      [
        'a residence province merged away before the birth',
        registerBirth({ permanentResidence: address('074') }, { dateOfBirth: '2026-01-10' }),
      ],
    ])('refuses %s', (_, command) => {
      given([]).when(command, '2026-03-15').thenThrows(UnknownAdministrativeUnit, 'UNKNOWN_ADMINISTRATIVE_UNIT');
    });

    it('accepts a place of birth and a first residence that existed on the date of birth, though merged since', () => {
      const command = registerBirth(
        { permanentResidence: address('074') },
        { dateOfBirth: '2024-05-10', placeOfBirth: place('074') },
      );
      given([])
        .when(command, '2026-03-15')
        .then([birthOf(command, '001324000123')]);
    });
  });

  describe('parents', () => {
    it.each([
      [
        'the mother is not in the registry',
        { motherPin: MOTHER_PIN, mother: null },
        ParentNotFound,
        'PARENT_NOT_FOUND',
      ],
      ['the father is not in the registry', { fatherPin: FATHER_PIN }, ParentNotFound, 'PARENT_NOT_FOUND'],
      ['the mother is a man', { motherPin: FATHER_PIN, mother: father }, ParentSexMismatch, 'PARENT_SEX_MISMATCH'],
      ['the father is a woman', { fatherPin: MOTHER_PIN, father: mother }, ParentSexMismatch, 'PARENT_SEX_MISMATCH'],
      [
        'the mother was born after the child',
        {
          motherPin: MOTHER_PIN,
          mother: record([born({ pin: MOTHER_PIN, sex: 'female', dateOfBirth: '2024-06-01' })]),
        },
        ParentBornAfterChild,
        'PARENT_BORN_AFTER_CHILD',
      ],
      [
        'the father was born on the same day as the child',
        { fatherPin: FATHER_PIN, father: record([born({ pin: FATHER_PIN, dateOfBirth: '2024-05-10' })]) },
        ParentBornAfterChild,
        'PARENT_BORN_AFTER_CHILD',
      ],
      [
        'the mother had died before the birth',
        {
          motherPin: MOTHER_PIN,
          mother: record([born({ pin: MOTHER_PIN, sex: 'female', dateOfBirth: '1995-03-01' }), died('2024-05-09')]),
        },
        MotherDeceasedBeforeBirth,
        'MOTHER_DECEASED_BEFORE_BIRTH',
      ],
    ] as const)('refuses a birth where %s', (_, parents, errorClass, code) => {
      given([]).when(registerBirth(parents)).thenThrows(errorClass, code);
    });

    it('accepts a mother who died on the day of the birth', () => {
      const diedGivingBirth = record([
        born({ pin: MOTHER_PIN, sex: 'female', dateOfBirth: '1995-03-01' }),
        died('2024-05-10'),
      ]);
      const command = registerBirth({ motherPin: MOTHER_PIN, mother: diedGivingBirth });
      given([])
        .when(command)
        .then([birthOf(command, '001324000123')]);
    });

    it('accepts a father who died before the birth', () => {
      const lateFather = record([born({ pin: FATHER_PIN, dateOfBirth: '1992-07-20' }), died('2024-01-02')]);
      const command = registerBirth({ fatherPin: FATHER_PIN, father: lateFather });
      given([])
        .when(command)
        .then([birthOf(command, '001324000123')]);
    });
  });

  it('refuses to register a citizen whose stream already holds a birth', () => {
    given([born({ pin: '001324000123' })])
      .when(registerBirth())
      .thenThrows(CitizenAlreadyRegistered, 'CITIZEN_ALREADY_REGISTERED');
  });

  it('refuses unique digits that are not six digits instead of recording an invalid PIN', () => {
    given([])
      .when(registerBirth({ uniqueDigits: '12345' }))
      .thenThrows(PinInconsistent, 'PIN_INCONSISTENT');
  });

  it.each([
    ['1899-12-31', '2026-03-15'],
    ['2400-01-01', '2400-06-01'],
  ])('refuses a birth on %s (no sex/century digit) with BIRTH_YEAR_OUT_OF_RANGE', (dateOfBirth, today) => {
    given([])
      .when(registerBirth({}, { dateOfBirth }), today)
      .thenThrows(BirthYearOutOfRange, 'BIRTH_YEAR_OUT_OF_RANGE');
  });

  it.each([
    ['1900-01-01', '001', '0', '00'],
    ['2399-12-31', '001', '9', '99'],
  ])('accepts the edge year of %s', (dateOfBirth, office, digit, yy) => {
    const command = registerBirth({}, { dateOfBirth, sex: digit === '0' ? 'male' : 'female' });
    const [event] = decideOn(command, null, { today: '2399-12-31' });
    expect((event.data as { pin: string }).pin).toBe(`${office}${digit}${yy}000123`);
  });
});
