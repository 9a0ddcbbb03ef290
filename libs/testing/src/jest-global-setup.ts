// Jest loads its global setup outside the module mapper, hence the relative import.
import { ensureDatabase } from '../../platform/src/database/ensure-database';

/** Creates the test database when missing; TEST_FRESH_DATABASE=1 starts from an empty one. */
export default async function globalSetup(): Promise<void> {
  const url = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/registry_test';
  await ensureDatabase(url, process.env.TEST_FRESH_DATABASE === '1');
}
