import type { Position } from '@registry/event-store';
import { ScratchDatabase } from '../test-support/scratch-database';
import { seedCitizens } from '../test-support/seed-citizens';
import { readModelDigest } from '../test-support/table-digest';
import { caughtUp, headPosition } from '../test-support/catch-up';
import { address, birth, correction, permanentResidence, record } from '../test-support/citizen-events';
import { Projector } from '../projection/projector';
import { ALL_PROJECTIONS, projectionsNamed } from '../projection/projections';
import { CitizenRecords } from '../citizens/citizen-records.query';
import { RebuildAlreadyRunning, ReadModelRebuild } from './read-model-rebuild';

let db: ScratchDatabase;
let projector: Projector;

beforeAll(async () => {
  db = await ScratchDatabase.create('rebuild');
  await seedCitizens(db.pool, { citizens: 3000, seed: 7, chunk: 500 });
  await historiansEvents();
  projector = new Projector(db.pool, db.store, ALL_PROJECTIONS, { batchSize: 1000, retryMs: 50 });
  projector.start();
  await caughtUp(db.pool, await headPosition(db.pool));
}, 60_000);

afterAll(async () => {
  await projector.stop();
  await db.drop();
});

/** The seed has no corrections or PIN links; a few make sure they rebuild the same too. */
async function historiansEvents(): Promise<void> {
  for (let i = 0; i < 20; i++) {
    const pin = `079224${String(900000 + i).padStart(6, '0')}`;
    await record(
      db.store,
      pin,
      birth(pin, { dateOfBirth: '2024-01-15' }),
      permanentResidence(pin, address('079', `${i} Lê Lợi`), '2024-01-15'),
    );
    await record(db.store, pin, correction(pin, 'dateOfBirth', '2024-01-15', '2024-01-14', '2024-01-14'));
    await record(db.store, pin, {
      type: 'MarriageRegistered',
      data: { pin, spousePin: '079190000001', date: '2024-12-01' },
    });
  }
}

async function indexNames(): Promise<string[]> {
  const tables = ALL_PROJECTIONS.flatMap((p) => p.tables);
  const { rows } = await db.pool.query('SELECT indexname FROM pg_indexes WHERE tablename = ANY($1) ORDER BY 1', [
    tables,
  ]);
  return rows.map((r) => r.indexname);
}

/** As `npm run rebuild` runs it: the catch-up in two worker threads (ADR 0110). */
const rebuild = (names: string[] = [], options: Partial<ConstructorParameters<typeof ReadModelRebuild>[3]> = {}) =>
  new ReadModelRebuild(db.pool, db.store, projectionsNamed(names), {
    batchSize: 700,
    workers: { databaseUrl: db.url, count: 2 },
    ...options,
  }).run();

describe('rebuild of the read models', () => {
  it('gives tables identical, row for row, to the ones the live projector built', async () => {
    await caughtUp(db.pool, await headPosition(db.pool));
    const live = await readModelDigest(db.pool);
    const indexes = await indexNames();
    expect(live.citizen_records.rows).toBe(3020);
    const report = await rebuild();
    expect(report.events).toBeGreaterThan(3000 * 2);
    expect(await readModelDigest(db.pool)).toEqual(live);
    expect(await indexNames()).toEqual(indexes);
  });

  it('gives the same tables with the catch-up in its own thread (no workers: another kind of event store)', async () => {
    await caughtUp(db.pool, await headPosition(db.pool));
    const live = await readModelDigest(db.pool);
    const report = await rebuild([], { workers: undefined });
    expect(report.events).toBeGreaterThan(3000 * 2);
    expect(await readModelDigest(db.pool)).toEqual(live);
  });

  it('fails when a worker fails, leaving the live tables serving and the next rebuild free to run', async () => {
    await caughtUp(db.pool, await headPosition(db.pool));
    const live = await readModelDigest(db.pool);
    const nowhere = new URL(db.url);
    nowhere.pathname = '/registry_test_no_such_database';
    await expect(rebuild([], { workers: { databaseUrl: nowhere.toString(), count: 2 } })).rejects.toThrow(
      /registry_test_no_such_database/,
    );
    expect(await readModelDigest(db.pool)).toEqual(live);
    await rebuild(['vital-statistics']);
    expect(await readModelDigest(db.pool)).toEqual(live);
  });

  it('keeps serving from the old tables until the swap, while events keep coming', async () => {
    const records = new CitizenRecords(db.pool);
    const pin = '001224950001';
    let servedDuringRebuild: unknown;
    let appended: Position | undefined;
    await rebuild([], {
      beforeSwap: async () => {
        servedDuringRebuild = (await records.find('079224900001'))?.revision;
        appended = (await record(db.store, pin, birth(pin))).position; // after the catch-up
      },
    });
    expect(servedDuringRebuild).toBe(3);
    // Projected in the swap's transaction, or just after by the live projector when another
    // transaction of the server still held it back from gap-free reads: never lost.
    await caughtUp(db.pool, appended);
    expect((await records.find(pin))?.revision).toBe(0);
    await record(db.store, pin, permanentResidence(pin, address('001', '1 Tràng Tiền'), '2024-03-05'));
    await caughtUp(db.pool, await headPosition(db.pool));
    expect((await records.find(pin))?.revision).toBe(1); // the live projector carried on after the swap
    const live = await readModelDigest(db.pool);
    await rebuild();
    expect(await readModelDigest(db.pool)).toEqual(live); // nothing lost or doubled across the swap
  });

  it('rebuilds one projection alone, leaving the others in place', async () => {
    await caughtUp(db.pool, await headPosition(db.pool));
    const before = await readModelDigest(db.pool);
    const report = await rebuild(['vital-statistics']);
    expect(report.projections).toEqual(['vital-statistics']);
    expect(await readModelDigest(db.pool)).toEqual(before);
  });

  it('resumes a stopped rebuild from its checkpoints, with the same tables in the end', async () => {
    await caughtUp(db.pool, await headPosition(db.pool));
    const live = await readModelDigest(db.pool);
    const stopped = new Error('stopped');
    let pages = 0;
    const onProgress = () => {
      if (++pages === 3) throw stopped;
    };
    await expect(rebuild([], { onProgress })).rejects.toBe(stopped);
    const { rows } = await db.pool.query<{ processed: number }>(
      `SELECT processed::int FROM projection_checkpoints WHERE projection LIKE '%@next'`,
    );
    expect(rows).toHaveLength(ALL_PROJECTIONS.length);
    expect(Math.min(...rows.map((r) => r.processed))).toBeGreaterThan(0);
    const resumed = await rebuild([], { resume: true });
    const { rows: all } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM es_events');
    expect(resumed.events).toBeLessThan(all[0].n); // carried on, not from position 0
    expect(await readModelDigest(db.pool)).toEqual(live);
  });

  it('refuses a second rebuild while one runs', async () => {
    let second: Promise<unknown> | undefined;
    await rebuild(['vital-statistics'], {
      beforeSwap: async () => void (second = rebuild(['vital-statistics']).catch((e) => e)),
    });
    expect(await second).toBeInstanceOf(RebuildAlreadyRunning);
  });
});
