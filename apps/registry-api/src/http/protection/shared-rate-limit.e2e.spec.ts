import { randomBytes, randomUUID } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { Redis } from 'ioredis';
import { ApiHarness, type Answer } from '../../test-support/api-harness';

/**
 * Rate limits shared by API processes through Redis (ADR 0041): two API instances configured
 * with the same Redis count one caller's requests together, against the real Redis server
 * (TEST_REDIS_URL, default the local one); without it each instance counts alone. A Redis that
 * cannot be reached does not turn requests into errors.
 */
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const LIMIT = 6;
const SECRET = randomBytes(32).toString('hex');
const jwt = new JwtService({ secret: SECRET, signOptions: { algorithm: 'HS256', expiresIn: '1h' } });
const statistics = '/v1/statistics/population?provinceCode=001&date=2024-01-01';

describe('rate limits across API processes', () => {
  const saved = { ...process.env };
  const namespace = `registry-rate-limit-test-${randomUUID()}:`;
  let redis: Redis;

  beforeAll(() => {
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    const keys = await redis.keys(`${namespace}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
    process.env = saved;
  });

  /** Two API instances with the same secret and the given rate-limit settings. */
  async function twoInstances(env: Record<string, string>): Promise<[ApiHarness, ApiHarness]> {
    const settings = {
      REGISTRY_JWT_SECRET: SECRET,
      RATE_LIMIT_PER_MINUTE: String(LIMIT),
      RATE_LIMIT_PER_MINUTE_PER_ADDRESS: '1000000',
      PROJECTOR_ENABLED: 'false',
      ...env,
    };
    return [
      await ApiHarness.start('postgresql', { env: settings }),
      await ApiHarness.start('postgresql', { env: settings }),
    ];
  }

  let lastAnswer: Answer | undefined;

  /** One caller's requests, alternating between the instances: the statuses in order. */
  async function alternate(apis: [ApiHarness, ApiHarness], count: number): Promise<number[]> {
    const token = jwt.sign({ sub: `caller-${randomUUID()}`, roles: ['historian'] });
    const statuses: number[] = [];
    for (let i = 0; i < count; i++) {
      lastAnswer = await apis[i % 2].call('GET', statistics, { token });
      statuses.push(lastAnswer.status);
    }
    return statuses;
  }

  it('counts one caller across instances sharing Redis: refused with 429 once the limit is spent in total', async () => {
    const apis = await twoInstances({ RATE_LIMIT_REDIS_URL: REDIS_URL, RATE_LIMIT_REDIS_NAMESPACE: namespace });
    try {
      const statuses = await alternate(apis, LIMIT + 2);
      expect(statuses.slice(0, LIMIT)).toEqual(Array(LIMIT).fill(200));
      expect(statuses.slice(LIMIT)).toEqual([429, 429]);
      expect(lastAnswer!.body.error.code).toBe('RATE_LIMITED');
      expect(Number(lastAnswer!.headers['retry-after'])).toBeGreaterThan(0);
      const other = await apis[0].call('GET', statistics, { token: jwt.sign({ sub: 'other', roles: ['historian'] }) });
      expect(other.status).toBe(200); // another caller has a counter of its own
      expect((await redis.keys(`${namespace}*`)).length).toBeGreaterThan(0); // the counters are in Redis
    } finally {
      await Promise.all(apis.map((api) => api.stop()));
    }
  });

  it('without a shared store, counts in each instance alone', async () => {
    const apis = await twoInstances({ RATE_LIMIT_REDIS_URL: '' });
    try {
      const statuses = await alternate(apis, LIMIT * 2);
      expect(statuses).toEqual(Array(LIMIT * 2).fill(200));
    } finally {
      await Promise.all(apis.map((api) => api.stop()));
    }
  });

  it('answers as usual (no limit, no 5xx) while the Redis store cannot be reached', async () => {
    const unreachable = 'redis://127.0.0.1:1'; // nothing listens on port 1
    const apis = await twoInstances({ RATE_LIMIT_REDIS_URL: unreachable, RATE_LIMIT_REDIS_NAMESPACE: namespace });
    try {
      expect(await alternate(apis, LIMIT + 2)).toEqual(Array(LIMIT + 2).fill(200));
    } finally {
      await Promise.all(apis.map((api) => api.stop()));
    }
  });
});
