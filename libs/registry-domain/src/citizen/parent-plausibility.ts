import { ageOn, type CivilDate } from '../calendar/calendar';
import {
  FatherDeceasedBeforeConception,
  MotherDeceasedBeforeBirth,
  ParentBornAfterChild,
  ParentNotFound,
  ParentSexMismatch,
  ParentTooYoung,
} from '../errors';
import type { CitizenRecord } from './citizen.state';

/**
 * The youngest age at which the registry accepts a parent without a second look (ADR 0019): below
 * it, a birth is far more likely a clerical error (a wrong PIN or date) than a fact.
 */
export const MINIMUM_PARENT_AGE = 12;

/** Art. 88 Law on Marriage and Family 2014: a child born within 300 days of the father's death is his. */
export const DAYS_FROM_FATHERS_DEATH = 300;

export type ParentRole = 'mother' | 'father';

/** Whether `parent` can be the `role` of a child born on `dateOfBirth`; throws the named rule otherwise. */
export function requirePlausibleParent(
  role: ParentRole,
  pin: string,
  parent: CitizenRecord | null | undefined,
  dateOfBirth: CivilDate,
): void {
  if (!parent) throw new ParentNotFound(role, pin);
  if (parent.sex !== (role === 'mother' ? 'female' : 'male')) throw new ParentSexMismatch(role, pin);
  if (parent.dateOfBirth >= dateOfBirth) throw new ParentBornAfterChild(role, pin);
  if (ageOn(parent.dateOfBirth, dateOfBirth) < MINIMUM_PARENT_AGE) {
    throw new ParentTooYoung(role, pin, MINIMUM_PARENT_AGE);
  }
  const died = parent.status === 'deceased' ? parent.dateOfDeath : null;
  if (!died) return;
  if (role === 'mother' && died < dateOfBirth) throw new MotherDeceasedBeforeBirth(pin);
  if (role === 'father' && daysBetween(died, dateOfBirth) > DAYS_FROM_FATHERS_DEATH) {
    throw new FatherDeceasedBeforeConception(pin, died);
  }
}

function daysBetween(from: CivilDate, to: CivilDate): number {
  return (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;
}
