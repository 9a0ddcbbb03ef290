import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Development only: without REGISTRY_JWT_SECRET, the server and `npm run token` share a random
 * secret kept in `.registry-dev-secret` (git-ignored), so no secret is ever written in the repo.
 */
export function developmentJwtSecret(env: Record<string, string | undefined> = process.env): string {
  if (env.NODE_ENV === 'production') {
    throw new Error('Set REGISTRY_JWT_SECRET or REGISTRY_JWT_PUBLIC_KEY in production');
  }
  const file = env.REGISTRY_DEV_SECRET_FILE ?? join(process.cwd(), '.registry-dev-secret');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
  return readFileSync(file, 'utf8').trim();
}
