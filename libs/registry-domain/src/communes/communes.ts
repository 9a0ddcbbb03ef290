import type { CivilDate } from '../calendar/calendar';
import { COMMUNE_ROWS } from './communes.data';

/** A commune-level unit in one period of its existence (`validTo` inclusive; null: open). */
export interface CommuneFact {
  readonly provinceCode: string;
  readonly code: string;
  readonly name: string;
  readonly validFrom: CivilDate | null;
  readonly validTo: CivilDate | null;
}

/**
 * Units dissolved before mid-2024 are not in the reference list: for an earlier date a
 * well-formed code that is not listed for that date cannot be judged, and is accepted.
 */
export const COMMUNES_LISTED_FROM: CivilDate = '2024-07-01';

export const COMMUNES: readonly CommuneFact[] = COMMUNE_ROWS.trim()
  .split('\n')
  .map((row) => {
    const [provinceCode, code, name, validFrom, validTo] = row.split(',');
    return { provinceCode, code, name, validFrom: validFrom || null, validTo: validTo || null };
  });

const BY_CODE = new Map<string, CommuneFact[]>();
const BY_PROVINCE = new Map<string, CommuneFact[]>();
for (const commune of COMMUNES) {
  BY_CODE.set(commune.code, [...(BY_CODE.get(commune.code) ?? []), commune]);
  BY_PROVINCE.set(commune.provinceCode, [...(BY_PROVINCE.get(commune.provinceCode) ?? []), commune]);
}

function validOn(unit: { validFrom: CivilDate | null; validTo: CivilDate | null }, date: CivilDate): boolean {
  return (!unit.validFrom || unit.validFrom <= date) && (!unit.validTo || date <= unit.validTo);
}

/** The unit a commune code named on `date`, if the list knows it then. */
export function communeOn(code: string, date: CivilDate): CommuneFact | undefined {
  return BY_CODE.get(code)?.find((commune) => validOn(commune, date));
}

/**
 * Why a commune code cannot be recorded in `provinceCode` on `date`, or undefined when it can:
 * 'unknown' when no such unit existed then, 'elsewhere' when it lay in another province.
 */
export function communeProblem(
  provinceCode: string,
  code: string,
  date: CivilDate,
): 'unknown' | 'elsewhere' | undefined {
  const commune = communeOn(code, date);
  if (commune) return commune.provinceCode === provinceCode ? undefined : 'elsewhere';
  return date < COMMUNES_LISTED_FROM ? undefined : 'unknown';
}

/** The communes of a province valid on `date`, in code order. */
export function communesOf(provinceCode: string, date: CivilDate): CommuneFact[] {
  return (BY_PROVINCE.get(provinceCode) ?? []).filter((commune) => validOn(commune, date));
}
