import { ALL_PROJECTIONS, REBUILD_BATCH_SIZE, ReadModelRebuild } from '@registry/read-models';
import { birth, pinSequence, record } from '@registry/read-models/test-support/citizen-events';
import { ScratchDatabase } from '@registry/read-models/test-support/scratch-database';
import { birthApplication } from '../../apps/registry-api/src/test-support/birth-application';
import { birthWithTheRegistryRows, prepareRowsCeiling } from './ceiling-rows';

const TABLES = ['es_streams', 'es_events', 'citizen_records', 'citizen_names', 'residence_lives', 'vital_events'];

/**
 * The ceiling with the registry's rows is only a yardstick if it writes what the registry writes:
 * a row in each of the six tables, as wide (the same JSON keys as the projected record and the
 * domain's event), into copies holding the registry's rows and indexes.
 */
describe("the ceiling with the registry's rows", () => {
  let db: ScratchDatabase;
  const newPin = pinSequence();
  beforeAll(async () => {
    db = await ScratchDatabase.create('ceiling_rows');
    for (let i = 0; i < 3; i++) {
      const pin = newPin();
      await record(db.store, pin, birth(pin));
    }
    await new ReadModelRebuild(db.pool, db.store, ALL_PROJECTIONS, { batchSize: REBUILD_BATCH_SIZE }).run();
  });
  afterAll(() => db.drop());

  const count = async (table: string) =>
    (await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;
  const counts = async (prefix: string) => Promise.all(TABLES.map((table) => count(`${prefix}${table}`)));
  const keys = (json: unknown) => Object.keys(json as object).sort();

  it('copies the six tables with their rows and indexes once', async () => {
    expect(await prepareRowsCeiling(db.pool)).toMatch(/^copied es_streams, es_events, .*vital_events/);
    expect(await counts('bench_rows_')).toEqual(await counts(''));
    const indexes = async (table: string) =>
      (await db.pool.query(`SELECT 1 FROM pg_indexes WHERE tablename = $1`, [table])).rowCount;
    for (const table of TABLES) expect(await indexes(`bench_rows_${table}`)).toBe(await indexes(table));
    expect(await prepareRowsCeiling(db.pool)).toBe('copies of the six tables already there');
  });

  it('writes a birth as one row in each copy, as wide as the registry’s', async () => {
    const before = await counts('bench_rows_');
    const pin = await birthWithTheRegistryRows(db.pool, birthApplication({ registrationProvinceCode: '079' }));
    expect(pin).toMatch(/^079\d{9}$/);
    expect(await counts('bench_rows_')).toEqual(before.map((n) => n + 1));

    const projected = await db.pool.query<{ record: unknown }>('SELECT record FROM citizen_records LIMIT 1');
    const copied = await db.pool.query<{ record: unknown; search_name: string; birth_month: Date }>(
      `SELECT r.record, n.search_name, v.birth_month FROM bench_rows_citizen_records r
         JOIN bench_rows_citizen_names n USING (pin) JOIN bench_rows_vital_events v USING (pin) WHERE pin = $1`,
      [pin],
    );
    expect(keys(copied.rows[0].record)).toEqual(keys(projected.rows[0].record));
    expect(copied.rows[0].search_name).toBe('nguyen van an');
    expect(copied.rows[0].birth_month.getDate()).toBe(1);

    const event = await db.pool.query<{ data: unknown; revision: string }>(
      `SELECT data, revision FROM bench_rows_es_events WHERE stream_id = $1`,
      [`citizen-${pin}`],
    );
    expect(event.rows).toHaveLength(1);
    expect(keys(event.rows[0].data)).toEqual(keys(birth(pin).data));
  });
});
