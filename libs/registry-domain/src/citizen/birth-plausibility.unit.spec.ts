import {
  CommuneNotValid,
  FatherDeceasedBeforeConception,
  MotherDeceasedBeforeBirth,
  ParentTooYoung,
  PossibleDuplicate,
} from '../errors';
import { decideOn, born, communeAddress, died, given, record, registerBirth } from './citizen.fixtures';
import { fold, namesAlike } from './possible-duplicate';

const MOTHER_PIN = '001195000002';
const FATHER_PIN = '001092000003';
const mother = (data = {}, events = [] as Parameters<typeof record>[0]) =>
  record([born({ pin: MOTHER_PIN, sex: 'female', dateOfBirth: '1995-03-01', ...data }), ...events]);
const father = (events = [] as Parameters<typeof record>[0]) =>
  record([born({ pin: FATHER_PIN, sex: 'male', dateOfBirth: '1992-07-20' }), ...events]);

// The child of registerBirth(): Trần Thị Bình, born 2024-05-10.
const sibling = (pin: string, givenName: string, dateOfBirth = '2024-05-10') => ({
  pin,
  name: { familyName: 'Trần', middleName: 'Thị', givenName },
  dateOfBirth,
});

describe('RegisterBirth: plausible parents', () => {
  it('refuses a parent younger than the documented minimum age at the birth', () => {
    given([])
      .when(registerBirth({ motherPin: MOTHER_PIN, mother: mother({ dateOfBirth: '2012-05-11' }) }))
      .thenThrows(ParentTooYoung, 'PARENT_TOO_YOUNG');
  });

  it('accepts a mother of exactly the minimum age', () => {
    expect(() =>
      decideOn(registerBirth({ motherPin: MOTHER_PIN, mother: mother({ dateOfBirth: '2012-05-10' }) }), null, {
        today: '2026-03-15',
      }),
    ).not.toThrow();
  });

  it('refuses a father who died more than 300 days before the birth (Art. 88)', () => {
    given([])
      .when(registerBirth({ fatherPin: FATHER_PIN, father: father([died('2023-07-14')]) }))
      .thenThrows(FatherDeceasedBeforeConception, 'FATHER_DECEASED_BEFORE_CONCEPTION');
  });

  it('accepts a father who died 300 days before the birth', () => {
    expect(() =>
      decideOn(registerBirth({ fatherPin: FATHER_PIN, father: father([died('2023-07-15')]) }), null, {
        today: '2026-03-15',
      }),
    ).not.toThrow();
  });

  it('still refuses a mother who died before the birth', () => {
    given([])
      .when(registerBirth({ motherPin: MOTHER_PIN, mother: mother({}, [died('2024-05-09')]) }))
      .thenThrows(MotherDeceasedBeforeBirth, 'MOTHER_DECEASED_BEFORE_BIRTH');
  });

  it("checks the commune of the application's residence on the date of birth", () => {
    given([])
      .when(registerBirth({ permanentResidence: communeAddress('079', '00004') }))
      .thenThrows(CommuneNotValid, 'UNKNOWN_ADMINISTRATIVE_UNIT');
  });
});

describe('RegisterBirth: possible duplicates', () => {
  const withMother = { motherPin: MOTHER_PIN, mother: mother() };

  it('refuses a birth of the same mother, date and a similar name with POSSIBLE_DUPLICATE', () => {
    given([])
      .when(registerBirth({ ...withMother, siblings: [sibling('001324000001', 'Bình')] }))
      .thenThrows(PossibleDuplicate, 'POSSIBLE_DUPLICATE');
    given([])
      .when(registerBirth({ ...withMother, siblings: [sibling('001324000001', 'Binh')] }))
      .thenThrows(PossibleDuplicate, 'POSSIBLE_DUPLICATE');
  });

  it('names the existing PIN in the details', () => {
    const command = registerBirth({ ...withMother, siblings: [sibling('001324000001', 'Bình')] });
    expect(() => decideOn(command, null, { today: '2026-03-15' })).toThrow(
      expect.objectContaining({ details: [{ field: 'confirmedDistinctFrom', existingPin: '001324000001' }] }),
    );
  });

  it('accepts twins the officer confirmed distinct', () => {
    const command = registerBirth({
      ...withMother,
      siblings: [sibling('001324000001', 'Bình')],
      confirmedDistinctFrom: ['001324000001'],
    });
    expect(decideOn(command, null, { today: '2026-03-15' })).toHaveLength(1);
  });

  it('accepts a sibling born on another date, or with a different name', () => {
    for (const other of [sibling('001322000001', 'Bình', '2022-01-01'), sibling('001324000001', 'Quang Minh')]) {
      const command = registerBirth({ ...withMother, siblings: [other] });
      expect(decideOn(command, null, { today: '2026-03-15' })).toHaveLength(1);
    }
  });

  it('folds names without diacritics, đ or case', () => {
    expect(fold('  Nguyễn  Văn ĐỨC ')).toBe('nguyen van duc');
    expect(
      namesAlike(
        { familyName: 'Lê', middleName: null, givenName: 'An' },
        { familyName: 'Lê', middleName: null, givenName: 'Anh' },
      ),
    ).toBe(true);
  });
});
