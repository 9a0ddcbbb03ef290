import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { testDatabaseUrl } from '@registry/testing';
import { newStreamId } from '../contract/contract-events';
import type { Position } from '../event-store.port';
import { eventsOfCopy } from './events-copy';
import { PostgresEventStore } from './postgres-event-store';
import { EVENT_STORE_MIGRATIONS, migrate } from './postgres-schema';

const pool = new Pool({ connectionString: testDatabaseUrl(), max: 8 });
const store = new PostgresEventStore(pool);

beforeAll(() => migrate(pool, EVENT_STORE_MIGRATIONS));
afterAll(async () => {
  await store.close();
  await pool.end();
});

/** Every character COPY's text format escapes, and some it does not. */
const AWKWARD = 'Lê Lợi \\ "quoted" \t tab \n line \r return \b \f \v \u0001 😀 \\N \\\\t';

async function headPosition(): Promise<Position | undefined> {
  const { rows } = await pool.query<{ tx: string; pos: string }>(
    // Ordered by the columns, not by their text ('999999' > '1000000' as text).
    'SELECT transaction_id::text AS tx, global_position::text AS pos FROM es_events ORDER BY transaction_id DESC, global_position DESC LIMIT 1',
  );
  return rows[0] ? { commit: BigInt(rows[0].tx), prepare: BigInt(rows[0].pos) } : undefined;
}

describe('PostgresEventStore.readAllCopy (the log as COPY bytes, for a rebuild`s workers)', () => {
  it('gives, page by page, the events readAll gives without metadata', async () => {
    const after = await headPosition();
    for (let i = 0; i < 7; i++) {
      const events = Array.from({ length: 1 + (i % 3) }, (_, j) => ({
        eventId: randomUUID(),
        type: j === 0 ? 'Opened' : 'Noted',
        data: { i, j, text: AWKWARD, nested: { list: [1, 2.5, null, true], empty: {} } },
        metadata: { secret: 'left out' },
      }));
      await store.append(newStreamId('copy'), events, 'no_stream');
    }
    const expected = await store.readAll({ after, maxCount: 10_000, withoutMetadata: true });
    expect(expected.length).toBeGreaterThanOrEqual(13);
    const read = [];
    let from = after;
    for (let page = await store.readAllCopy(from, 4); page.count > 0; page = await store.readAllCopy(from, 4)) {
      const events = eventsOfCopy(page.bytes);
      expect(events).toHaveLength(page.count);
      expect(page.last).toEqual(events[events.length - 1].position);
      read.push(...events);
      from = page.last;
    }
    expect(read).toEqual(expected);
    expect(read.find((e) => e.data.text !== undefined)?.data.text).toBe(AWKWARD);
  });

  it('answers an empty page past the end', async () => {
    const page = await store.readAllCopy(await headPosition(), 10);
    expect(page).toMatchObject({ count: 0, last: undefined });
    expect(eventsOfCopy(page.bytes)).toEqual([]);
  });
});
