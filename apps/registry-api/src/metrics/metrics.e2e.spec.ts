import { ApiHarness } from '../test-support/api-harness';
import { birthApplication } from '../test-support/birth-application';

let api: ApiHarness;
beforeAll(async () => {
  api = await ApiHarness.start('postgresql');
});
afterAll(() => api.stop());

/** The value of one sample of the scrape, or undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text
    .split('\n')
    .find((l) => (l.startsWith(`${name}{`) || l.startsWith(`${name} `) ? wanted.every((w) => l.includes(w)) : false));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('GET /metrics', () => {
  it('serves Prometheus text without a token', async () => {
    const scrape = await api.call('GET', '/metrics', { token: null });
    expect(scrape.status).toBe(200);
    expect(scrape.headers['content-type']).toContain('text/plain');
  });

  it('counts requests per route pattern and status (never the PIN), with latencies, and the appends', async () => {
    const before = (await api.call('GET', '/metrics', { token: null })).body as string;
    const appendedBefore = sample(before, 'registry_events_appended_total')!;
    const born = await api.call('POST', '/v1/births', { body: birthApplication() });
    expect(born.status).toBe(201);
    await api.call('GET', '/v1/citizens/001224999999');
    await api.call('GET', '/v1/citizens/001224999999', { token: null });
    const after = (await api.call('GET', '/metrics', { token: null })).body as string;

    const route = { method: 'GET', route: '/v1/citizens/:pin' };
    expect(sample(after, 'registry_http_requests_total', { ...route, status: '401' })).toBe(1);
    expect(sample(after, 'registry_http_requests_total', { method: 'POST', route: '/v1/births', status: '201' })).toBe(
      1,
    );
    expect(sample(after, 'registry_http_request_duration_seconds_count', { method: 'POST', route: '/v1/births' })).toBe(
      1,
    );
    expect(after).not.toContain('001224999999');
    expect(sample(after, 'registry_events_appended_total')).toBeGreaterThan(appendedBefore);
    expect(sample(after, 'registry_db_pool_connections', { state: 'total' })).toBeGreaterThan(0);
    expect(sample(after, 'registry_projector_lag_events')).toBeGreaterThanOrEqual(0);
  });
});

describe('/health/live and /health/ready', () => {
  it('live answers while the process runs; ready once the database, migrations and read models are', async () => {
    expect((await api.call('GET', '/health/live', { token: null })).status).toBe(200);
    const ready = await api.call('GET', '/health/ready', { token: null });
    expect(ready.status).toBe(200);
    expect(ready.body.checks.map((c: { name: string; ok: boolean }) => [c.name, c.ok])).toEqual([
      ['database', true],
      ['migrations', true],
      ['projector', true],
    ]);
  });

  it('is not ready (503 SERVICE_UNAVAILABLE, Retry-After) when a migration is missing', async () => {
    await api.pool.query(`CREATE TABLE IF NOT EXISTS pgmigrations_api_backup AS SELECT * FROM pgmigrations_api`);
    try {
      await api.pool.query(`DELETE FROM pgmigrations_api`);
      const ready = await api.call('GET', '/health/ready', { token: null });
      expect(ready.status).toBe(503);
      expect(ready.headers['retry-after']).toBe('5');
      expect(ready.body.error).toMatchObject({
        code: 'SERVICE_UNAVAILABLE',
        details: [{ name: 'migrations', ok: false }],
      });
    } finally {
      await api.pool.query(`INSERT INTO pgmigrations_api SELECT * FROM pgmigrations_api_backup`);
      await api.pool.query(`DROP TABLE pgmigrations_api_backup`);
    }
  });
});
