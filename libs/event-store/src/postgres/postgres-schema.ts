import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runner } from 'node-pg-migrate';
import type { Pool } from 'pg';

/** Migration sets: each owner (event store, read models, API) keeps its own history table. */
export interface MigrationSet {
  readonly dir: string;
  readonly table: string;
}

/**
 * Migrations next to the source when running from it; relative to the working directory (the
 * repository or the deployed folder) when running from a bundle in dist/.
 */
export function locateMigrations(besideSource: string, fromRoot: string): string {
  return existsSync(besideSource) ? besideSource : join(process.cwd(), fromRoot);
}

export const EVENT_STORE_MIGRATIONS: MigrationSet = {
  dir: locateMigrations(join(__dirname, '..', '..', 'migrations'), 'libs/event-store/migrations'),
  table: 'pgmigrations_event_store',
};

/** Applies pending migrations; safe to call from several processes at once (advisory lock). */
export async function migrate(pool: Pool, set: MigrationSet): Promise<void> {
  const client = await pool.connect();
  try {
    await runner({
      dbClient: client,
      dir: set.dir,
      migrationsTable: set.table,
      direction: 'up',
      count: Infinity,
      log: () => undefined,
      noLock: false,
      checkOrder: true,
    });
  } finally {
    client.release();
  }
}
