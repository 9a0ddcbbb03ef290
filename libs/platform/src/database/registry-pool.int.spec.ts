import { testDatabaseUrl, until } from '@registry/testing';
import { readRegistryConfig, ConfigurationError } from '../config/registry-config';
import { registryPool } from './database.module';

/**
 * A new connection is a new, cold server backend (catalogue caches, plans, PL/pgSQL compiled
 * again): the registry's pool keeps the ones it opened (the warm-up's among them) through quiet
 * spells unless DATABASE_IDLE_TIMEOUT_MS asks for them to be closed.
 */
describe('the registry pool and its idle connections', () => {
  const configWith = (idle?: string) =>
    readRegistryConfig({
      DATABASE_URL: testDatabaseUrl(),
      DATABASE_POOL_SIZE: '2',
      ...(idle === undefined ? {} : { DATABASE_IDLE_TIMEOUT_MS: idle }),
    });

  it('keeps idle connections by default, and closes them after DATABASE_IDLE_TIMEOUT_MS when set', async () => {
    const keeping = registryPool(configWith());
    const closing = registryPool(configWith('50'));
    try {
      await Promise.all([keeping.query('SELECT 1'), closing.query('SELECT 1')]);
      expect([keeping.idleCount, closing.idleCount]).toEqual([1, 1]);
      // Both released at the same moment: once the 50 ms pool has closed its connection, the default one still has its own.
      await until(() => closing.idleCount === 0, 'the 50 ms pool to close its idle connection', 5_000);
      expect(keeping.idleCount).toBe(1);
      expect(keeping.totalCount).toBe(1);
    } finally {
      await Promise.all([keeping.end(), closing.end()]);
    }
  });

  it('refuses a timeout that is not a whole number of milliseconds', () => {
    expect(() => configWith('-1')).toThrow(ConfigurationError);
    expect(() => configWith('ten')).toThrow(ConfigurationError);
    expect(configWith('0').databaseIdleTimeoutMs).toBe(0);
  });
});
