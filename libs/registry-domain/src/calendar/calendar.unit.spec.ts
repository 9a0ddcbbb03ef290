import { ageOn, dayAfter, dayBefore, isCivilDate, yearOf } from './calendar';

describe('isCivilDate', () => {
  it.each(['2024-02-29', '2000-02-29', '2025-12-31', '1900-01-01'])('accepts %s', (date) => {
    expect(isCivilDate(date)).toBe(true);
  });

  it.each([
    '2023-02-29',
    '1900-02-29',
    '2025-04-31',
    '2025-13-01',
    '2025-00-10',
    '2025-1-01',
    '2025-01-01T00:00:00Z',
    20250101,
    null,
  ])('rejects %p', (value) => {
    expect(isCivilDate(value)).toBe(false);
  });
});

describe('dayBefore', () => {
  it.each([
    ['2025-05-02', '2025-05-01'],
    ['2025-05-01', '2025-04-30'],
    ['2024-03-01', '2024-02-29'],
    ['2023-03-01', '2023-02-28'],
    ['2025-01-01', '2024-12-31'],
  ])('of %s is %s', (date, before) => {
    expect(dayBefore(date)).toBe(before);
  });
});

describe('dayAfter', () => {
  it('is the next day of the calendar, as Date counts it, over every day from 1899 to 2101 and at the edges', () => {
    const byDate = (date: string) => {
      const d = new Date(`${date}T00:00:00Z`);
      d.setUTCDate(d.getUTCDate() + 1);
      return d.toISOString().slice(0, 10);
    };
    const days: string[] = ['0100-01-01', '9998-12-31', '9999-12-30', '9999-12-31', '2024-02-30'];
    for (let t = Date.UTC(1899, 0, 1); t <= Date.UTC(2101, 0, 1); t += 86_400_000) {
      days.push(new Date(t).toISOString().slice(0, 10));
    }
    for (const date of days) expect([date, dayAfter(date)]).toEqual([date, byDate(date)]);
  });
});

describe('ageOn', () => {
  it.each([
    ['2000-05-10', '2020-05-09', 19],
    ['2000-05-10', '2020-05-10', 20],
    ['2000-05-10', '2020-12-31', 20],
    ['2000-05-10', '2000-05-10', 0],
    ['2004-02-29', '2022-03-01', 18],
  ])('of someone born %s is on %s %i completed years', (dateOfBirth, on, age) => {
    expect(ageOn(dateOfBirth, on)).toBe(age);
  });
});

describe('yearOf', () => {
  it('is the year of a civil date', () => {
    expect(yearOf('2100-01-01')).toBe(2100);
  });
});
