// Jest loads its global teardown outside the module mapper, hence the relative import.
import { dropDatabase } from '../../platform/src/database/ensure-database';
import { testDatabaseUrl } from './test-database-url';

/** A fresh test database (TEST_FRESH_DATABASE=1, as CI runs) is dropped again: clean clones leave nothing behind. */
export default async function globalTeardown(): Promise<void> {
  if (process.env.TEST_FRESH_DATABASE === '1') await dropDatabase(testDatabaseUrl(), { force: true });
}
