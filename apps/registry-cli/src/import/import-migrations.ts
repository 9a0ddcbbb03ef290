import { join } from 'node:path';
import { locateMigrations, type MigrationSet } from '@registry/event-store';

/** The import's own tables (import_runs, import_rows), with their own migration history. */
export const IMPORT_MIGRATIONS: MigrationSet = {
  dir: locateMigrations(join(__dirname, '..', '..', 'migrations'), 'apps/registry-cli/migrations'),
  table: 'pgmigrations_legacy_import',
};
