import { ScratchDatabase } from '../test-support/scratch-database';
import { caughtUp, headPosition } from '../test-support/catch-up';
import { birth, lastAppended, pinSequence, record } from '../test-support/citizen-events';
import { CitizenRecords } from '../citizens/citizen-records.query';
import { Projector } from './projector';
import { ALL_PROJECTIONS } from './projections';

let db: ScratchDatabase;
const newPin = pinSequence();
const projectors: Projector[] = [];

function startProjector(): Projector {
  const projector = new Projector(db.pool, db.store, ALL_PROJECTIONS, { batchSize: 1000, retryMs: 50 });
  projectors.push(projector);
  projector.start();
  return projector;
}

beforeAll(async () => {
  db = await ScratchDatabase.create('projector');
});
afterAll(async () => {
  await Promise.all(projectors.map((p) => p.stop()));
  await db.drop();
});

describe('the live projector', () => {
  it('projects an event appended while it waits (the subscription wakes it)', async () => {
    startProjector();
    const records = new CitizenRecords(db.pool);
    const pin = newPin();
    await record(db.store, pin, birth(pin));
    const lookup = await records.findAtLeast(pin, 0, 10_000);
    expect(lookup.outcome).toBe('found');
  });

  it('runs one leader at a time; a standby takes over when the leader stops', async () => {
    const leader = projectors[0];
    const standby = startProjector();
    const pin = newPin();
    await record(db.store, pin, birth(pin));
    await caughtUp(db.pool, lastAppended);
    // Only this database's locks: other test runs on the same server hold leader locks of their own.
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n FROM pg_locks
        WHERE locktype = 'advisory' AND granted
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    expect(rows[0].n).toBe(1);
    await leader.stop();
    const next = newPin();
    await record(db.store, next, birth(next));
    await caughtUp(db.pool, await headPosition(db.pool), 5000);
    expect(await new CitizenRecords(db.pool).find(next)).toMatchObject({ revision: 0 });
    await standby.stop();
  });

  it('stops while waiting for events (a stop that hung would fail the test by its timeout)', async () => {
    const projector = startProjector();
    const pin = newPin();
    await record(db.store, pin, birth(pin));
    await caughtUp(db.pool, lastAppended);
    await projector.stop();
    expect(projectors.includes(projector)).toBe(true);
  });
});
