import { civilDateIn } from '@registry/app';
import { findProvince, provinceAnsweringFor, type CitizenRecord } from '@registry/domain';
import { HttpProblem, type Principal } from '@registry/platform';

/**
 * Whether the office serves a province on the given day: its own, or one merged into it in 2025.
 * A code that names no province is let through: the domain (or the query) answers it with 422.
 */
export function officeServes(office: string | null, provinceCode: unknown, now: Date): boolean {
  if (typeof provinceCode !== 'string' || !findProvince(provinceCode)) return true;
  if (!office) return false;
  return office === provinceCode || office === provinceAnsweringFor(provinceCode, civilDateIn(now));
}

export function jurisdictionDenied(principal: Principal, provinceCode: unknown): HttpProblem {
  return new HttpProblem(
    403,
    'JURISDICTION_DENIED',
    `An officer of office ${principal.office ?? 'none'} may not act for province ${String(provinceCode)}`,
  );
}

export function requireOffice(principal: Principal, provinceCode: unknown, now: Date): void {
  if (!officeServes(principal.office, provinceCode, now)) throw jurisdictionDenied(principal, provinceCode);
}

/**
 * The province a citizen belongs to for jurisdiction: the current permanent residence, or with
 * none, the province that registered the birth (the first three digits of the PIN).
 */
export function provinceOfCitizen(citizen: {
  readonly pin: string;
  readonly permanentResidence: { readonly address: { readonly provinceCode: string } } | null;
}): string {
  return citizen.permanentResidence?.address.provinceCode ?? citizen.pin.slice(0, 3);
}

/** The check a write on an existing citizen runs against the stream's state, before deciding. */
export function citizenJurisdiction(principal: Principal, now: Date): (citizen: CitizenRecord) => void {
  return (citizen) => requireOffice(principal, provinceOfCitizen(citizen), now);
}

/** The check of a jurisdiction lying in any of several provinces: one the office serves suffices. */
export function anyProvinceJurisdiction(principal: Principal, now: Date): (provinceCodes: readonly string[]) => void {
  return (provinceCodes) => {
    if (!provinceCodes.some((code) => officeServes(principal.office, code, now)))
      throw jurisdictionDenied(principal, provinceCodes.join(' or '));
  };
}
