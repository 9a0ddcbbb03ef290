// Jest loads its global setup outside the module mapper, hence the relative import.
import { ensureDatabase } from '../../platform/src/database/ensure-database';
import { testDatabaseUrl } from './test-database-url';

/** Creates the test database when missing; TEST_FRESH_DATABASE=1 starts from an empty one. */
export default async function globalSetup(): Promise<void> {
  await ensureDatabase(testDatabaseUrl(), process.env.TEST_FRESH_DATABASE === '1');
}
