import type { CivilDate } from './calendar';
import { PUBLIC_HOLIDAYS } from './public-holidays.data';

/** Solar holidays that recur every year, for years the data file does not list yet. */
const FIXED_HOLIDAYS = ['01-01', '04-30', '05-01', '09-02'];
const LISTED_YEARS = new Set(PUBLIC_HOLIDAYS.map((date) => date.slice(0, 4)));
const HOLIDAYS = new Set(PUBLIC_HOLIDAYS);

export function isWorkingDay(date: CivilDate): boolean {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  if (weekday === 0 || weekday === 6) return false;
  if (LISTED_YEARS.has(date.slice(0, 4))) return !HOLIDAYS.has(date);
  return !FIXED_HOLIDAYS.includes(date.slice(5));
}

/**
 * The day `count` working days after `date` (Decree 63/2024 counts deadlines in working days:
 * weekends and public holidays do not count, and `date` itself does not either).
 */
export function addWorkingDays(date: CivilDate, count: number): CivilDate {
  const day = new Date(`${date}T00:00:00Z`);
  let left = count;
  while (left > 0) {
    day.setUTCDate(day.getUTCDate() + 1);
    if (isWorkingDay(day.toISOString().slice(0, 10))) left--;
  }
  return day.toISOString().slice(0, 10);
}
