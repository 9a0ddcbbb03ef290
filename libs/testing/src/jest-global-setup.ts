import { ensureDatabase, testDatabaseUrl } from './database';

/** Every `npm test` starts from an empty test database. */
export default async function globalSetup(): Promise<void> {
  await ensureDatabase(testDatabaseUrl(), true);
}
