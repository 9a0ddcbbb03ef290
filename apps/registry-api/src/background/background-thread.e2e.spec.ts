import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { dropDatabase, ensureDatabase, testDatabaseUrl } from '@registry/testing';
import { ApiProcess } from '../faults/test-support/api-process';
import { birthApplication } from '../test-support/birth-application';
import { BACKGROUND_APPLICATION_NAME, backgroundThreadWanted } from './background-thread';

/**
 * `npm start`'s entry with BACKGROUND_THREAD=on (ADR 0135), in its own process on a database of
 * this test's own: the projector and the procedure runner work from their thread, on connections
 * of their own, and SIGTERM stops both threads cleanly.
 */
describe('the projector, procedure runner and relay in a thread of their own', () => {
  const url = new URL(testDatabaseUrl());
  url.pathname = `/registry_test_background_${randomBytes(4).toString('hex')}`;
  let api: ApiProcess;
  let pool: Pool;

  beforeAll(async () => {
    await ensureDatabase(url.toString(), true);
    api = await ApiProcess.start(url.toString(), { BACKGROUND_THREAD: 'on', LOG_LEVEL: 'info' });
    pool = new Pool({ connectionString: url.toString(), max: 2 });
  }, 90_000);

  afterAll(async () => {
    await api?.stop();
    await pool?.end();
    await dropDatabase(url.toString());
  });

  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${api.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${api.token()}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any };
  };

  async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
    for (const deadline = Date.now() + 20_000; ;) {
      const value = await read();
      if (done(value) || Date.now() > deadline) return value;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  it('projects a birth and runs its procedure from the background thread, on its own connections', async () => {
    // Born today with a home: the birth procedure registers the child's residence (libs/procedures).
    const home = { provinceCode: '001', communeCode: '00004', line: '12 Phố Huế' };
    const dateOfBirth = new Date().toISOString().slice(0, 10);
    const birth = await call(
      'POST',
      '/v1/births',
      birthApplication({ permanentResidence: home }, { givenName: 'Luồng', dateOfBirth }),
    );
    expect(birth.status).toBe(201);
    const read = await call('GET', `/v1/citizens/${birth.body.pin}?minRevision=0`);
    expect(read.status).toBe(200);
    expect(read.body.name.givenName).toBe('Luồng');
    const procedure = await eventually(
      () => call('GET', `/v1/procedures/${birth.body.procedureId}`),
      (answer) => answer.body.steps?.some((s: { name: string; status: string }) => s.status === 'done'),
    );
    expect(procedure.body.steps).toContainEqual(
      expect.objectContaining({ name: 'permanent_residence', status: 'done' }),
    );
    // The projector's checkpoints are written by connections the API's thread does not open.
    const { rows } = await pool.query<{ name: string }>(
      'SELECT DISTINCT application_name AS name FROM pg_stat_activity WHERE datname = $1',
      [url.pathname.slice(1)],
    );
    expect(rows.map((r) => r.name)).toContain(BACKGROUND_APPLICATION_NAME);
    expect(api.output.join('')).toContain('BackgroundModule dependencies initialized');
  }, 60_000);

  it('stops both threads on SIGTERM: the thread ends first, then the process, by the signal as Nest re-raises it', async () => {
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      api.child.once('exit', (_, signal) => resolve(signal)),
    );
    api.child.kill('SIGTERM');
    expect(await exited).toBe('SIGTERM');
    expect(api.output.join('')).toContain('stopping: the projector, procedure runner and relay end their batches');
    expect(api.output.join('')).not.toContain('the background thread ended');
  });
});

describe('BACKGROUND_THREAD', () => {
  it('is off by default, on when asked, and off when the environment leaves the thread nothing to run', () => {
    expect(backgroundThreadWanted({})).toBe(false);
    expect(backgroundThreadWanted({ BACKGROUND_THREAD: 'on' })).toBe(true);
    expect(
      backgroundThreadWanted({
        BACKGROUND_THREAD: 'on',
        PROJECTOR_ENABLED: 'false',
        PROCEDURES: 'off',
        CHANGE_FEED_RELAY: 'off',
      }),
    ).toBe(false);
    expect(() => backgroundThreadWanted({ BACKGROUND_THREAD: 'yes' })).toThrow(/on or off/);
  });
});
