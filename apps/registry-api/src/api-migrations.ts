import { join } from 'node:path';
import { locateMigrations, type MigrationSet } from '@registry/event-store';

/** The API's own tables (idempotency keys). */
export const API_MIGRATIONS: MigrationSet = {
  dir: locateMigrations(join(__dirname, '..', 'migrations'), 'apps/registry-api/migrations'),
  table: 'pgmigrations_api',
};
