import { ApiHarness } from '../test-support/api-harness';
import { RequestRehearsal } from './request-rehearsal';

describe('requests rehearsed before the API listens', () => {
  let api: ApiHarness;
  let pin: string;

  beforeAll(async () => {
    // Low limits: the rehearsal's thousands of requests would be refused (429) if any limit counted them.
    api = await ApiHarness.start('postgresql', {
      env: { RATE_LIMIT_PER_MINUTE: '100', RATE_LIMIT_PER_MINUTE_PER_ADDRESS: '100' },
    });
    pin = await api.registerCitizen({ familyName: 'Rehearsal' });
    expect((await api.projected(pin, 0)).status).toBe(200);
  }, 120_000);
  afterAll(() => api.stop());

  const count = async (sql: string): Promise<number> => (await api.pool.query<{ n: number }>(sql)).rows[0].n;
  const written = () =>
    Promise.all([
      count('SELECT count(*)::int AS n FROM audit_records'),
      count('SELECT count(*)::int AS n FROM audit_batches'),
      // No identity value used either (audit rows and batches take theirs from this sequence).
      count('SELECT last_value::int AS n FROM audit_log_id_seq'),
      count('SELECT count(*)::int AS n FROM es_events'),
      count('SELECT count(*)::int AS n FROM citizen_records'),
      count('SELECT count(*)::int AS n FROM api_idempotency'),
    ]);

  it('answers lookups, searches and refused births, and writes nothing', async () => {
    const before = await written();
    const { answers, cpuMicrosPerRequest } = await api.app.get(RequestRehearsal).run({ requests: 2000, ms: 30_000 });
    expect(answers['lookup 200']).toBeGreaterThan(0);
    expect(answers['search 200']).toBeGreaterThan(0);
    expect(answers['birth 422']).toBeGreaterThan(0);
    // Only those: no 401 (the in-process token was taken), no 429 (no rate limit counted them).
    expect(Object.keys(answers).sort()).toEqual(['birth 422', 'lookup 200', 'search 200']);
    expect(Object.values(answers).reduce((sum, n) => sum + n, 0)).toBe(2000);
    expect(cpuMicrosPerRequest).toHaveLength(2);
    // No audit record, no identity value used, no event, no citizen, no idempotency key.
    expect(await written()).toEqual(before);
  }, 60_000);

  it('leaves reads audited and its token unusable afterwards', async () => {
    const records = await count('SELECT count(*)::int AS n FROM audit_records');
    const token = api.token({ roles: ['historian'] });
    expect((await api.call('GET', `/v1/citizens/${pin}`, { token })).status).toBe(200);
    expect(await count('SELECT count(*)::int AS n FROM audit_records')).toBe(records + 1);
    const { rows } = await api.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM audit_records WHERE sub = 'registry-warm-up'",
    );
    expect(rows[0].n).toBe(0);
  });

  it('does nothing when WARM_UP_MS or WARM_UP_REQUESTS is 0', async () => {
    expect(await api.app.get(RequestRehearsal).run({ requests: 1000, ms: 0 })).toEqual({
      answers: {},
      cpuMicrosPerRequest: [],
    });
  });
});
