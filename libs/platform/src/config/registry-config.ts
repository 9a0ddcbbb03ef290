import { developmentJwtSecret } from './development-secret';

/** The registry's configuration, read from the environment once, with the defaults of the README. */
export interface RegistryConfig {
  readonly port: number;
  readonly databaseUrl: string;
  readonly databasePoolSize: number;
  readonly eventStore: 'postgresql' | 'kurrentdb';
  readonly kurrentDbConnectionString: string | null;
  readonly jwt: { readonly secret: string | null; readonly publicKey: string | null; readonly issuer: string | null };
  readonly logLevel: string;
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
    eventStore,
    kurrentDbConnectionString: env.KURRENTDB_CONNECTION_STRING ?? null,
    jwt: jwtConfig(env),
    logLevel: env.LOG_LEVEL ?? 'info',
  };
}

function jwtConfig(env: Env): RegistryConfig['jwt'] {
  const publicKey = env.REGISTRY_JWT_PUBLIC_KEY ?? null;
  const secret = env.REGISTRY_JWT_SECRET ?? (publicKey ? null : developmentJwtSecret(env));
  return { secret, publicKey, issuer: env.REGISTRY_JWT_ISSUER ?? null };
}

function positiveInteger(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new ConfigurationError(`${name} must be a positive integer, not ${value}`);
  return n;
}
