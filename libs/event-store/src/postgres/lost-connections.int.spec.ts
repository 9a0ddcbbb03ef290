import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { dropDatabase, ensureDatabase, testDatabaseUrl } from '@registry/testing';
import type { RecordedEvent } from '../event-store.port';
import { PostgresEventStore } from './postgres-event-store';
import { EVENT_STORE_MIGRATIONS, migrate } from './postgres-schema';

/**
 * The store's own connections cut by the server (pg_terminate_backend, as a restart does): no
 * unhandled 'error' event stops the process, the LISTEN session is opened again, and a live
 * subscription goes on delivering, also after the database refused connections for a while. On a
 * database of its own; the admin session that cuts lives in the `postgres` database.
 */
describe('PostgreSQL event store with its connections cut', () => {
  const url = new URL(testDatabaseUrl());
  url.pathname = `/registry_test_cut_${randomUUID().slice(0, 8)}`;
  const database = url.pathname.slice(1);
  const server = new URL(url);
  server.pathname = '/postgres';
  const admin = new Client({ connectionString: server.toString() });
  let store: PostgresEventStore;
  beforeAll(async () => {
    await ensureDatabase(url.toString(), true);
    await admin.connect();
    store = PostgresEventStore.connect(url.toString(), 4);
    await migrate(store.pool, EVENT_STORE_MIGRATIONS);
  });
  afterAll(async () => {
    await admin.query(`ALTER DATABASE "${database}" WITH ALLOW_CONNECTIONS true`);
    await store.close();
    await admin.end();
    await dropDatabase(url.toString(), { force: true });
  });

  const listeners = async () =>
    (
      await admin.query<{ pid: number }>(
        "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND query = 'LISTEN es_events'",
        [database],
      )
    ).rows.map((r) => r.pid);
  const cutEveryConnection = () =>
    admin.query('SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1', [database]);
  const allowConnections = (allow: boolean) =>
    admin.query(`ALTER DATABASE "${database}" WITH ALLOW_CONNECTIONS ${allow}`);
  const append = (stream: string) =>
    store.append(stream, [{ eventId: randomUUID(), type: 'Probed', data: { at: Date.now() }, metadata: {} }], 'any');

  async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(50);
    }
  }

  it('reopens the LISTEN session and keeps a live subscription delivering through cuts and refusals', async () => {
    const stream = `probe-${randomUUID()}`;
    const head = (await store.readAll({ maxCount: 1_000_000 })).at(-1)?.position;
    const subscription = store.subscribeToAll({ after: head, filter: { streamPrefixes: [stream] } });
    const received: RecordedEvent[] = [];
    const reading = (async () => {
      for await (const event of subscription) received.push(event);
    })();

    await append(stream);
    await until('the first event', async () => (received.length === 1 ? true : undefined));
    for (let cut = 1; cut <= 3; cut++) {
      const before = await until('a LISTEN session', async () => {
        const pids = await listeners();
        return pids.length > 0 ? pids : undefined;
      });
      if (cut === 2) await allowConnections(false); // a restart: new connections refused meanwhile
      await cutEveryConnection();
      if (cut === 2) {
        await sleep(1_500); // the outage: the subscription and its LISTEN session retry meanwhile
        await allowConnections(true);
      }
      // A new session, not the one cut, is listening again.
      await until('a new LISTEN session', async () => {
        const pids = await listeners();
        return pids.length > 0 && pids.every((pid) => !before.includes(pid)) ? true : undefined;
      });
      await append(stream);
      await until(`event ${cut + 1}`, async () => (received.length === cut + 1 ? true : undefined));
    }
    await subscription.close();
    await reading;
    expect(received.map((e) => e.revision)).toEqual([0, 1, 2, 3]);
  });

  it('a query on a cut connection fails with an error the caller sees, and the next one succeeds', async () => {
    const client = await store.pool.connect();
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    await admin.query('SELECT pg_terminate_backend($1)', [rows[0].pid]);
    await expect(client.query('SELECT 1')).rejects.toThrow();
    client.release(true);
    await expect(append(`probe-${randomUUID()}`)).resolves.toMatchObject({ nextRevision: 0 });
  });
});
