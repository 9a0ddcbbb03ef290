import type { Role } from '@registry/platform';

/**
 * How far a role reaches on one operation:
 * - `anywhere`: every citizen and province;
 * - `office`: only where the operation's jurisdiction lies in the office's province (officers' writes);
 * - `office-or-purpose`: the office's province freely; elsewhere only with a stated `X-Purpose`;
 * - `entitled`: agencies, with `X-Purpose`, answered with their entitled fields only;
 * - `own-agency`: the agency named in the path is the caller's own.
 */
export type Scope = 'anywhere' | 'office' | 'office-or-purpose' | 'entitled' | 'own-agency';

/**
 * Where an operation's jurisdiction lies (API.md "Writes: jurisdiction", "Reads"):
 * - `birth`: `registrationProvinceCode` and `permanentResidence.provinceCode` of the body;
 * - `new-address`: `address.provinceCode` of the body;
 * - `citizen`: the citizen's current permanent residence, or the province that registered the birth;
 * - `province-path`: the `{code}` of the path;
 * - `province-query`: the `provinceCode` of the query (a search), the office's province when absent;
 * - `spouses`: either spouse's, as `citizen` (a divorce: the office of either spouse may record it);
 * - `procedure`: the procedure's citizen's, as `citizen`, or the province whose office started it.
 */
export type Jurisdiction =
  'birth' | 'new-address' | 'citizen' | 'province-path' | 'province-query' | 'spouses' | 'procedure';

export interface Access {
  readonly roles: Partial<Record<Role, Scope>>;
  readonly jurisdiction?: Jurisdiction;
  /** Reads of personal data: the action written to the audit log. */
  readonly audit?: string;
  readonly public?: true;
}

const officerWrite = (jurisdiction: Jurisdiction): Access => ({ roles: { officer: 'office' }, jurisdiction });

/**
 * The registry's one authorization policy: every operation of the OpenAPI document, keyed
 * `METHOD /path/{param}`, and who may call it how far. The access guard reads it for every request;
 * an operation missing here is refused to everyone (and fails access-policy.e2e.spec.ts).
 */
export const ACCESS_POLICY: Readonly<Record<string, Access>> = {
  'GET /health': { roles: {}, public: true },
  'GET /health/live': { roles: {}, public: true },
  'GET /health/ready': { roles: {}, public: true },
  'GET /metrics': { roles: {}, public: true },

  'POST /v1/births': officerWrite('birth'),
  'POST /v1/citizens/{pin}/permanent-residence': officerWrite('new-address'),
  'POST /v1/citizens/{pin}/temporary-residence': officerWrite('new-address'),
  'POST /v1/citizens/{pin}/permanent-residence/cancellation': officerWrite('citizen'),
  'POST /v1/citizens/{pin}/death': officerWrite('citizen'),
  'POST /v1/citizens/{pin}/corrections': officerWrite('citizen'),
  'POST /v1/citizens/{pin}/name-changes': officerWrite('citizen'),
  'POST /v1/citizens/{pin}/temporary-residence/end': officerWrite('citizen'),
  'POST /v1/citizens/{pin}/death/annulment': officerWrite('citizen'),
  // The body's registrationProvinceCode, as for a birth.
  'POST /v1/marriages': officerWrite('birth'),
  // API.md names no office for a divorce: the office of either spouse's current permanent residence
  // (or, with none, birth registration), as for every other write on an existing citizen.
  'POST /v1/marriages/{id}/divorce': officerWrite('spouses'),
  'GET /v1/marriages/{id}': { roles: { officer: 'anywhere', supervisor: 'anywhere', historian: 'anywhere' } },
  'GET /v1/provinces': {
    roles: {
      officer: 'anywhere',
      supervisor: 'anywhere',
      historian: 'anywhere',
      agency: 'anywhere',
      operator: 'anywhere',
    },
  },
  'GET /v1/provinces/{code}/communes': {
    roles: {
      officer: 'anywhere',
      supervisor: 'anywhere',
      historian: 'anywhere',
      agency: 'anywhere',
      operator: 'anywhere',
    },
  },

  'GET /v1/citizens/{pin}': {
    roles: { officer: 'office-or-purpose', supervisor: 'office-or-purpose', historian: 'anywhere', agency: 'entitled' },
    jurisdiction: 'citizen',
    audit: 'lookup',
  },
  'GET /v1/citizens': {
    roles: { officer: 'office', supervisor: 'office', historian: 'anywhere', agency: 'entitled' },
    jurisdiction: 'province-query',
    audit: 'search',
  },
  'GET /v1/citizens/{pin}/timeline': {
    roles: { officer: 'office-or-purpose', supervisor: 'office-or-purpose', historian: 'anywhere' },
    jurisdiction: 'citizen',
    audit: 'timeline',
  },
  'GET /v1/provinces/{code}/residents': {
    roles: { officer: 'office', supervisor: 'office', historian: 'anywhere' },
    jurisdiction: 'province-path',
    audit: 'residents',
  },
  'GET /v1/statistics/population': { roles: { historian: 'anywhere', supervisor: 'anywhere' } },
  'GET /v1/statistics/births-deaths': { roles: { historian: 'anywhere', supervisor: 'anywhere' } },
  'GET /v1/feeds/{agencyId}/events': { roles: { agency: 'own-agency' }, audit: 'feed' },
  'GET /v1/audit': { roles: { supervisor: 'anywhere' } },
  // Procedures: the list is per province (supervisors of the office). One procedure names its
  // citizen (and outcomes such as a card number): the offices of that citizen and of the province
  // that started it see it and retry it; a read of it is audited.
  'GET /v1/procedures': { roles: { supervisor: 'office' }, jurisdiction: 'province-query', audit: 'procedures' },
  'GET /v1/procedures/{id}': {
    roles: { officer: 'office', supervisor: 'office' },
    jurisdiction: 'procedure',
    audit: 'procedure',
  },
  'POST /v1/procedures/{id}/retry': officerWrite('procedure'),
  'GET /v1/operations/projections': { roles: { operator: 'anywhere' } },
  'GET /v1/operations/change-feed': { roles: { operator: 'anywhere' } },
};

/** Broadest first: a caller with several roles acts in the one that reaches furthest. */
const BREADTH: readonly Scope[] = ['anywhere', 'own-agency', 'office-or-purpose', 'office', 'entitled'];

/** The role (and its scope) a caller acts in on an operation, or null when none of its roles may. */
export function grantOf(access: Access, roles: readonly Role[]): { role: Role; scope: Scope } | null {
  let best: { role: Role; scope: Scope } | null = null;
  for (const role of roles) {
    const scope = access.roles[role];
    if (scope && (!best || BREADTH.indexOf(scope) < BREADTH.indexOf(best.scope))) best = { role, scope };
  }
  return best;
}

/** `/v1/citizens/:pin` (a Fastify route) -> `/v1/citizens/{pin}` (an OpenAPI path). */
export function operationKey(method: string, routeUrl: string): string {
  return `${method.toUpperCase()} ${routeUrl.replace(/:(\w+)/g, '{$1}')}`;
}
