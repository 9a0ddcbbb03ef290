import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { testDatabaseUrl } from '@registry/testing';
import { newStreamId } from '../contract/contract-events';
import { WrongExpectedRevisionError } from '../errors';
import type { RecordedEvent } from '../event-store.port';
import { streamTexts, type NewStreamText } from './postgres-bulk-load';
import { PostgresEventStore } from './postgres-event-store';
import { EVENT_STORE_MIGRATIONS, migrate } from './postgres-schema';

const pool = new Pool({ connectionString: testDatabaseUrl(), max: 8 });
const store = new PostgresEventStore(pool);

beforeAll(() => migrate(pool, EVENT_STORE_MIGRATIONS));
afterAll(async () => {
  await store.close();
  await pool.end();
});

/** Streams of one event each; data with the characters COPY's text format must escape. */
function bulk(size: number): NewStreamText[] {
  return Array.from({ length: size }, (_, i) => ({
    streamId: newStreamId('copy'),
    eventId: randomUUID(),
    type: 'Opened',
    data: JSON.stringify({ i, line: `${i} "Lê Lợi"\\ \t tab`, nested: { ok: true } }),
    metadata: JSON.stringify({ row: i }),
  }));
}

async function latest() {
  const { rows } = await pool.query<{ tx: string; pos: string }>(
    `SELECT transaction_id::text AS tx, global_position::text AS pos FROM es_events ORDER BY transaction_id DESC, global_position DESC LIMIT 1`,
  );
  return rows[0] ? { commit: BigInt(rows[0].tx), prepare: BigInt(rows[0].pos) } : undefined;
}

describe('PostgresEventStore.openStreamsInBulk (COPY in the caller transaction)', () => {
  it('opens each stream at revision 0 with its event as given, readable in the global order', async () => {
    const streams = bulk(1200);
    const after = await latest();
    const result = await store.openStreamsInBulk(streamTexts(streams));
    expect(result).toEqual({ opened: 1200, refused: [] });
    // Readers see a transaction once every older one on the server has ended: poll for it.
    const ids = new Set(streams.map((s) => s.eventId));
    let ours: RecordedEvent[] = [];
    for (const deadline = Date.now() + 30_000; ours.length < ids.size && Date.now() < deadline;) {
      const all = await store.readAll({ after, maxCount: 10_000 });
      ours = all.filter((e) => ids.has(e.eventId));
    }
    expect(new Set(ours.map((e) => e.eventId))).toEqual(ids);
    for (const stream of [streams[0], streams[777]]) {
      const [event] = await store.readStream(stream.streamId);
      expect(event).toMatchObject({ revision: 0, eventId: stream.eventId, type: 'Opened' });
      expect(event.data).toEqual(JSON.parse(stream.data));
      expect(event.metadata).toEqual(JSON.parse(stream.metadata));
    }
    // One transaction: one commit id, positions increasing.
    expect(new Set(ours.map((e) => e.position.commit)).size).toBe(1);
    const { rows } = await pool.query(`SELECT revision::int FROM es_streams WHERE stream_id = $1`, [
      streams[5].streamId,
    ]);
    expect(rows).toEqual([{ revision: 0 }]);
  });

  it('answers a retry as opened, a stream another writer holds as refused, and writes the rest', async () => {
    const first = bulk(10);
    await store.openStreamsInBulk(streamTexts(first.slice(0, 5)));
    const taken = bulk(1)[0];
    await store.append(taken.streamId, [{ eventId: randomUUID(), type: 'Born', data: {}, metadata: {} }], 'no_stream');
    const again = [...first, { ...taken }];
    const result = await store.openStreamsInBulk(streamTexts(again));
    expect(result.opened).toBe(10);
    expect(result.refused).toEqual([{ index: 10, error: expect.any(WrongExpectedRevisionError) }]);
    for (const stream of first) {
      const events = await store.readStream(stream.streamId);
      expect(events.map((e) => e.eventId)).toEqual([stream.eventId]);
    }
    expect((await store.readStream(taken.streamId)).map((e) => e.type)).toEqual(['Born']);
  });

  it('commits the streams and the caller writes together, or neither', async () => {
    await pool.query(`CREATE TABLE IF NOT EXISTS bulk_load_checkpoint (n int)`);
    const streams = bulk(20);
    await expect(
      store.openStreamsInBulk(streamTexts(streams), async (tx) => {
        await tx.query(`INSERT INTO bulk_load_checkpoint VALUES (1)`);
        throw new Error('the checkpoint failed');
      }),
    ).rejects.toThrow('the checkpoint failed');
    const { rowCount } = await pool.query(`SELECT 1 FROM es_streams WHERE stream_id = ANY($1)`, [
      streams.map((s) => s.streamId),
    ]);
    expect(rowCount).toBe(0);
    expect((await pool.query(`SELECT * FROM bulk_load_checkpoint`)).rowCount).toBe(0);

    await store.openStreamsInBulk(streamTexts(streams), async (tx, result) => {
      await tx.query(`INSERT INTO bulk_load_checkpoint VALUES ($1)`, [result.opened]);
    });
    expect((await pool.query(`SELECT n FROM bulk_load_checkpoint`)).rows).toEqual([{ n: 20 }]);
    await pool.query(`DROP TABLE bulk_load_checkpoint`);
  });

  it('refuses a bulk with a stream twice, an id that is no UUID, or data that is no object', async () => {
    const [a, b] = bulk(2);
    await expect(store.openStreamsInBulk(streamTexts([a, { ...b, streamId: a.streamId }]))).rejects.toThrow(
      'appears twice',
    );
    await expect(store.openStreamsInBulk(streamTexts([{ ...a, eventId: 'x' }]))).rejects.toThrow('UUID');
    await expect(store.openStreamsInBulk(streamTexts([{ ...a, data: '[1]' }]))).rejects.toThrow('JSON objects');
    await expect(store.readStream(a.streamId)).rejects.toThrow('does not exist');
  });
});
