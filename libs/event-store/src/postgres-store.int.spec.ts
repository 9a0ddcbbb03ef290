import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { testDatabaseUrl } from '@registry/testing';
import { describeEventStoreContract } from './contract/event-store.contract';
import { PostgresEventStore } from './postgres/postgres-event-store';
import { EVENT_STORE_MIGRATIONS, migrate } from './postgres/postgres-schema';

const pool = new Pool({ connectionString: testDatabaseUrl(), max: 30 });

describeEventStoreContract('postgresql', {
  async create() {
    await migrate(pool, EVENT_STORE_MIGRATIONS);
    return new PostgresEventStore(pool);
  },
  async destroy(store) {
    await store.close();
    await pool.end();
  },
  async holdOpenAppend(streamId, events) {
    const client = await pool.connect();
    await client.query('BEGIN');
    await client.query('SELECT * FROM es_append($1, -1, $2::uuid[], $3::text[], $4::jsonb[], $5::jsonb[])', [
      streamId,
      events.map((e) => e.eventId),
      events.map((e) => e.type),
      events.map((e) => JSON.stringify(e.data)),
      events.map((e) => JSON.stringify(e.metadata)),
    ]);
    return {
      async commit() {
        await client.query('COMMIT');
        client.release();
      },
    };
  },
});

describe('postgresql: the gap-free horizon is this database’s own', () => {
  const local = new Pool({ connectionString: testDatabaseUrl(), max: 4 });
  // A neighbour on the same server: another registry, an import, a forgotten psql session.
  const neighbourUrl = new URL(testDatabaseUrl());
  neighbourUrl.pathname = '/postgres';
  const neighbour = new Pool({ connectionString: neighbourUrl.toString(), max: 1 });
  let store: PostgresEventStore;

  beforeAll(async () => {
    await migrate(local, EVENT_STORE_MIGRATIONS);
    store = new PostgresEventStore(local);
  });
  afterAll(async () => {
    await store.close();
    await local.end();
    await neighbour.end();
  });

  const event = () => ({ eventId: randomUUID(), type: 'HorizonProbed', data: {}, metadata: {} });

  async function openWriterIn(pool: Pool): Promise<{ xid: string; end(): Promise<void> }> {
    const client = await pool.connect();
    await client.query('BEGIN');
    const { rows } = await client.query<{ xid: string }>('SELECT pg_current_xact_id()::text AS xid');
    return {
      xid: rows[0]!.xid,
      async end() {
        await client.query('ROLLBACK');
        client.release();
      },
    };
  }

  async function seenByReadAll(streamId: string): Promise<boolean> {
    const head = await store.readAll({ filter: { streamPrefixes: [streamId] }, maxCount: 10 });
    return head.some((e) => e.streamId === streamId);
  }

  it('a transaction left open in another database does not hide events committed here', async () => {
    const open = await openWriterIn(neighbour);
    try {
      const streamId = `horizon-${randomUUID()}`;
      await store.append(streamId, [event()], 'no_stream');
      expect(await seenByReadAll(streamId)).toBe(true);
      // The server-wide minimum (the old rule) would still have hidden it.
      const { rows } = await local.query<{ hidden: boolean }>(
        `SELECT pg_snapshot_xmin(pg_current_snapshot()) <= $1::xid8 AS hidden`,
        [open.xid],
      );
      expect(rows[0]!.hidden).toBe(true);
    } finally {
      await open.end();
    }
  });

  it('a writer open in this database still holds back everything committed after it', async () => {
    const open = await openWriterIn(local);
    try {
      const streamId = `horizon-${randomUUID()}`;
      await store.append(streamId, [event()], 'no_stream');
      expect(await seenByReadAll(streamId)).toBe(false);
      await open.end();
      expect(await seenByReadAll(streamId)).toBe(true);
    } catch (error) {
      await open.end().catch(() => undefined);
      throw error;
    }
  });

  it('under repeatable read the horizon falls back to the server-wide minimum', async () => {
    const open = await openWriterIn(neighbour);
    const client = await local.connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      const { rows } = await client.query<{ held: boolean }>('SELECT es_visible_horizon() <= $1::xid8 AS held', [
        open.xid,
      ]);
      expect(rows[0]!.held).toBe(true);
      await client.query('COMMIT');
    } finally {
      client.release();
      await open.end();
    }
  });
});
