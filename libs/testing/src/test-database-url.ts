import { createHash } from 'node:crypto';
import { resolve } from 'node:path';

/**
 * Tests run against the real local PostgreSQL, in a database of their own checkout: two clones
 * (two registries, two CI jobs) testing on one server never share or drop each other's data.
 * TEST_DATABASE_URL overrides it. No module aliases here: jest's global setup imports this file.
 */
export function testDatabaseUrl(): string {
  if (process.env.TEST_DATABASE_URL) return process.env.TEST_DATABASE_URL;
  const checkout = createHash('sha1')
    .update(resolve(__dirname, '..', '..', '..'))
    .digest('hex')
    .slice(0, 8);
  return `postgres://postgres@127.0.0.1:5432/registry_test_${checkout}`;
}
