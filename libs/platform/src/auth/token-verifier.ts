import { Inject, Injectable } from '@nestjs/common';
import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { REGISTRY_CONFIG, type RegistryConfig, type TokenSettings } from '../config/registry-config';
import { ROLES, type Principal, type Role } from './principal';

/** Why a token was refused: said in the 401's message, never with the token's content. */
export class TokenRefused extends Error {}

const PRODUCTION_ALGORITHMS = ['RS256', 'ES256'];

/**
 * Verifies bearer tokens with `jose`. In production the keys come from a JWKS URL (cached; an
 * unknown `kid` refetches it, which is how a rotated key is picked up) or a PEM public key; in
 * development an HS256 secret. Every token must carry `exp`, and its lifetime is bounded.
 */
@Injectable()
export class TokenVerifier {
  private readonly key: KeyObject | JWTVerifyGetKey;
  private readonly algorithms: string[];

  constructor(@Inject(REGISTRY_CONFIG) config: RegistryConfig) {
    this.settings = config.jwt;
    if (this.settings.mode === 'development') {
      this.key = createSecretKey(Buffer.from(this.settings.secret!));
      this.algorithms = ['HS256'];
    } else {
      this.key = this.settings.jwksUrl
        ? createRemoteJWKSet(new URL(this.settings.jwksUrl), {
            cacheMaxAge: 10 * 60_000,
            cooldownDuration: this.settings.jwksCooldownMs,
          })
        : createPublicKey(this.settings.publicKey!);
      this.algorithms = PRODUCTION_ALGORITHMS;
    }
  }

  private readonly settings: TokenSettings;

  async verify(token: string): Promise<Principal> {
    const options = {
      algorithms: this.algorithms,
      issuer: this.settings.issuer ?? undefined,
      audience: this.settings.audience ?? undefined,
      clockTolerance: this.settings.clockSkewSeconds,
      requiredClaims: ['exp'],
    };
    let payload: JWTPayload;
    try {
      const key = this.key;
      payload = (
        typeof key === 'function' ? await jwtVerify(token, key, options) : await jwtVerify(token, key, options)
      ).payload;
    } catch (error) {
      // jose's messages name the failed check ('missing required "exp" claim'), never the token.
      throw new TokenRefused(error instanceof Error ? error.message : 'invalid token');
    }
    this.requireBoundedLifetime(payload);
    return toPrincipal(payload);
  }

  /** A stolen long-lived token is a standing key: `exp` may lie at most the maximum lifetime ahead. */
  private requireBoundedLifetime(payload: JWTPayload): void {
    const now = Math.floor(Date.now() / 1000);
    const issuedAt = typeof payload.iat === 'number' ? Math.min(payload.iat, now) : now;
    if (payload.exp! - issuedAt > this.settings.maxLifetimeSeconds + this.settings.clockSkewSeconds) {
      throw new TokenRefused(`lifetime over ${this.settings.maxLifetimeSeconds} s`);
    }
  }
}

function toPrincipal(claims: JWTPayload): Principal {
  const roles = Array.isArray(claims.roles) ? claims.roles.filter((r): r is Role => ROLES.includes(r as Role)) : [];
  if (typeof claims.sub !== 'string' || claims.sub.length === 0) throw new TokenRefused('no sub');
  return {
    sub: claims.sub,
    roles,
    office: typeof claims.office === 'string' ? claims.office : null,
    agency: typeof claims.agency === 'string' ? claims.agency : null,
  };
}
