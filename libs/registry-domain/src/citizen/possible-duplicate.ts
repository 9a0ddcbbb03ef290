import type { CivilDate } from '../calendar/calendar';
import type { Pin } from '../pin/pin';
import type { PersonName } from './citizen.events';

/** A child already recorded for the same mother (what the duplicate check compares with). */
export interface RecordedSibling {
  readonly pin: Pin;
  readonly name: PersonName;
  readonly dateOfBirth: CivilDate;
}

/**
 * Births of the same mother on the same date whose folded names are alike: the same given name,
 * or full names at most two edits apart ("An" and "Anh" are alike: twins are confirmed by the
 * officer with `confirmedDistinctFrom`).
 */
export function possibleDuplicates(
  child: { readonly name: PersonName; readonly dateOfBirth: CivilDate },
  siblings: readonly RecordedSibling[],
  confirmedDistinctFrom: readonly Pin[],
): Pin[] {
  return siblings
    .filter((sibling) => sibling.dateOfBirth === child.dateOfBirth && !confirmedDistinctFrom.includes(sibling.pin))
    .filter((sibling) => namesAlike(sibling.name, child.name))
    .map((sibling) => sibling.pin);
}

export function namesAlike(a: PersonName, b: PersonName): boolean {
  if (fold(a.givenName) === fold(b.givenName)) return true;
  return editDistance(fold(fullName(a)), fold(fullName(b))) <= 2;
}

function fullName(name: PersonName): string {
  return [name.familyName, name.middleName, name.givenName].filter(Boolean).join(' ');
}

/** Without diacritics, case or extra spaces ("Nguyễn  Văn Đức" -> "nguyen van duc"). */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').replace(/[đĐ]/g, 'd').toLowerCase().replace(/\s+/g, ' ').trim();
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
