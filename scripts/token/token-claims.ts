import { ROLES, type Role } from '@registry/platform';

export class TokenRequestError extends Error {}

export interface TokenRequest {
  readonly roles: readonly string[];
  readonly office?: string;
  readonly agency?: string;
  readonly sub: string;
}

/** The claims of a development token, refusing what the server would refuse or misread. */
export function tokenClaims({ roles, office, agency, sub }: TokenRequest) {
  const unknown = roles.filter((role) => !(ROLES as readonly string[]).includes(role));
  if (unknown.length > 0) {
    throw new TokenRequestError(`unknown role ${unknown.join(', ')} (roles: ${ROLES.join(', ')})`);
  }
  if (roles.includes('officer') && !office) throw new TokenRequestError('an officer needs --office <province code>');
  if (office !== undefined && !/^\d{3}$/.test(office)) {
    throw new TokenRequestError(`--office must be a 3-digit province code, not ${office}`);
  }
  if (roles.includes('agency') && !agency) throw new TokenRequestError('an agency needs --agency <agency id>');
  return {
    sub,
    roles: roles as Role[],
    ...(office ? { office } : {}),
    ...(agency ? { agency } : {}),
  };
}
