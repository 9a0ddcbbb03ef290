import { findProvince, provinceAnsweringFor, provincesCountedUnder, provinceValidOn } from './provinces';
import { PROVINCES } from './provinces.data';

const BEFORE_REFORM = '2025-06-30';
const AFTER_REFORM = '2025-07-01';

describe('province reference data', () => {
  const merged = PROVINCES.filter((p) => p.validTo !== null);
  const surviving = PROVINCES.filter((p) => p.validTo === null);

  it('holds 63 provinces: 29 merged into a successor on 2025-06-30 and 34 surviving', () => {
    expect(PROVINCES).toHaveLength(63);
    expect(new Set(PROVINCES.map((p) => p.code)).size).toBe(63);
    expect(merged).toHaveLength(29);
    expect(surviving).toHaveLength(34);
    expect(merged.every((p) => p.validTo === BEFORE_REFORM)).toBe(true);
  });

  it('merges every ended province into a province that survives the reform', () => {
    const survivors = new Set(surviving.map((p) => p.code));
    expect(merged.filter((p) => !survivors.has(p.successorCode ?? ''))).toEqual([]);
    expect(surviving.every((p) => p.successorCode === null)).toBe(true);
  });

  it('finds a province by code', () => {
    expect(findProvince('074')?.name).toBe('Bình Dương');
    expect(findProvince('999')).toBeUndefined();
  });
});

describe('provinceValidOn', () => {
  it.each([
    ['074', BEFORE_REFORM, true],
    ['074', AFTER_REFORM, false],
    ['079', BEFORE_REFORM, true],
    ['079', AFTER_REFORM, true],
    ['999', BEFORE_REFORM, false],
  ])('%s on %s: %s', (code, date, valid) => {
    expect(provinceValidOn(code, date)).toBe(valid);
  });
});

describe('provinceAnsweringFor', () => {
  it.each([
    ['074', BEFORE_REFORM, '074'],
    ['074', AFTER_REFORM, '079'],
    ['077', AFTER_REFORM, '079'],
    ['079', AFTER_REFORM, '079'],
    ['999', AFTER_REFORM, undefined],
  ])('%s on %s: %s', (code, date, answering) => {
    expect(provinceAnsweringFor(code, date)).toBe(answering);
  });
});

describe('provincesCountedUnder', () => {
  it('counts Bình Dương (074) and Bà Rịa - Vũng Tàu (077) under Hồ Chí Minh (079) after the reform', () => {
    expect(provincesCountedUnder('079', AFTER_REFORM).sort()).toEqual(['074', '077', '079']);
  });

  it('counts only Hồ Chí Minh itself before the reform', () => {
    expect(provincesCountedUnder('079', BEFORE_REFORM)).toEqual(['079']);
  });

  it('counts nothing under a province that no longer exists', () => {
    expect(provincesCountedUnder('074', AFTER_REFORM)).toEqual([]);
  });
});
