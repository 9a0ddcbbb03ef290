import { COMMUNES, communeOn, communeProblem, communesOf } from './communes';

describe('communes reference data', () => {
  it('holds the 10,035 units before the 2025 reform and the 3,321 after it', () => {
    expect(COMMUNES.filter((c) => c.validTo === '2025-06-30')).toHaveLength(10035);
    expect(COMMUNES.filter((c) => c.validFrom === '2025-07-01')).toHaveLength(3321);
    expect(communesOf('001', '2025-06-30').length + communesOf('001', '2025-07-01').length).toBeGreaterThan(0);
  });

  it('lets validity decide what a reused code means', () => {
    expect(communeOn('00004', '2025-06-30')?.name).toBe('Phường Trúc Bạch');
    expect(communeOn('00004', '2025-07-01')?.name).toBe('Phường Ba Đình');
  });

  it.each([
    ['a unit of the province on the date', '001', '00004', '2024-08-01', undefined],
    ['a unit merged away before the date', '001', '00001', '2025-07-01', 'unknown'],
    ['a code never listed, on a listed date', '001', '99999', '2024-08-01', 'unknown'],
    ['a unit of another province', '079', '00004', '2025-08-01', 'elsewhere'],
    ['an unlisted code before the list starts (cannot be judged)', '001', '99999', '2010-01-01', undefined],
    ['a listed unit of another province, even before the list starts', '079', '00004', '2010-01-01', 'elsewhere'],
  ])('judges %s', (_, province, code, date, problem) => {
    expect(communeProblem(province, code, date)).toBe(problem);
  });

  it('lists a merged province under its own code before the reform and none after', () => {
    expect(communesOf('002', '2025-06-30').length).toBeGreaterThan(0);
    expect(communesOf('002', '2025-07-01')).toEqual([]);
  });
});
