import { Injectable, Optional, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AgencyEntitlements } from '@registry/change-feed';
import type { CitizenRecord } from '@registry/domain';
import { HttpProblem, TokenRefused, TokenVerifier, type Principal, type Role } from '@registry/platform';
import { ACCESS_POLICY, grantOf, operationKey, type Access, type Scope } from './access-policy';
import { anyProvinceJurisdiction, citizenJurisdiction, requireOffice } from './jurisdiction';
import { purposeOf } from './purpose';
import { ReadAccessHook } from './read-access.hook';

/** What the guard established about a request, for the controllers and the read interceptor. */
export interface RequestAccess {
  readonly access: Access;
  readonly role: Role;
  readonly scope: Scope;
  readonly purpose: string | null;
  /** Runs against the citizen's state before a write is decided (a no-op when checked already). */
  readonly authorizeCitizen: (citizen: CitizenRecord) => void;
  /**
   * For jurisdictions that lie in one of several provinces (`spouses`, `procedure`): passes when
   * the office serves any of them (a no-op when the caller's scope is not the office's).
   */
  readonly authorizeProvinces: (provinceCodes: readonly string[]) => void;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
    access?: RequestAccess;
  }
}

const NOTHING_TO_CHECK = () => undefined;

interface ScopeChecks {
  readonly authorizeCitizen: RequestAccess['authorizeCitizen'];
  readonly authorizeProvinces: RequestAccess['authorizeProvinces'];
}
const NOTHING_MORE: ScopeChecks = { authorizeCitizen: NOTHING_TO_CHECK, authorizeProvinces: NOTHING_TO_CHECK };

/** The parts of a body the guard reads, before validation: any of them may be missing or ill-typed. */
interface RequestBody {
  readonly registrationProvinceCode?: unknown;
  readonly permanentResidence?: { readonly provinceCode?: unknown };
  readonly address?: { readonly provinceCode?: unknown };
}

/**
 * The one global guard: it finds the operation in ACCESS_POLICY (none: refused), verifies the
 * token, picks the caller's role and checks what can be checked before the handler runs. What
 * needs the citizen's record is checked by the command handler (writes) or ReadAccessHook.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly policies = new Map<string, Access | undefined>();

  constructor(
    private readonly tokens: TokenVerifier,
    private readonly entitlements: AgencyEntitlements,
    // Absent only where reads go unaudited (bench/lookup's comparison of the audit's cost).
    @Optional() private readonly reads?: ReadAccessHook,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const method = request.method === 'HEAD' ? 'GET' : request.method;
    const access = this.policyOf(method, request.routeOptions.url ?? '');
    if (!access) throw new HttpProblem(403, 'FORBIDDEN', 'No access policy covers this operation');
    if (access.public) return true;
    const principal = await this.authenticate(request.headers.authorization);
    request.principal = principal;
    const grant = grantOf(access, principal.roles);
    if (!grant) {
      const allowed = Object.keys(access.roles).join(', ') || 'none';
      throw new HttpProblem(403, 'FORBIDDEN', `This call needs one of the roles: ${allowed}`);
    }
    const purpose = purposeOf(request);
    const checks = this.checkScope(request, access, grant.scope, principal, purpose);
    request.access = { access, ...grant, purpose, ...checks };
    this.reads?.open(request);
    return true;
  }

  /** The route's entry in ACCESS_POLICY, found once per route (a regex per request was 1% of a lookup). */
  private policyOf(method: string, routeUrl: string): Access | undefined {
    const route = `${method} ${routeUrl}`;
    if (!this.policies.has(route)) this.policies.set(route, ACCESS_POLICY[operationKey(method, routeUrl)]);
    return this.policies.get(route);
  }

  private checkScope(
    request: FastifyRequest,
    access: Access,
    scope: Scope,
    principal: Principal,
    purpose: string | null,
  ): ScopeChecks {
    const now = new Date();
    const body = (request.body ?? {}) as RequestBody;
    switch (scope) {
      case 'anywhere':
      case 'office-or-purpose': // the citizen's province is known only once read: ReadAccessHook
        return NOTHING_MORE;
      case 'own-agency':
        if ((request.params as Record<string, string>).agencyId !== principal.agency)
          throw new HttpProblem(403, 'FORBIDDEN', 'An agency may read its own feed only');
        return NOTHING_MORE;
      case 'entitled':
        if (!purpose) throw new HttpProblem(400, 'PURPOSE_REQUIRED', 'Agencies must state the purpose in X-Purpose');
        if (!principal.agency || !this.entitlements.get(principal.agency))
          throw new HttpProblem(403, 'AGENCY_NOT_ENTITLED', 'No entitlement is configured for this agency');
        return NOTHING_MORE;
      case 'office':
        switch (access.jurisdiction) {
          case 'birth':
            requireOffice(principal, body.registrationProvinceCode, now);
            requireOffice(principal, body.permanentResidence?.provinceCode, now);
            return NOTHING_MORE;
          case 'new-address':
            requireOffice(principal, body.address?.provinceCode, now);
            return NOTHING_MORE;
          case 'province-path':
            requireOffice(principal, (request.params as Record<string, string>).code, now);
            return NOTHING_MORE;
          case 'province-query': {
            // An officer's search covers the office's province: it is narrowed there when unnamed.
            const query = request.query as Record<string, unknown>;
            if (query.provinceCode === undefined && principal.office) query.provinceCode = principal.office;
            requireOffice(principal, query.provinceCode ?? '', now);
            if (!principal.office) throw new HttpProblem(403, 'JURISDICTION_DENIED', 'This call needs an office');
            return NOTHING_MORE;
          }
          case 'citizen':
            return { ...NOTHING_MORE, authorizeCitizen: citizenJurisdiction(principal, now) };
          case 'spouses':
          case 'procedure':
            // Known once the marriage or procedure is read: its handler calls authorizeProvinces.
            return { ...NOTHING_MORE, authorizeProvinces: anyProvinceJurisdiction(principal, now) };
          default:
            throw new HttpProblem(403, 'FORBIDDEN', 'The access policy names no jurisdiction for this operation');
        }
    }
  }

  private async authenticate(header: unknown): Promise<Principal> {
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match)
      throw new HttpProblem(401, 'UNAUTHENTICATED', 'A bearer token is required', [], { 'www-authenticate': 'Bearer' });
    try {
      return await this.tokens.verify(match[1]);
    } catch (error) {
      const reason = error instanceof TokenRefused ? error.message : 'invalid token';
      throw new HttpProblem(401, 'UNAUTHENTICATED', `The bearer token is not valid (${reason})`, [], {
        'www-authenticate': 'Bearer error="invalid_token"',
      });
    }
  }
}
