import { SetMetadata, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Principal, Role } from './principal';

export const ROLES_KEY = 'registry:roles';
export const PUBLIC_KEY = 'registry:public';

/** Roles that may call the endpoint; any one of them suffices. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** Explicit opt-out of authentication (health, docs). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

export const CurrentPrincipal = createParamDecorator(
  (_: unknown, context: ExecutionContext): Principal => context.switchToHttp().getRequest().principal,
);
