import { ApiHarness } from '../../test-support/api-harness';

/** Token lifetime (issue 10 item 4), rate limits and security headers, on the whole API. */
describe('request protection', () => {
  let api: ApiHarness;
  const saved = { ...process.env };

  beforeAll(async () => {
    Object.assign(process.env, {
      RATE_LIMIT_PER_MINUTE: '8',
      RATE_LIMIT_PER_MINUTE_PER_ADDRESS: '30',
      REGISTRY_JWT_MAX_LIFETIME_SECONDS: '3600',
    });
    api = await ApiHarness.start();
  });
  afterAll(async () => {
    await api.stop();
    process.env = saved;
  });

  const officer = { roles: ['officer'], office: '001' };
  const now = () => Math.floor(Date.now() / 1000);
  const statistics = '/v1/statistics/population?provinceCode=001';

  it('refuses a token without exp with 401', async () => {
    const answer = await api.call('GET', statistics, { token: api.rawToken({ sub: 'no-exp', roles: ['historian'] }) });
    expect(answer.status).toBe(401);
    expect(answer.body.error.code).toBe('UNAUTHENTICATED');
    expect(answer.body.error.message).toMatch(/exp/);
  });

  it('refuses a token that lives longer than the configured maximum, and accepts one within it', async () => {
    const long = api.rawToken({ sub: 'long', roles: ['historian'], iat: now(), exp: now() + 7200 });
    expect((await api.call('GET', statistics, { token: long })).status).toBe(401);
    const noIat = api.rawToken({ sub: 'long-no-iat', roles: ['historian'], exp: now() + 7200 });
    expect((await api.call('GET', statistics, { token: noIat })).status).toBe(401);
    const fine = api.rawToken({ sub: 'fine', roles: ['historian'], iat: now(), exp: now() + 3000 });
    expect((await api.call('GET', statistics, { token: fine })).status).toBe(200);
  });

  it('refuses an expired token beyond the clock skew, accepts one within it', async () => {
    const expired = api.rawToken({ sub: 'old', roles: ['historian'], iat: now() - 600, exp: now() - 120 });
    expect((await api.call('GET', statistics, { token: expired })).status).toBe(401);
    const skewed = api.rawToken({ sub: 'skewed', roles: ['historian'], iat: now() - 600, exp: now() - 5 });
    expect((await api.call('GET', statistics, { token: skewed })).status).toBe(200);
  });

  it('answers 429 RATE_LIMITED with Retry-After past the per-caller limit, other callers unaffected', async () => {
    const token = api.token({ ...officer, sub: 'busy' } as never);
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await api.call('GET', '/v1/citizens/001224001234', { token })).status);
    expect(statuses.slice(0, 8).every((s) => s !== 429)).toBe(true);
    const refused = await api.call('GET', '/v1/citizens/001224001234', { token });
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({ error: { code: 'RATE_LIMITED', message: expect.any(String), details: [] } });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(
      (await api.call('GET', '/v1/citizens/001224001234', { token: api.token({ ...officer, sub: 'calm' } as never) }))
        .status,
    ).not.toBe(429);
  });

  it('limits one address however many bad tokens it sends', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) {
      statuses.push(
        (await api.call('GET', statistics, { token: `not-a-token-${i}`, headers: { 'x-forwarded-for': '' } })).status,
      );
    }
    expect(statuses.filter((s) => s === 401).length).toBeGreaterThan(0);
    expect(statuses.at(-1)).toBe(429);
  });

  it('sends security headers (helmet) on API answers', async () => {
    const answer = await api.call('GET', '/health', { token: null });
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
    expect(answer.headers['strict-transport-security']).toMatch(/max-age=/);
    expect(answer.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(answer.headers['x-frame-options']).toBe('SAMEORIGIN');
  });
});
