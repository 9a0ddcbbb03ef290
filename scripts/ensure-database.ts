/** `npm start` creates the registry's database on the local PostgreSQL when it is missing. */
import { ensureDatabase, readRegistryConfig } from '@registry/platform';

ensureDatabase(readRegistryConfig().databaseUrl).catch((error: unknown) => {
  console.error(`Cannot reach or create the database: ${(error as Error).message}`);
  process.exit(1);
});
