import { yearOf, type CivilDate } from '../calendar/calendar';
import { findProvince } from '../provinces/provinces';

/**
 * The 12-digit personal identification number: province of birth registration (3), sex and
 * century (1), last two digits of the birth year (2), six digits that make it unique (6).
 */
export type Pin = string;
export type Sex = 'male' | 'female';

const PIN = /^\d{12}$/;

/** 0/1 male/female 1900-1999, 2/3 for 2000-2099, ... 8/9 for 2300-2399. */
export function sexCenturyDigit(sex: Sex, birthYear: number): number | undefined {
  const century = Math.floor(birthYear / 100) - 19;
  if (century < 0 || century > 4) return undefined;
  return century * 2 + (sex === 'female' ? 1 : 0);
}

/** The first six digits, fixed by the facts of the birth. */
export function pinPrefix(provinceCode: string, sex: Sex, dateOfBirth: CivilDate): string | undefined {
  const digit = sexCenturyDigit(sex, yearOf(dateOfBirth));
  if (digit === undefined) return undefined;
  return `${provinceCode}${digit}${dateOfBirth.slice(2, 4)}`;
}

export function isPinShaped(value: unknown): value is Pin {
  return typeof value === 'string' && PIN.test(value);
}

/** Why a PIN does not fit the person's facts, or undefined when it does. */
export function pinInconsistency(pin: string, sex: Sex, dateOfBirth: CivilDate): string | undefined {
  if (!isPinShaped(pin)) return 'a PIN has 12 digits';
  if (!findProvince(pin.slice(0, 3))) return `unknown province code ${pin.slice(0, 3)}`;
  const digit = sexCenturyDigit(sex, yearOf(dateOfBirth));
  if (digit === undefined || Number(pin[3]) !== digit) return 'the sex and century digit does not match';
  if (pin.slice(4, 6) !== dateOfBirth.slice(2, 4)) return 'the birth year digits do not match';
  return undefined;
}
