import { PROVINCES, type ProvinceFact } from '../../../libs/registry-domain/src/provinces/provinces.data';

/** The registry's own province list (pure data from the domain, bundled at build time). */
export { PROVINCES, type ProvinceFact };

export function provinceName(code: string): string {
  return PROVINCES.find((p) => p.code === code)?.name ?? code;
}

/**
 * The code a province's population is asked under on `date`: a province merged in 2025 answers
 * under its own code up to its last day, and within its successor afterwards.
 */
export function codeAnsweringFor(code: string, date: string): string {
  const province = PROVINCES.find((p) => p.code === code);
  if (!province?.validTo || date <= province.validTo || !province.successorCode) return code;
  return codeAnsweringFor(province.successorCode, date);
}

/** Provinces merged into `code`, counted under it from the day after their last day. */
export function mergedInto(code: string): ProvinceFact[] {
  return PROVINCES.filter((p) => p.successorCode === code);
}
