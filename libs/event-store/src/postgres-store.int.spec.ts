import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { testDatabaseUrl } from '@registry/testing';
import { describeEventStoreContract } from './contract/event-store.contract';
import { StreamNotFoundError, WrongExpectedRevisionError } from './errors';
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

  it('one connection asked again and again (its plan kept, ADR 0125) still sees writers come and go', async () => {
    const client = await local.connect();
    const writers: { end(): Promise<void> }[] = [];
    const open = async () => {
      const writer = await openWriterIn(local);
      writers.push(writer);
      return writer;
    };
    const heldBy = async (xid: string) =>
      (await client.query<{ held: boolean }>('SELECT es_visible_horizon() <= $1::xid8 AS held', [xid])).rows[0]!.held;
    try {
      // PL/pgSQL plans a statement for the session after its first runs: ask past that point first.
      const first = await open();
      for (let i = 0; i < 8; i++) expect(await heldBy(first.xid)).toBe(true);
      await writers.pop()!.end();
      expect(await heldBy(first.xid)).toBe(false);
      const next = await open();
      expect(await heldBy(next.xid)).toBe(true);
      await writers.pop()!.end();
      expect(await heldBy(next.xid)).toBe(false);
    } finally {
      await Promise.all(writers.map((writer) => writer.end()));
      client.release();
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

describe('postgresql: new streams opened by group commit (ADR 0073)', () => {
  const local = new Pool({ connectionString: testDatabaseUrl(), max: 8 });
  const statements: string[] = [];
  let store: PostgresEventStore;

  beforeAll(async () => {
    await migrate(local, EVENT_STORE_MIGRATIONS);
    // Which statements the store sends: the batches must be one statement each.
    recordStatements(local, statements);
    store = new PostgresEventStore(local);
  });
  afterAll(async () => {
    await store.close();
    await local.end();
  });

  const event = (data: Record<string, unknown> = {}) => ({ eventId: randomUUID(), type: 'Opened', data, metadata: {} });

  it('opens 60 concurrent streams in a few statements, each answered with its own outcome', async () => {
    statements.length = 0;
    const prefix = `group-${randomUUID()}`;
    const taken = `${prefix}-taken`;
    await store.append(taken, [event()], 'no_stream');
    const retried = { streamId: `${prefix}-retried`, events: [event()] };
    await store.append(retried.streamId, retried.events, 'no_stream');
    const fresh = Array.from({ length: 60 }, (_, i) => ({ streamId: `${prefix}-${i}`, events: [event({ i })] }));
    const twice = { streamId: `${prefix}-twice`, events: [event()] };
    const outcomes = await Promise.allSettled([
      ...fresh.map((s) => store.append(s.streamId, s.events, 'no_stream')),
      store.append(taken, [event()], 'no_stream'), // another writer's stream: a conflict, for this caller only
      store.append(retried.streamId, retried.events, 'no_stream'), // the same events again: a duplicate
      store.append(twice.streamId, twice.events, 'no_stream'),
      store.append(twice.streamId, [event()], 'no_stream'), // the same new stream twice at once: one wins
    ]);
    const [conflict, duplicate, first, second] = outcomes.slice(60);
    expect(outcomes.slice(0, 60).every((o) => o.status === 'fulfilled' && o.value.nextRevision === 0)).toBe(true);
    expect(conflict).toMatchObject({ status: 'rejected', reason: expect.any(WrongExpectedRevisionError) });
    expect(duplicate).toMatchObject({ status: 'fulfilled', value: { nextRevision: 0 } });
    expect([first.status, second.status].sort()).toEqual(['fulfilled', 'rejected']);
    for (const s of fresh) expect((await store.readStream(s.streamId)).map((e) => e.data)).toEqual([s.events[0].data]);
    expect(await store.readStream(retried.streamId)).toHaveLength(1);
    // Batched: far fewer statements than streams.
    const writes = statements.filter((name) => name === 'es_append' || name === 'es_append_new_streams');
    expect(statements).toContain('es_append_new_streams');
    expect(writes.length).toBeLessThan(30);
  });

  it('an event the database refuses fails its own opening only', async () => {
    const prefix = `group-refused-${randomUUID()}`;
    const fine = Array.from({ length: 20 }, (_, i) => `${prefix}-${i}`);
    const outcomes = await Promise.allSettled([
      ...fine.map((streamId) => store.append(streamId, [event()], 'no_stream')),
      store.append(`${prefix}-nul`, [event({ text: 'a\u0000b' })], 'no_stream'), // jsonb refuses NUL
    ]);
    expect(outcomes.map((o) => o.status)).toEqual([...fine.map(() => 'fulfilled'), 'rejected']);
    for (const streamId of fine) expect(await store.readStream(streamId)).toHaveLength(1);
    await expect(store.readStream(`${prefix}-nul`)).rejects.toBeInstanceOf(StreamNotFoundError);
  });
});

describe('postgresql: live reads, one statement a page, shared by readers at one position (ADR 0105)', () => {
  const local = new Pool({ connectionString: testDatabaseUrl(), max: 8 });
  const statements: string[] = [];
  let store: PostgresEventStore;

  beforeAll(async () => {
    await migrate(local, EVENT_STORE_MIGRATIONS);
    recordStatements(local, statements);
    store = new PostgresEventStore(local);
  });
  afterAll(async () => {
    await store.close();
    await local.end();
  });

  const event = (type: string) => ({ eventId: randomUUID(), type, data: {}, metadata: { by: 'test' } });

  /** The position of the last event stored now: reads start after it. */
  async function head() {
    const { rows } = await local.query<{ commit: string; prepare: string }>(
      // Ordered by the columns, not by their text ('999999' > '1000000' as text).
      'SELECT transaction_id::text AS commit, global_position::text AS prepare FROM es_events ORDER BY transaction_id DESC, global_position DESC LIMIT 1',
    );
    return rows[0] ? { commit: BigInt(rows[0].commit), prepare: BigInt(rows[0].prepare) } : undefined;
  }

  async function holdOpen(streamId: string): Promise<() => Promise<void>> {
    const client = await local.connect();
    await client.query('BEGIN');
    const e = event('Slow');
    await client.query('SELECT * FROM es_append($1, -1, $2::uuid[], $3::text[], $4::jsonb[], $5::jsonb[])', [
      streamId,
      [e.eventId],
      [e.type],
      ['{}'],
      ['{}'],
    ]);
    return async () => {
      await client.query('COMMIT');
      client.release();
    };
  }

  it('two reads from one position in one turn share one statement; each gets its own filter’s events', async () => {
    const prefix = `live-${randomUUID()}`;
    const after = await head();
    await store.append(`${prefix}-1`, [event('Wanted'), event('Other')], 'no_stream');
    await store.append(`${prefix}-2`, [event('Wanted')], 'no_stream');
    await store.readLive(after, 1000, { streamPrefixes: [prefix] }); // the store's first horizon
    await store.readLive(after, 1000, { streamPrefixes: [prefix] }); // now below the events' commits
    statements.length = 0;
    const [all, wanted] = await Promise.all([
      store.readLive(after, 1000, { streamPrefixes: [prefix] }),
      store.readLive(after, 1000, { streamPrefixes: [prefix], eventTypes: ['Wanted'] }),
    ]);
    expect(statements).toEqual(['es_read_live']);
    expect(all.events.map((e) => e.type)).toEqual(['Wanted', 'Other', 'Wanted']);
    expect(wanted.events.map((e) => `${e.streamId.slice(-1)}:${e.type}`)).toEqual(['1:Wanted', '2:Wanted']);
    expect(all.events[0].metadata).toEqual({ by: 'test' });
    // Both have read as far, matching or not: their next reads start together again.
    expect(wanted.scannedTo).toEqual(all.scannedTo);
    expect(all.full).toBe(false);
  });

  it('never reads past a transaction still open: its events come once it commits', async () => {
    const prefix = `live-held-${randomUUID()}`;
    const filter = { streamPrefixes: [prefix] };
    const after = await head();
    const commit = await holdOpen(`${prefix}-slow`);
    let commitPending = true;
    try {
      await store.append(`${prefix}-fast1`, [event('Fast1')], 'no_stream');
      await store.append(`${prefix}-fast2`, [event('Fast2')], 'no_stream');
      let position = after;
      for (let i = 0; i < 3; i++) {
        const page = await store.readLive(position, 1000, filter);
        expect(page.events).toEqual([]); // held back behind the open writer
        position = page.scannedTo;
      }
      await commit();
      commitPending = false;
      const seen: string[] = [];
      for (let i = 0; i < 3 && seen.length < 3; i++) {
        const page = await store.readLive(position, 1000, filter);
        seen.push(...page.events.map((e) => e.type));
        position = page.scannedTo;
      }
      expect(seen).toEqual(['Slow', 'Fast1', 'Fast2']);
    } finally {
      if (commitPending) await commit();
    }
  });

  it('a page at its limit says so, and the next one goes on from its last event', async () => {
    const prefix = `live-full-${randomUUID()}`;
    const after = await head();
    for (let i = 0; i < 5; i++) await store.append(`${prefix}-${i}`, [event(`E${i}`)], 'no_stream');
    await store.readLive(after, 2, { streamPrefixes: [prefix] });
    const types: string[] = [];
    let position = after;
    for (let i = 0; i < 6 && types.length < 5; i++) {
      const page = await store.readLive(position, 2, { streamPrefixes: [prefix] });
      expect(page.full).toBe(page.events.length === 2);
      types.push(...page.events.map((e) => e.type));
      position = page.scannedTo;
    }
    expect(types).toEqual(['E0', 'E1', 'E2', 'E3', 'E4']);
  });
});

/** Notes the name (or text) of every statement `pool` sends into `statements`. */
function recordStatements(pool: Pool, statements: string[]): void {
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  (pool as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    const config = args[0] as { name?: string } | string;
    statements.push(typeof config === 'string' ? config : (config.name ?? ''));
    return query(...args);
  };
}
