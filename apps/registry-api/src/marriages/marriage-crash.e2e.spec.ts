import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { JwtService } from '@nestjs/jwt';
import { Pool, type PoolClient } from 'pg';
import { PostgresEventStore, StreamNotFoundError, type RecordedEvent } from '@registry/event-store';
import { dropDatabase, ensureDatabase, testDatabaseUrl, until as untilThen } from '@registry/testing';
import { birthApplication } from '../test-support/birth-application';

/**
 * The marriage writer SIGKILLed between the two spouses' appends, 10 times (ADR 0018). The test
 * holds the second spouse's stream row locked, so the writer's second append waits; once the
 * first spouse's side is in the store, the writer is killed and its waiting statement ended
 * (pg_terminate_backend, in this test's own database). In half the rounds the second spouse then
 * marries someone else before recovery. After a restart (whose recovery sweep resumes the
 * marriage), no person is married twice or half-married: asserted on the event store.
 */
const ROOT = join(__dirname, '..', '..', '..', '..');
// The figure, 10 (about a minute); MARRIAGE_CRASH_ROUNDS=n runs n.
const ROUNDS = Number(process.env.MARRIAGE_CRASH_ROUNDS ?? 10);
const SECRET = randomBytes(32).toString('hex');
const token = new JwtService({ secret: SECRET, signOptions: { algorithm: 'HS256', expiresIn: '1h' } }).sign({
  sub: 'crash-test',
  roles: ['officer'],
  office: '001',
});

let url: string;
let pool: Pool;
let store: PostgresEventStore;
let server: ServerProcess | undefined;

beforeAll(async () => {
  const scratch = new URL(testDatabaseUrl());
  scratch.pathname = `/registry_test_marriage_crash_${randomBytes(4).toString('hex')}`;
  url = scratch.toString();
  await ensureDatabase(url, true);
  pool = new Pool({ connectionString: url, max: 4 });
  pool.on('error', () => undefined);
  store = new PostgresEventStore(pool);
});

afterAll(async () => {
  await server?.kill();
  await store?.close();
  await pool?.end();
  await dropDatabase(url, { force: true });
});

it(`leaves no one married twice or half-married after ${ROUNDS} SIGKILLs between the spouses' appends`, async () => {
  let previous: Round | undefined;
  for (let round = 0; round < ROUNDS; round++) {
    // Each start's recovery sweep settles the round the previous life was killed in.
    server = await ServerProcess.start(url, { MARRIAGE_RECOVERY_GRACE_MS: '0' });
    if (previous) await settledAfterRecovery(previous);
    previous = await crashRound(server, round);
  }
  server = await ServerProcess.start(url, { MARRIAGE_RECOVERY_GRACE_MS: '0' });
  await settledAfterRecovery(previous!);
  await assertNoOneMarriedTwiceOrHalfMarried();
  console.log(`marriage crash test: ${ROUNDS} SIGKILLs, each between the spouses' appends of two marriages`);
}, 900_000);

interface Round {
  readonly round: number;
  readonly first: string;
  readonly second: string;
  readonly rival: string;
}

/**
 * Two marriages wait on the second spouse's stream: (first, second), whose first side is in, and
 * (rival, second). The writer is killed there. Recovery resumes them in log order: the first is
 * completed, the rival's is refused and any side of it withdrawn.
 */
async function crashRound(writer: ServerProcess, round: number): Promise<Round> {
  const [first, second] = [await writer.person('male', round), await writer.person('female', round)].sort();
  const rival = await writer.person('male', round + 28);
  const lock = await lockStream(`citizen-${second}`);
  const answers = [writer.marry([first, second]).catch(() => undefined)];
  await until(async () => marriedTo(await events(first)).includes(second), 'the first side is in the store');
  answers.push(writer.marry([rival, second]).catch(() => undefined));
  // The rival's side is in; its append on the second spouse queues behind the first marriage's.
  await until(async () => marriedTo(await events(rival)).includes(second), "the rival's first side is in the store");
  expect(await waitingOnLocks()).toBeGreaterThanOrEqual(1);
  expect(marriedTo(await events(second))).toEqual([]); // half-married: the crash window
  await writer.kill();
  await lock.release(); // ends the killed writer's waiting appends first
  await Promise.all(answers); // no answer: the writer died
  return { round, first, second, rival };
}

