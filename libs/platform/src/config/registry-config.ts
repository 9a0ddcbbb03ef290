import { developmentJwtSecret } from './development-secret';

/** The registry's configuration, read from the environment once, with the defaults of the README. */
export interface RegistryConfig {
  readonly port: number;
  readonly databaseUrl: string;
  readonly databasePoolSize: number;
  /**
   * How long an idle connection stays open, in ms; 0: until the process ends. A new connection is
   * a new server backend, cold (catalogue caches, plans, PL/pgSQL compiled again), which the
   * warm-up paid for once: closing idle ones brings that cost back after every quiet spell.
   */
  readonly databaseIdleTimeoutMs: number;
  /** Audit batches committed at once (ADR 0040): more waits less for a flush, fewer makes larger batches. */
  readonly auditWriters: number;
  /** Connections for name and PIN-order searches, which run with generic plans (ADR 0075). */
  readonly searchPoolSize: number;
  /** Requests the API sends itself before it listens, and for how long at most (ADR 0115); 0: none. */
  readonly warmUp: { readonly requests: number; readonly ms: number };
  readonly eventStore: 'postgresql' | 'kurrentdb';
  readonly kurrentDbConnectionString: string | null;
  readonly jwt: TokenSettings;
  readonly limits: RequestLimits;
  readonly logLevel: string;
}

/**
 * How bearer tokens are verified (README "Tokens"). `development` accepts HS256 tokens signed with
 * the shared secret, and nothing else; `production` accepts only RS256/ES256 tokens checked with a
 * JWKS URL or a PEM public key, with `iss` and `aud` required.
 */
export interface TokenSettings {
  readonly mode: 'development' | 'production';
  readonly secret: string | null;
  readonly publicKey: string | null;
  readonly jwksUrl: string | null;
  /** Least time between two fetches of the JWKS (a token with an unknown `kid` triggers one). */
  readonly jwksCooldownMs: number;
  readonly issuer: string | null;
  readonly audience: string | null;
  readonly clockSkewSeconds: number;
  /** Longest accepted lifetime (`exp` - `iat`, or `exp` - now without `iat`). */
  readonly maxLifetimeSeconds: number;
}

/** Per-caller and per-address request rates, body size and request time. */
export interface RequestLimits {
  readonly ratePerMinute: number;
  readonly ratePerMinutePerAddress: number;
  /**
   * Where the rate counters live (ADR 0041): a Redis URL shares them between every API process
   * that names it; null keeps them in each process's memory (one process, or development).
   */
  readonly rateStore: { readonly redisUrl: string; readonly namespace: string } | null;
  readonly bodyBytes: number;
  readonly requestTimeoutMs: number;
}

export const REGISTRY_CONFIG = Symbol('REGISTRY_CONFIG');

export class ConfigurationError extends Error {}

type Env = Record<string, string | undefined>;

