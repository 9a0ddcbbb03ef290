import { join } from 'node:path';
import type { Pool } from 'pg';
import { locateMigrations, migrate, type MigrationSet } from '@registry/event-store';

/** The read models keep their own migration history, apart from the event store's and the API's. */
export const READ_MODEL_MIGRATIONS: MigrationSet = {
  dir: locateMigrations(join(__dirname, '..', '..', 'migrations'), 'libs/read-models/migrations'),
  table: 'pgmigrations_read_models',
};

export function migrateReadModels(pool: Pool): Promise<void> {
  return migrate(pool, READ_MODEL_MIGRATIONS);
}
