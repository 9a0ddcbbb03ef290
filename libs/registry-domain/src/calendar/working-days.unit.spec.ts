import { addWorkingDays, isWorkingDay } from './working-days';

describe('working days', () => {
  it.each([
    ['2026-11-30', true], // Monday
    ['2026-11-28', false], // Saturday
    ['2026-11-29', false], // Sunday
    ['2026-09-02', false], // National Day
    ['2026-02-17', false], // Tết
    ['2030-05-01', false], // a fixed holiday in a year the data file does not list
    ['2030-05-02', true],
  ])('%s is a working day: %s', (date, working) => {
    expect(isWorkingDay(date)).toBe(working);
  });

  it.each([
    ['2026-11-30', '2026-12-03'], // Monday + 3 = Thursday
    ['2026-11-27', '2026-12-02'], // Friday: the weekend does not count
    ['2026-02-13', '2026-02-25'], // Friday before Tết: the Tết week does not count
    ['2026-08-31', '2026-09-07'], // across 1 and 2 September
  ])('three working days after %s is %s', (start, due) => {
    expect(addWorkingDays(start, 3)).toBe(due);
  });
});