export function readRegistryConfig(env: Env = process.env): RegistryConfig {
  const eventStore = (env.EVENT_STORE ?? 'postgresql') as RegistryConfig['eventStore'];
  if (eventStore !== 'postgresql' && eventStore !== 'kurrentdb') {
    throw new ConfigurationError(`EVENT_STORE must be postgresql or kurrentdb, not ${eventStore}`);
  }
  if (eventStore === 'kurrentdb' && !env.KURRENTDB_CONNECTION_STRING) {
    throw new ConfigurationError('EVENT_STORE=kurrentdb needs KURRENTDB_CONNECTION_STRING');
  }
  return {
    port: positiveInteger(env.PORT ?? '3000', 'PORT'),
    databaseUrl: env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/registry',
    databasePoolSize: positiveInteger(env.DATABASE_POOL_SIZE ?? '20', 'DATABASE_POOL_SIZE'),
    databaseIdleTimeoutMs: wholeNumber(env.DATABASE_IDLE_TIMEOUT_MS ?? '0', 'DATABASE_IDLE_TIMEOUT_MS'),
    auditWriters: positiveInteger(env.AUDIT_WRITERS ?? '2', 'AUDIT_WRITERS'),
    searchPoolSize: positiveInteger(env.SEARCH_POOL_SIZE ?? '4', 'SEARCH_POOL_SIZE'),
    warmUp: {
      requests: wholeNumber(env.WARM_UP_REQUESTS ?? '20000', 'WARM_UP_REQUESTS'),
      ms: wholeNumber(env.WARM_UP_MS ?? '10000', 'WARM_UP_MS'),
    },
    eventStore,
    kurrentDbConnectionString: env.KURRENTDB_CONNECTION_STRING ?? null,
    jwt: tokenSettings(env),
    limits: {
      ratePerMinute: positiveInteger(env.RATE_LIMIT_PER_MINUTE ?? '1200', 'RATE_LIMIT_PER_MINUTE'),
      ratePerMinutePerAddress: positiveInteger(
        env.RATE_LIMIT_PER_MINUTE_PER_ADDRESS ?? '6000',
        'RATE_LIMIT_PER_MINUTE_PER_ADDRESS',
      ),
      rateStore: env.RATE_LIMIT_REDIS_URL
        ? { redisUrl: env.RATE_LIMIT_REDIS_URL, namespace: env.RATE_LIMIT_REDIS_NAMESPACE ?? 'registry-rate-limit:' }
        : null,
      bodyBytes: positiveInteger(env.REQUEST_BODY_LIMIT_BYTES ?? String(256 * 1024), 'REQUEST_BODY_LIMIT_BYTES'),
      requestTimeoutMs: positiveInteger(env.REQUEST_TIMEOUT_MS ?? '30000', 'REQUEST_TIMEOUT_MS'),
    },
    logLevel: env.LOG_LEVEL ?? 'info',
  };
}

/**
 * Production mode as soon as a JWKS URL or public key is configured, or NODE_ENV=production;
 * HS256 only when nothing else is (or REGISTRY_AUTH_MODE=development says so explicitly).
 */
function tokenSettings(env: Env): TokenSettings {
  const publicKey = env.REGISTRY_JWT_PUBLIC_KEY ?? null;
  const jwksUrl = env.REGISTRY_JWKS_URL ?? null;
  const implied = publicKey || jwksUrl || env.NODE_ENV === 'production' ? 'production' : 'development';
  const mode = env.REGISTRY_AUTH_MODE ?? implied;
  if (mode !== 'development' && mode !== 'production') {
    throw new ConfigurationError(`REGISTRY_AUTH_MODE must be development or production, not ${mode}`);
  }
  const issuer = env.REGISTRY_JWT_ISSUER ?? null;
  const audience = env.REGISTRY_JWT_AUDIENCE ?? null;
  if (mode === 'production' && (!(publicKey || jwksUrl) || !issuer || !audience)) {
    throw new ConfigurationError(
      'Production tokens need REGISTRY_JWKS_URL or REGISTRY_JWT_PUBLIC_KEY, REGISTRY_JWT_ISSUER and REGISTRY_JWT_AUDIENCE',
    );
  }
  return {
    mode,
    secret: mode === 'development' ? (env.REGISTRY_JWT_SECRET ?? developmentJwtSecret(env)) : null,
    publicKey,
    jwksUrl,
    jwksCooldownMs: positiveInteger(env.REGISTRY_JWKS_COOLDOWN_MS ?? '30000', 'REGISTRY_JWKS_COOLDOWN_MS'),
    issuer,
    audience,
    clockSkewSeconds: nonNegativeInteger(
      env.REGISTRY_JWT_CLOCK_SKEW_SECONDS ?? '30',
      'REGISTRY_JWT_CLOCK_SKEW_SECONDS',
    ),
    maxLifetimeSeconds: positiveInteger(
      env.REGISTRY_JWT_MAX_LIFETIME_SECONDS ?? String(12 * 3600),
      'REGISTRY_JWT_MAX_LIFETIME_SECONDS',
    ),
  };
}

function nonNegativeInteger(value: string, name: string): number {
  return value === '0' ? 0 : positiveInteger(value, name);
}

function positiveInteger(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new ConfigurationError(`${name} must be a positive integer, not ${value}`);
  return n;
}

function wholeNumber(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new ConfigurationError(`${name} must be 0 or more, not ${value}`);
  return n;
}
