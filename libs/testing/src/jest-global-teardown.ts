// Jest loads its global teardown outside the module mapper, hence the relative imports.
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { dropDatabase } from '../../platform/src/database/ensure-database';
import { testRun } from './jest-global-setup';
import { testDatabaseUrl } from './test-database-url';

/**
 * Stops the run's Kafka broker cleanly (a broker left by a killed run is cleaned up by the next
 * start), and drops a fresh test database (TEST_FRESH_DATABASE=1, as CI runs): clean clones leave nothing behind.
 */
export default async function globalTeardown(): Promise<void> {
  const cluster = await testRun.registryTestKafka;
  await cluster?.stop();
  if (process.env.TEST_KAFKA_STATE) rmSync(dirname(process.env.TEST_KAFKA_STATE), { recursive: true, force: true });
  if (process.env.TEST_FRESH_DATABASE === '1') await dropDatabase(testDatabaseUrl(), { force: true });
}
