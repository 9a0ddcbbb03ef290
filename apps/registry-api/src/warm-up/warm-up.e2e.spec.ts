import type { Pool, PoolClient } from 'pg';
import { PG_POOL } from '@registry/platform';
import { ApiHarness } from '../test-support/api-harness';

describe('warm-up before the API listens', () => {
  let api: ApiHarness;

  beforeAll(async () => {
    api = await ApiHarness.start('postgresql', { ownDatabase: true, env: { DATABASE_POOL_SIZE: '6' } });
  }, 120_000);
  afterAll(() => api.stop());

  it('opens every connection of the pool and prepares the lookup on each', async () => {
    const pool = api.app.get<Pool>(PG_POOL);
    expect(pool.totalCount).toBe(6);
    // The idle ones, held at once (the projector may hold others): the pool opens no new one.
    const idle = pool.idleCount;
    expect(idle).toBeGreaterThan(2);
    const clients: PoolClient[] = await Promise.all(Array.from({ length: idle }, () => pool.connect()));
    try {
      for (const client of clients) {
        const { rows } = await client.query<{ name: string }>('SELECT name FROM pg_prepared_statements');
        expect(rows.map((row) => row.name)).toContain('read_model_citizen_records');
      }
    } finally {
      clients.forEach((client) => client.release());
    }
    expect(pool.totalCount).toBe(6);
  });
});
