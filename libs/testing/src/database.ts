export { dropDatabase, ensureDatabase } from '@registry/platform/database/ensure-database';

/** Tests run against the real local PostgreSQL, in a database of their own. */
export function testDatabaseUrl(): string {
  return process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/registry_test';
}
