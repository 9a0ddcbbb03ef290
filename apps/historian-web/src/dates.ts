/** Most dates one chart asks for (each is two requests). */
export const MAX_POINTS = 120;

/** Dates from `from` to `to` (both YYYY-MM-DD, included), every `months` months, on `from`'s day. */
export function sampleDates(from: string, to: string, months: number): string[] {
  const [year, month, day] = from.split('-').map(Number);
  const dates: string[] = [];
  for (let i = 0; dates.length < MAX_POINTS; i += months) {
    // Day 31 in a 30-day month falls back to the month's last day.
    const last = new Date(Date.UTC(year, month - 1 + i + 1, 0)).getUTCDate();
    const date = new Date(Date.UTC(year, month - 1 + i, Math.min(day, last))).toISOString().slice(0, 10);
    if (date > to) break;
    dates.push(date);
  }
  return dates;
}

export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** An instant for people: `2025-01-01 08:00:00.123 UTC`. */
export function instantForPeople(iso: string): string {
  return `${iso.replace('T', ' ').replace('Z', '')} UTC`;
}

/** Seconds since the epoch at 0:00 UTC of a civil date (the chart's x axis). */
export function dateSeconds(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) / 1000;
}
