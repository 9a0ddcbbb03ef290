import { formatPosition } from '@registry/event-store';
import { ScratchDatabase } from '../test-support/scratch-database';
import { birth, pinSequence, record } from '../test-support/citizen-events';
import { CheckpointMoved, ensureCheckpoints, readCheckpoints, type CheckpointRow } from './checkpoints';
import { LIVE, type Projection } from './projection';
import { ProjectionWriter } from './projection-writer';
import { ALL_PROJECTIONS } from './projections';

/**
 * A live batch's transaction in fewer round trips (the lock sent with the BEGIN, the checkpoints'
 * update with the COMMIT): the checkpoints say exactly what was projected, and a batch that fails
 * or finds a checkpoint moved leaves rows and checkpoints as they were.
 */
describe('a projection writer commits a batch with its checkpoints', () => {
  let db: ScratchDatabase;
  const newPin = pinSequence();
  beforeAll(async () => {
    db = await ScratchDatabase.create('projection_writer');
  });
  afterAll(() => db.drop());

  const births = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const pin = newPin();
      await record(db.store, pin, birth(pin));
    }
    return db.store.readAll({ maxCount: 10_000 });
  };
  const checkpoints = async (keys: readonly string[]) =>
    (
      await db.pool.query<CheckpointRow>(
        'SELECT * FROM projection_checkpoints WHERE projection = ANY($1) ORDER BY projection',
        [keys],
      )
    ).rows;
  const citizens = async () =>
    (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM citizen_records')).rows[0].n;

  it('moves every checkpoint to the batch’s last event, counting its events, over two batches', async () => {
    const writer = new ProjectionWriter(ALL_PROJECTIONS, LIVE);
    await ensureCheckpoints(db.pool, writer.keys);
    const positions = await readCheckpoints(db.pool, writer.keys);
    const events = await births(5);
    await writer.commit(db.pool, events.slice(0, 2), positions);
    await writer.commit(db.pool, events.slice(2), positions);
    const last = events[events.length - 1];
    for (const row of await checkpoints(writer.keys)) {
      expect(row.position).toBe(formatPosition(last.position));
      expect(Number(row.processed)).toBe(5);
      expect(row.last_recorded_at?.getTime()).toBe(last.recordedAt.getTime());
    }
    expect(await citizens()).toBe(5);
    // The writer's own view moved with the committed checkpoints.
    expect([...positions.values()].map((p) => p && formatPosition(p))).toEqual(
      writer.keys.map(() => formatPosition(last.position)),
    );
  });

  it('refuses a batch when another writer moved a checkpoint, and writes none of it', async () => {
    const writer = new ProjectionWriter(ALL_PROJECTIONS, LIVE);
    const stale = await readCheckpoints(db.pool, writer.keys);
    const before = await checkpoints(writer.keys);
    await births(1);
    const fresh = await db.store.readAll({ after: [...stale.values()][0], maxCount: 100 });
    await new ProjectionWriter(ALL_PROJECTIONS, LIVE).commit(
      db.pool,
      fresh,
      await readCheckpoints(db.pool, writer.keys),
    );
    const moved = await checkpoints(writer.keys);
    const rowsBefore = await citizens();
    await expect(writer.commit(db.pool, fresh, stale)).rejects.toBeInstanceOf(CheckpointMoved);
    expect(await checkpoints(writer.keys)).toEqual(moved);
    expect(moved).not.toEqual(before);
    expect(await citizens()).toBe(rowsBefore);
  });

  it('rolls back rows and checkpoints together when a projection fails mid-batch', async () => {
    const failing: Projection = {
      ...ALL_PROJECTIONS[ALL_PROJECTIONS.length - 1],
      project: async () => {
        throw new Error('projection failed');
      },
    };
    const writer = new ProjectionWriter([ALL_PROJECTIONS[0], failing], LIVE);
    const positions = await readCheckpoints(db.pool, writer.keys);
    const before = await checkpoints(writer.keys);
    const rowsBefore = await citizens();
    await births(1);
    const more = await db.store.readAll({ after: [...positions.values()][0], maxCount: 100 });
    expect(more.length).toBeGreaterThan(0);
    await expect(writer.commit(db.pool, more, positions)).rejects.toThrow('projection failed');
    expect(await checkpoints(writer.keys)).toEqual(before);
    expect(await citizens()).toBe(rowsBefore);
  });
});
