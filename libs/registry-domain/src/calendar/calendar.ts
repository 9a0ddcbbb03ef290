/** Civil dates as `YYYY-MM-DD` strings: the registry records days, not instants, for life events. */
export type CivilDate = string;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * A real day of the Gregorian calendar, years 100 to 9999 (as `Date` reads them: it takes the
 * years 0 to 99 for 1900 to 1999). Counted, not built as a Date: the legacy import asks this a
 * few times per row, a hundred million rows.
 */
export function isCivilDate(value: unknown): value is CivilDate {
  if (typeof value !== 'string' || !DATE.test(value)) return false;
  const year = Number(value.slice(0, 4));
  const month = Number(value.slice(5, 7));
  const day = Number(value.slice(8, 10));
  if (year < 100 || month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]);
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

/**
 * The day after `date` (an inclusive last day becomes an exclusive bound). Counted, not built as
 * a Date, for real days: a rebuild of the read models asks this a few times per event. Anything
 * else gets what `Date` makes of it, as before.
 */
export function dayAfter(date: CivilDate): CivilDate {
  if (!isCivilDate(date) || date >= '9999-12-31') return dayAfterByDate(date);
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  const day = Number(date.slice(8, 10));
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day < (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1])) return `${date.slice(0, 8)}${twoDigits(day + 1)}`;
  if (month < 12) return `${date.slice(0, 5)}${twoDigits(month + 1)}-01`;
  return `${year + 1}-01-01`;
}

function twoDigits(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function dayAfterByDate(date: CivilDate): CivilDate {
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