async function settledAfterRecovery({ round, first, second, rival }: Round): Promise<void> {
  const settled = async () => {
    const [a, b, r] = await Promise.all([first, second, rival].map(async (pin) => marriedTo(await events(pin))));
    return a.join() === second && b.join() === first && r.length === 0;
  };
  await until(settled, 'the recovery sweep settles the marriages').catch(async (error: Error) => {
    const streams = await Promise.all(
      [first, second, rival].map(async (pin) => (await events(pin)).map((e) => e.type)),
    );
    throw new Error(`${error.message} (round ${round}: ${JSON.stringify(streams)}) ${server?.log()}`);
  });
}

async function waitingOnLocks(): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
  );
  return rows[0].n;
}

async function assertNoOneMarriedTwiceOrHalfMarried(): Promise<void> {
  const { rows } = await pool.query<{ stream_id: string }>(
    "SELECT stream_id FROM es_streams WHERE stream_id LIKE 'citizen-%'",
  );
  for (const { stream_id } of rows) {
    const pin = stream_id.slice('citizen-'.length);
    const spouses = marriedTo(await events(pin));
    expect(spouses.length).toBeLessThanOrEqual(1);
    for (const spouse of spouses) expect(marriedTo(await events(spouse))).toEqual([pin]);
  }
}

/** Spouses a stream holds a marriage with, registrations less withdrawals. */
function marriedTo(stream: readonly RecordedEvent[]): string[] {
  const spouses: string[] = [];
  for (const event of stream) {
    const spouse = String(event.data.spousePin);
    if (event.type === 'MarriageRegistered') spouses.push(spouse);
    if (event.type === 'MarriageWithdrawn') spouses.splice(spouses.indexOf(spouse), 1);
  }
  return spouses;
}

async function events(pin: string): Promise<RecordedEvent[]> {
  try {
    return await store.readStream(`citizen-${pin}`);
  } catch (error) {
    if (error instanceof StreamNotFoundError) return [];
    throw error;
  }
}

/** Holds a stream's row lock, so that an append to it waits. */
async function lockStream(streamId: string): Promise<{ release(): Promise<void> }> {
  const client: PoolClient = await pool.connect();
  await client.query('BEGIN');
  await client.query('SELECT 1 FROM es_streams WHERE stream_id = $1 FOR UPDATE', [streamId]);
  return {
    async release() {
      // The killed writer's append still waits on the lock in its backend: end it, in this
      // test's own database only, before letting go.
      await pool.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
      );
      await client.query('ROLLBACK');
      client.release();
    },
  };
}

const until = (condition: () => Promise<boolean>, what: string, timeoutMs = 60_000) =>
  untilThen(condition, what, timeoutMs, { everyMs: 0 });

class ServerProcess {
  private stderr = '';

  private constructor(
    private readonly child: ChildProcess,
    private readonly port: number,
  ) {
    child.stderr!.on('data', (chunk) => (this.stderr += chunk));
  }

  static async start(databaseUrl: string, env: Record<string, string>): Promise<ServerProcess> {
    const port = await freePort();
    const child = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/registry-api/src/main.ts'], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: databaseUrl,
        PORT: String(port),
        REGISTRY_JWT_SECRET: SECRET,
        PROJECTOR_ENABLED: 'false',
        LOG_LEVEL: 'warn',
        // A short rehearsal before listening (ADR 0115): restarts under test stay quick.
        WARM_UP_REQUESTS: '500',
        ...env,
      },
    });
    const server = new ServerProcess(child, port);
    const answers = async () => {
      if (child.exitCode !== null) throw new Error(`the server exited: ${server.stderr}`);
      return fetch(`http://127.0.0.1:${port}/health`).then(
        (r) => r.status < 500,
        () => false,
      );
    };
    // Compiling and starting the whole registry takes long on a loaded machine.
    await until(answers, 'the server answers', 240_000).catch(async (error: unknown) => {
      await server.kill();
      throw error;
    });
    return server;
  }

  async person(sex: 'male' | 'female', round: number): Promise<string> {
    const year = sex === 'male' ? 1980 : 1985;
    const body = birthApplication({}, { sex, dateOfBirth: `${year}-01-${String((round % 28) + 1).padStart(2, '0')}` });
    const answer = await this.post('/v1/births', body);
    expect(answer.status).toBe(201);
    return answer.body.pin;
  }

  log(): string {
    return this.stderr.slice(-3000);
  }

  marry(spouses: string[]) {
    return this.post('/v1/marriages', { spouses, date: '2024-05-20', registrationProvinceCode: '001' });
  }

  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGKILL');
    await exited;
  }

  private async post(path: string, body: unknown): Promise<{ status: number; body: any }> {
    const response = await fetch(`http://127.0.0.1:${this.port}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}
