import type { CivilDate } from '../calendar/calendar';
import { PROVINCES, type ProvinceFact } from './provinces.data';

const BY_CODE = new Map(PROVINCES.map((p) => [p.code, p]));

export function findProvince(code: string): ProvinceFact | undefined {
  return BY_CODE.get(code);
}

/** Whether the province existed on `date` (an address recorded then is valid under its code). */
export function provinceValidOn(code: string, date: CivilDate): boolean {
  const province = BY_CODE.get(code);
  if (!province) return false;
  if (province.validFrom && date < province.validFrom) return false;
  return !province.validTo || date <= province.validTo;
}

/** The province that answers for `code` on `date`: itself while it exists, then its successor. */
export function provinceAnsweringFor(code: string, date: CivilDate): string | undefined {
  let province = BY_CODE.get(code);
  while (province?.validTo && date > province.validTo && province.successorCode) {
    province = BY_CODE.get(province.successorCode);
  }
  return province?.code;
}

/** Codes whose residents count for `code` on `date`: itself and every unit merged into it by then. */
export function provincesCountedUnder(code: string, date: CivilDate): string[] {
  if (!provinceValidOn(code, date)) return [];
  return PROVINCES.filter((p) => provinceAnsweringFor(p.code, date) === code).map((p) => p.code);
}
