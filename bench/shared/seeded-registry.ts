import type { Pool } from 'pg';
import { formatPosition, migrate } from '@registry/event-store';
import { PROCEDURE_MIGRATIONS } from '@registry/procedures';
import { ALL_PROJECTIONS, ProjectorLag, REBUILD_BATCH_SIZE, ReadModelRebuild } from '@registry/read-models';
import { headPosition } from '@registry/read-models/test-support/catch-up';
import { benchDatabase, type BenchDatabase } from '../rebuild/bench-database';

/** The database of N seeded citizens for the product benchmarks: one per N, reused by later runs. */
export function seededDatabaseUrl(citizens: number): string {
  return process.env.BENCH_DATABASE_URL ?? `postgres://postgres@127.0.0.1:5432/registry_bench_${citizens}_citizens`;
}

/** N seeded citizens with their read models caught up (the registry starts on a database in service). */
export async function seededRegistry(citizens: number, url = seededDatabaseUrl(citizens)): Promise<BenchDatabase> {
  const db = await benchDatabase(citizens, url);
  await readModelsCaughtUp(db.pool, db.store);
  await proceduresSettled(db.pool);
  return db;
}

/**
 * The seed is history from before the registry ran: the procedures its births and deaths would
 * start were settled then. A runner left at position 0 would start 100,000s of them at once and
 * the benchmark would measure that catch-up, not the registry in service.
 */
async function proceduresSettled(pool: Pool): Promise<void> {
  await migrate(pool, PROCEDURE_MIGRATIONS);
  const head = await headPosition(pool);
  if (!head) return;
  await pool.query(
    `INSERT INTO procedure_runner_checkpoints (runner, position) VALUES ('default', $1) ON CONFLICT (runner) DO NOTHING`,
    [formatPosition(head)],
  );
}

/**
 * Builds the read models when the seed is newer than them (a rebuild is the fastest way). A few
 * events behind (an earlier run's last births) are left to the registry's own projector.
 */
async function readModelsCaughtUp(pool: Pool, store: ConstructorParameters<typeof ReadModelRebuild>[1]): Promise<void> {
  const lag = await new ProjectorLag(pool, store).lag();
  if (lag.events <= 10_000) return;
  process.stderr.write(`read models ${lag.events} events behind: rebuilding\n`);
  await new ReadModelRebuild(pool, store, ALL_PROJECTIONS, { batchSize: REBUILD_BATCH_SIZE }).run();
  await pool.query('VACUUM ANALYZE citizen_records, citizen_names, residence_history');
}

export async function sample(pool: Pool, sql: string): Promise<string[]> {
  const { rows } = await pool.query(sql);
  return rows.map((row) => String(Object.values(row)[0]));
}
