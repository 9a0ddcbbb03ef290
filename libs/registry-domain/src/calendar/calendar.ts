/** Civil dates as `YYYY-MM-DD` strings: the registry records days, not instants, for life events. */
export type CivilDate = string;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isCivilDate(value: unknown): value is CivilDate {
  if (typeof value !== 'string') return false;
  const match = DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

export function yearOf(date: CivilDate): number {
  return Number(date.slice(0, 4));
}

/** The day before `date` (a new permanent residence ends the previous one on that day). */
export function dayBefore(date: CivilDate): CivilDate {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

/** The day after `date` (an inclusive last day becomes an exclusive bound). */
export function dayAfter(date: CivilDate): CivilDate {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** Completed years between two dates, as the law counts age. */
export function ageOn(dateOfBirth: CivilDate, on: CivilDate): number {
  const years = yearOf(on) - yearOf(dateOfBirth);
  return on.slice(5) >= dateOfBirth.slice(5) ? years : years - 1;
}

/** The same day `years` later (29 February becomes 28 February in a common year). */
export function addYears(date: CivilDate, years: number): CivilDate {
  const year = String(yearOf(date) + years).padStart(4, '0');
  const candidate = `${year}${date.slice(4)}`;
  return isCivilDate(candidate) ? candidate : `${year}-02-28`;
}
