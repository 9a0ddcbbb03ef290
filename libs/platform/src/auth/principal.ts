export const ROLES = ['officer', 'supervisor', 'agency', 'historian', 'operator'] as const;
export type Role = (typeof ROLES)[number];

/** The authenticated caller, from the JWT's claims (API.md "Identity of the caller"). */
export interface Principal {
  readonly sub: string;
  readonly roles: readonly Role[];
  /** Province code of an officer's office. */
  readonly office: string | null;
  /** Agency id, for agencies. */
  readonly agency: string | null;
}
