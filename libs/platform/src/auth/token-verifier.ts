import { Inject, Injectable } from '@nestjs/common';
import { createPublicKey, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { REGISTRY_CONFIG, type RegistryConfig, type TokenSettings } from '../config/registry-config';
import { ROLES, type Principal, type Role } from './principal';

/** Why a token was refused: said in the 401's message, never with the token's content. */
export class TokenRefused extends Error {}

const PRODUCTION_ALGORITHMS = ['RS256', 'ES256'];
/** A verified token is trusted again without its signature check for at most this long (ADR 0030). */
const VERIFIED_FOR_MS = 60_000;
/** Callers remembered at once; the oldest is forgotten first. */
const VERIFIED_MAX = 10_000;

/** The key id of a token the process admitted itself (admitInProcess): no key signed it. */
const IN_PROCESS = Symbol('in-process');

interface Verified {
  readonly principal: Principal;
  readonly until: number;
  /** The signing key's id: a token whose key has left the JWKS is checked again (and refused). */
  readonly kid: string | undefined | typeof IN_PROCESS;
}

/**
 * Verifies bearer tokens with `jose`. In production the keys come from a JWKS URL (cached; an
 * unknown `kid` refetches it, which is how a rotated key is picked up) or a PEM public key; in
 * development an HS256 secret. Every token must carry `exp`, and its lifetime is bounded.
 */
@Injectable()
export class TokenVerifier {
  private readonly key: KeyObject | (JWTVerifyGetKey & { jwks?: () => { keys: { kid?: string }[] } | undefined });
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
  /**
   * Tokens verified lately, by their exact text: a client sends the same token with every request,
   * and the signature check (WebCrypto, asynchronous) was the largest single cost of a lookup.
   */
  private readonly verified = new Map<string, Verified>();

  async verify(token: string): Promise<Principal> {
    const now = Date.now();
    const known = this.verified.get(token);
    if (known && known.until > now && this.keyStillPublished(known.kid)) return known.principal;
    if (known) this.verified.delete(token);
    const { principal, expiresAt, kid } = await this.verifySignature(token);
    // Until the token expires (with the clock skew jose allows), and never longer than VERIFIED_FOR_MS.
    const until = Math.min((expiresAt + this.settings.clockSkewSeconds) * 1000, now + VERIFIED_FOR_MS);
    if (this.verified.size >= VERIFIED_MAX) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, { principal, until, kid });
    return principal;
  }

  /**
   * A token for requests the process sends itself before it listens (the warm-up's rehearsal, ADR
   * 0115): random, never written or sent anywhere else, taken as `principal` for `forMs` at most
   * or until `forget()`. In production no key here can sign a token, hence no JWT.
   */
  admitInProcess(principal: Principal, forMs: number): { readonly token: string; forget(): void } {
    const token = randomBytes(32).toString('base64url');
    this.verified.set(token, {
      principal: Object.freeze({ ...principal }),
      until: Date.now() + forMs,
      kid: IN_PROCESS,
    });
    return { token, forget: () => this.verified.delete(token) };
  }

  /** With a JWKS URL: the key is still in the set as last fetched (a rotation retires a key at once). */
  private keyStillPublished(kid: Verified['kid']): boolean {
    const key = this.key;
    if (typeof key !== 'function' || !key.jwks || kid === IN_PROCESS) return true;
    return key.jwks()?.keys.some((published) => published.kid === kid) ?? false;
  }

  private async verifySignature(
    token: string,
  ): Promise<{ principal: Principal; expiresAt: number; kid: string | undefined }> {
    const options = {
      algorithms: this.algorithms,
      issuer: this.settings.issuer ?? undefined,
      audience: this.settings.audience ?? undefined,
      clockTolerance: this.settings.clockSkewSeconds,
      requiredClaims: ['exp'],
    };
    let payload: JWTPayload;
    let kid: string | undefined;
    try {
      const key = this.key;
      const result =
        typeof key === 'function' ? await jwtVerify(token, key, options) : await jwtVerify(token, key, options);
      payload = result.payload;
      kid = result.protectedHeader.kid;
    } catch (error) {
      // jose's messages name the failed check ('missing required "exp" claim'), never the token.
      throw new TokenRefused(error instanceof Error ? error.message : 'invalid token');
    }
    this.requireBoundedLifetime(payload);
    return { principal: toPrincipal(payload), expiresAt: payload.exp!, kid };
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
  // Frozen: one principal serves every request that carries the same token.
  return Object.freeze({
    sub: claims.sub,
    roles: Object.freeze(roles),
    office: typeof claims.office === 'string' ? claims.office : null,
    agency: typeof claims.agency === 'string' ? claims.agency : null,
  });
}
