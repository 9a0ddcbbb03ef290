import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { EVENT_STORE_MIGRATIONS, migrate, PostgresEventStore } from '@registry/event-store';
import { dropDatabase, ensureDatabase, testDatabaseUrl } from '@registry/testing';
import { migrateReadModels } from '../schema/read-model-schema';

/**
 * A database of a test's own (other suites share registry_test): whole-table assertions and
 * projectors from position 0 then see only this test's events. Dropped at the end.
 */
export class ScratchDatabase {
  private constructor(
    readonly url: string,
    readonly pool: Pool,
    readonly store: PostgresEventStore,
  ) {}

  static async create(purpose: string): Promise<ScratchDatabase> {
    const url = new URL(testDatabaseUrl());
    url.pathname = `/registry_test_${purpose}_${randomBytes(4).toString('hex')}`;
    await ensureDatabase(url.toString(), true);
    const pool = new Pool({ connectionString: url.toString(), max: 10 });
    pool.on('error', () => undefined); // an idle connection ended by the final DROP ... WITH (FORCE)
    await migrate(pool, EVENT_STORE_MIGRATIONS);
    await migrateReadModels(pool);
    return new ScratchDatabase(url.toString(), pool, new PostgresEventStore(pool));
  }

  async drop(): Promise<void> {
    await this.store.close();
    await this.pool.end();
    await dropDatabase(this.url, { force: true });
  }
}

/** Registers a scratch database for the suite (created before, dropped after); call it at top level. */
export function useScratchDatabase(purpose: string): () => ScratchDatabase {
  let db: ScratchDatabase | undefined;
  beforeAll(async () => {
    db = await ScratchDatabase.create(purpose);
  });
  afterAll(() => db?.drop());
  return () => db!;
}
