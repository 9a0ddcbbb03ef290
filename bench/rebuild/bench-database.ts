import { Client, Pool } from 'pg';
import { EVENT_STORE_MIGRATIONS, migrate, PostgresEventStore } from '@registry/event-store';
import { ensureDatabase } from '@registry/platform';
import { migrateReadModels } from '@registry/read-models';
import { seedCitizens } from '@registry/read-models/test-support/seed-citizens';

export const BENCH_DATABASE_URL =
  process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/registry_bench_read_models';

export interface BenchDatabase {
  readonly url: string;
  readonly pool: Pool;
  readonly store: PostgresEventStore;
  readonly events: number;
  /** Seconds spent seeding in this run (0 when an earlier run's seed was reused). */
  readonly seedSeconds: number;
  close(): Promise<void>;
}

/**
 * The database both read-model benchmarks use: N seeded citizens. Seeding a million takes a
 * few minutes, so a database seeded with the same N is reused (bench:rebuild then bench:lookup).
 */
export async function benchDatabase(citizens: number, url = BENCH_DATABASE_URL): Promise<BenchDatabase> {
  const reusable = (await seededCitizens(url)) === citizens;
  if (!reusable) await ensureDatabase(url, true);
  const pool = new Pool({ connectionString: url, max: 8 });
  await migrate(pool, EVENT_STORE_MIGRATIONS);
  await migrateReadModels(pool);
  const started = performance.now();
  if (!reusable) await seed(pool, citizens);
  const seedSeconds = reusable ? 0 : (performance.now() - started) / 1000;
  const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM es_events');
  const store = new PostgresEventStore(pool);
  const close = async () => {
    await store.close();
    await pool.end();
  };
  return { url, pool, store, events: rows[0].n, seedSeconds, close };
}

async function seed(pool: Pool, citizens: number): Promise<void> {
  let last = 0;
  await seedCitizens(pool, {
    citizens,
    seed: 2025,
    chunk: 2000,
    onProgress: (done, events) => {
      if (done - last < 50_000 && done < citizens) return;
      last = done;
      process.stderr.write(`seeding: ${done}/${citizens} citizens, ${events} events\n`);
    },
  });
  await pool.query('CREATE TABLE bench_seed (citizens integer NOT NULL)');
  await pool.query('INSERT INTO bench_seed VALUES ($1)', [citizens]);
  await pool.query('VACUUM ANALYZE es_events');
}

/** How many citizens an earlier run seeded into `url`, if any. */
async function seededCitizens(url: string): Promise<number | undefined> {
  const client = new Client({ connectionString: url });
  try {
    await client.connect();
    const { rows } = await client.query<{ citizens: number }>('SELECT citizens FROM bench_seed');
    return rows[0]?.citizens;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}
