import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { HttpProblem } from '../http/error-body';
import { ROLES, type Principal, type Role } from './principal';
import { PUBLIC_KEY, ROLES_KEY } from './roles.decorator';

/** One global guard: a valid bearer token on every route but the public ones, and a permitted role. */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly jwt: JwtService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest();
    const principal = await this.authenticate(request.headers.authorization);
    request.principal = principal;
    const allowed = this.reflector.getAllAndOverride<Role[]>(ROLES_KEY, targets) ?? [];
    if (!allowed.some((role) => principal.roles.includes(role))) {
      throw new HttpProblem(403, 'FORBIDDEN', `This call needs one of the roles: ${allowed.join(', ') || 'none'}`);
    }
    return true;
  }

  private async authenticate(header: unknown): Promise<Principal> {
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match)
      throw new HttpProblem(401, 'UNAUTHENTICATED', 'A bearer token is required', [], { 'www-authenticate': 'Bearer' });
    try {
      return toPrincipal(await this.jwt.verifyAsync(match[1]));
    } catch {
      throw new HttpProblem(401, 'UNAUTHENTICATED', 'The bearer token is not valid', [], {
        'www-authenticate': 'Bearer error="invalid_token"',
      });
    }
  }
}

function toPrincipal(claims: Record<string, unknown>): Principal {
  const roles = Array.isArray(claims.roles) ? claims.roles.filter((r): r is Role => ROLES.includes(r as Role)) : [];
  if (typeof claims.sub !== 'string' || claims.sub.length === 0) throw new Error('token without sub');
  return {
    sub: claims.sub,
    roles,
    office: typeof claims.office === 'string' ? claims.office : null,
    agency: typeof claims.agency === 'string' ? claims.agency : null,
  };
}
