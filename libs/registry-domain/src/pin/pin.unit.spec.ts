import { isPinShaped, pinInconsistency, pinPrefix, sexCenturyDigit } from './pin';

describe('sexCenturyDigit', () => {
  it.each([
    ['male', 1900, 0],
    ['female', 1999, 1],
    ['male', 2000, 2],
    ['female', 2099, 3],
    ['male', 2100, 4],
    ['female', 2100, 5],
    ['male', 2399, 8],
    ['female', 2399, 9],
    ['male', 1899, undefined],
    ['female', 2400, undefined],
  ] as const)('is, for a %s born in %i, %s', (sex, year, digit) => {
    expect(sexCenturyDigit(sex, year)).toBe(digit);
  });
});

describe('pinPrefix', () => {
  it.each([
    ['079', 'male', '1999-12-31', '079099'],
    ['079', 'female', '2000-01-01', '079300'],
    ['001', 'male', '2105-06-01', '001405'],
    ['001', 'female', '1899-12-31', undefined],
  ] as const)('is province %s + sex/century digit + yy for a %s born %s: %s', (province, sex, dateOfBirth, prefix) => {
    expect(pinPrefix(province, sex, dateOfBirth)).toBe(prefix);
  });
});

describe('pinInconsistency', () => {
  it.each([
    ['a consistent PIN', '001090000001', undefined],
    ['a PIN under a province merged since (legacy PINs keep it)', '074090000001', undefined],
    ['eleven digits', '00109000000', 'a PIN has 12 digits'],
    ['a letter', '00109000000A', 'a PIN has 12 digits'],
    ['an unknown province', '003090000001', 'unknown province code 003'],
    ['the female digit for a man', '001190000001', 'the sex and century digit does not match'],
    ['the 2000s digit for a man born in 1990', '001290000001', 'the sex and century digit does not match'],
    ['the wrong birth year', '001091000001', 'the birth year digits do not match'],
  ])('for a man born 1990-01-15, finds in %s: %s', (_, pin, reason) => {
    expect(pinInconsistency(pin, 'male', '1990-01-15')).toBe(reason);
  });

  it('accepts only strings of twelve digits as PIN-shaped', () => {
    expect(isPinShaped('001090000001')).toBe(true);
    expect(isPinShaped(1090000001)).toBe(false);
    expect(isPinShaped('0010900000012')).toBe(false);
  });
});
