import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Pool } from 'pg';
import { dropDatabase, ensureDatabase, testDatabaseUrl } from '@registry/testing';
import { ApiProcess } from './test-support/api-process';
import { runUnderFaults, storeHolds, type FaultRunReport } from './test-support/fault-run';

const TERMINATIONS = 5;
const APART_MS = 1_500;
const REFUSING_MS = 3_000;

/**
 * Issue 10: while 8 officers register births, the registry's database connections are cut
 * (pg_terminate_backend) 5 times, 1.5 s apart, twice with new connections refused for 3 s as a
 * restart or failover would. The API runs in its own process on a database of this test's own,
 * so nothing else on the server is touched.
 */
describe('registering births while the database connections are cut', () => {
  const url = new URL(testDatabaseUrl());
  url.pathname = `/registry_test_faults_${randomBytes(4).toString('hex')}`;
  const database = url.pathname.slice(1);
  let admin: Client;
  let pool: Pool;
  let api: ApiProcess;
  let report: FaultRunReport;

  beforeAll(async () => {
    await ensureDatabase(url.toString(), true);
    const server = new URL(url);
    server.pathname = '/postgres'; // the admin session lives outside the database it cuts
    admin = new Client({ connectionString: server.toString() });
    await admin.connect();
    api = await ApiProcess.start(url.toString());
    pool = new Pool({ connectionString: url.toString(), max: 2 });
    pool.on('error', () => undefined); // its idle connections are cut too

    const terminate = () =>
      admin.query('SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1', [database]);
    const allowConnections = (allow: boolean) =>
      admin.query(`ALTER DATABASE "${database}" WITH ALLOW_CONNECTIONS ${allow}`);
    report = await runUnderFaults(api, {
      clients: 8,
      runId: `faults-${randomBytes(3).toString('hex')}`,
      injectFaults: async () => {
        await sleep(APART_MS); // the load runs on a healthy database first
        for (let fault = 1; fault <= TERMINATIONS; fault++) {
          const refusing = fault === 2 || fault === 4;
          if (refusing) await allowConnections(false);
          await terminate();
          if (refusing) {
            await sleep(REFUSING_MS); // the outage itself: connections refused for 3 s
            await allowConnections(true);
          }
          await sleep(APART_MS);
        }
      },
    });
  }, 180_000);

  afterAll(async () => {
    await allowConnectionsAgain();
    await api?.stop();
    await pool?.end();
    await admin?.end();
    await dropDatabase(url.toString(), { force: true });
  });

  async function allowConnectionsAgain() {
    await admin?.query(`ALTER DATABASE "${database}" WITH ALLOW_CONNECTIONS true`).catch(() => undefined);
  }

  it('answers 503 with Retry-After during the outages, never another 5xx, and the process stays up', () => {
    console.log(
      `fault run: ${report.answers} answers ${JSON.stringify(report.statusCounts)}, ` +
        `recovered ${report.recoveryMs} ms after the last fault`,
    );
    expect(report.apiAlive).toBe(true);
    expect(report.otherServerErrors).toEqual([]);
    expect(report.statusCounts[503]).toBeGreaterThan(0); // the faults did hit requests
    expect(report.unavailableWithoutRetryAfter).toBe(0);
    expect(Object.keys(report.statusCounts).sort()).toEqual(expect.arrayContaining(['201', '503']));
    for (const status of Object.keys(report.statusCounts)) expect(['0', '201', '503']).toContain(status);
  });

  it('recovers by itself within seconds', () => {
    expect(report.recoveryMs).toBeLessThan(10_000);
  });

  it('a retry of every unanswered request with its key is answered, and acknowledged keys keep their PINs', () => {
    expect([...report.retried.values()].filter((a) => a.status !== 201)).toEqual([]);
    for (const [key, pin] of report.acknowledged) expect(report.resent.get(key)).toBe(pin);
  });

  it('every acknowledged birth is in the store once and in the read model; no key made two people', async () => {
    const pins = [...report.acknowledged.values(), ...[...report.retried.values()].map((a) => a.pin!)];
    expect(new Set(pins).size).toBe(pins.length);
    const held = await storeHolds(pool, pins, 30_000);
    expect(held).toEqual({ births: pins.length, streams: pins.length, projected: pins.length });
    const { rows } = await pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM es_events WHERE type = 'BirthRegistered'",
    );
    expect(rows[0].n).toBe(pins.length); // nothing but the answered keys was ever recorded
  });
});
