import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';
import { freshPins, lifeOf, toAppend } from '@registry/change-feed/test-support/citizen-lives';
import { citizenStream } from '@registry/domain';
import { EVENT_STORE_MIGRATIONS, migrate, PostgresEventStore } from '@registry/event-store';
import { procedureIdFor } from '@registry/procedures';
import { AppProcess, dropDatabase, ensureDatabase, testDatabaseUrl, until } from '@registry/testing';
import { testBrokers } from '@registry/testing/kafka-server';
import { ReferenceAgency } from '@registry/procedures/reference-agency/reference-agency';

/**
 * Decree 63 procedures under crashes: the procedure runner (apps/procedure-runner, a child
 * process) is killed with SIGKILL 10 times while births with a residence run through their
 * procedures against the real broker and the reference agency (which answers every request twice).
 * Afterwards every procedure is completed exactly once, every step's effect is in the store once,
 * and a request id never travels with two contents. PROCEDURE_KILL_COUNT sets the number of births.
 */
// 300 in `npm test` keeps CI short; the 1,000: PROCEDURE_KILL_COUNT=1000 (README has the figures).
const BIRTHS = Number(process.env.PROCEDURE_KILL_COUNT ?? 300);
const KILLS = 10;
const RUNNER = `kill-${randomBytes(3).toString('hex')}`;
const KILL_DB = (() => {
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${decodeURIComponent(url.pathname.slice(1))}_procedure_kill`;
  return url.toString();
})();

let brokers: string[];
let pool: Pool;
let store: PostgresEventStore;
let agency: ReferenceAgency;
const pins = freshPins(BIRTHS);
const procedureIds = new Set<string>();

/** apps/procedure-runner as deployed: its own process, configured by its environment. */
function startRunner(): AppProcess {
  return new AppProcess({
    name: 'procedure runner',
    entry: 'apps/procedure-runner/src/main.ts',
    readyLine: new RegExp(`procedure runner ${RUNNER} leading`),
    env: {
      DATABASE_URL: KILL_DB,
      DATABASE_POOL_SIZE: '4',
      KAFKA_BROKERS: brokers.join(','),
      KAFKA_CLIENT_ID: 'procedure-kill-test',
      PROCEDURE_RUNNER_NAME: RUNNER,
      PROCEDURE_REPLIES_SESSION_MS: '6000', // the broker's smallest: a killed life's partitions free up soon
      REGISTRY_JWT_SECRET: 'unused-by-the-procedure-runner',
      LOG_LEVEL: 'info',
    },
  });
}

/** A kill lands at a random moment (the randomness is the test), not a wait for a condition. */
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const random = (min: number, max: number) => min + Math.floor(Math.random() * (max - min));

async function procedureEvents(): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM es_events WHERE stream_id LIKE 'procedure-%'",
  );
  return rows[0].n;
}

async function completed(): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM es_events WHERE type = 'ProcedureCompleted'",
  );
  return rows[0].n;
}

beforeAll(async () => {
  ({ brokers } = await testBrokers());
  await ensureDatabase(KILL_DB, true);
  pool = new Pool({ connectionString: KILL_DB, max: 8 });
  pool.on('error', () => undefined); // an idle connection ended while the suite tears down
  await migrate(pool, EVENT_STORE_MIGRATIONS);
  store = new PostgresEventStore(pool);
  for (let i = 0; i < pins.length; i += 50) {
    await Promise.all(
      pins.slice(i, i + 50).map(async (pin) => {
        const birth = toAppend(lifeOf(pin)[0]);
        procedureIds.add(procedureIdFor(birth.eventId));
        await store.append(citizenStream(pin), [birth], 'no_stream');
      }),
    );
  }
  const kafka = new Kafka({ clientId: 'procedure-kill-agency', brokers, logLevel: logLevel.NOTHING });
  agency = new ReferenceAgency(kafka, 'vss', { decision: 'grant', delayMs: 0, replyTwice: true });
  await agency.start();
}, 180_000);

afterAll(async () => {
  await agency?.stop();
  await store?.close();
  await pool?.end();
  await dropDatabase(KILL_DB);
});

it(`completes ${BIRTHS} birth procedures exactly once through ${KILLS} SIGKILLs of the runner`, async () => {
  const lives: string[] = [];
  for (let life = 0; life < KILLS; life++) {
    const runner = startRunner();
    // Most lives die while running procedures, after a random amount of work; every third at any
    // moment of its start.
    if (life % 3 !== 2) {
      await runner.readyWithin(60_000);
      const target = (await procedureEvents()) + random(10, Math.max(20, BIRTHS / 2));
      await until(async () => (await procedureEvents()) >= target, `${target} procedure events`, 60_000, {
        everyMs: random(5, 50),
      });
    } else {
      await pause(random(0, 3_000));
    }
    await runner.kill('SIGKILL');
    lives.push(`kill ${life + 1}: ${await procedureEvents()} procedure events, ${await completed()} completed`);
  }
  const last = startRunner();
  await until(async () => (await completed()) >= BIRTHS, `${BIRTHS} completed procedures`, 600_000, {
    everyMs: 200,
    progress: () => lives.at(-1) ?? '',
  });
  await last.kill('SIGTERM');

  // Each procedure: started, both steps done, one request, one reply applied, completed: once each.
  const { rows } = await pool.query<{ type: string; streams: number; min: number; max: number }>(
    `SELECT type, count(*)::int AS streams, min(n)::int AS min, max(n)::int AS max FROM (
       SELECT stream_id, type, count(*) AS n FROM es_events WHERE stream_id LIKE 'procedure-%' GROUP BY 1, 2) t
     GROUP BY type ORDER BY type`,
  );
  expect(rows).toEqual([
    { type: 'ProcedureCompleted', streams: BIRTHS, min: 1, max: 1 },
    { type: 'ProcedureStarted', streams: BIRTHS, min: 1, max: 1 },
    { type: 'ProcedureStepDone', streams: BIRTHS, min: 2, max: 2 },
    { type: 'ServiceReplyApplied', streams: BIRTHS, min: 1, max: 1 },
    { type: 'ServiceRequested', streams: BIRTHS, min: 1, max: 1 },
  ]);
  // Each child: the birth and one residence, nothing more.
  const { rows: children } = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM es_events WHERE stream_id LIKE 'citizen-%' AND type = 'PermanentResidenceRegistered'
     GROUP BY stream_id`,
  );
  expect(children).toHaveLength(BIRTHS);
  expect(children.every((child) => child.n === 1)).toBe(true);
  // The agency saw every procedure's request; a request id re-sent after a crash carries the same bytes.
  const mine = agency.received.filter((request) => procedureIds.has(request.requestId.split('.')[0]));
  const byRequest = new Map<string, Buffer[]>();
  for (const request of mine)
    byRequest.set(request.requestId, [...(byRequest.get(request.requestId) ?? []), request.bytes]);
  expect(byRequest.size).toBe(BIRTHS);
  for (const copies of byRequest.values()) expect(copies.every((copy) => copy.equals(copies[0]))).toBe(true);
  console.log(
    [
      `procedure runner kill test: ${BIRTHS} births, ${KILLS} SIGKILLs`,
      ...lives.map((line) => `  ${line}`),
      `  ${mine.length} requests received for ${byRequest.size} request ids (${mine.length - byRequest.size} re-sent after crashes, all identical)`,
    ].join('\n'),
  );
}, 900_000);
