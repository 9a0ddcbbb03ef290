import { ensureDatabase, testDatabaseUrl } from './database';

/** Creates the test database when missing; TEST_FRESH_DATABASE=1 starts from an empty one. */
export default async function globalSetup(): Promise<void> {
  await ensureDatabase(testDatabaseUrl(), process.env.TEST_FRESH_DATABASE === "1");
}
