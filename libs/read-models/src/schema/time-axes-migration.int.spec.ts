import { runner } from 'node-pg-migrate';
import { useScratchDatabase } from '../test-support/scratch-database';
import { projectPending } from '../test-support/project-pending';
import { birth, death, lastAppended, permanentResidence, address, record } from '../test-support/citizen-events';
import { READ_MODEL_MIGRATIONS } from './read-model-schema';

const db = useScratchDatabase('time_axes_migration');

/** Runs the read models' migrations one step in `direction`. */
async function step(direction: 'up' | 'down'): Promise<void> {
  const client = await db().pool.connect();
  try {
    await runner({
      dbClient: client,
      dir: READ_MODEL_MIGRATIONS.dir,
      migrationsTable: READ_MODEL_MIGRATIONS.table,
      direction,
      count: 1,
      log: () => undefined,
    });
  } finally {
    client.release();
  }
}

async function columns(table: string): Promise<string[]> {
  const { rows } = await db().pool.query(
    'SELECT column_name FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position',
    [table],
  );
  return rows.map((r) => r.column_name);
}

async function counts(): Promise<number[]> {
  const { rows } = await db().pool.query(
    `SELECT (SELECT count(*) FROM citizen_records)::int AS c, (SELECT count(*) FROM residence_history)::int AS r,
            (SELECT count(*) FROM vital_events)::int AS v`,
  );
  return [rows[0].c, rows[0].r, rows[0].v];
}

describe('migration 1764480000000_time-axes', () => {
  it('goes down to the earlier shape and up again; each way the projections refill from position 0', async () => {
    const pin = '001224000001';
    await record(db().store, pin, birth(pin), permanentResidence(pin, address('001', '1 Phố Huế'), '2024-03-05'));
    await record(db().store, pin, death(pin, '2024-05-01'));
    await projectPending(db().pool, db().store, { until: lastAppended });
    const filled = await counts();

    await step('down');
    expect(await columns('vital_events')).not.toContain('recorded');
    expect(await columns('residence_history')).not.toContain('since');
    expect(await columns('residence_lives')).toEqual([]);
    expect(await counts()).toEqual([0, 0, 0]);

    await step('up');
    expect(await columns('vital_events')).toContain('recorded');
    expect(await columns('residence_history')).toEqual(expect.arrayContaining(['held_from', 'held_to', 'since']));
    expect(await columns('citizen_records')).toContain('registered');
    expect(await counts()).toEqual([0, 0, 0]);
    await projectPending(db().pool, db().store, { until: lastAppended });
    expect(await counts()).toEqual(filled);
  });
});
