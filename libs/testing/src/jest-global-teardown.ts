import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { testRun } from './jest-global-setup';

/** Stops the run's Kafka broker cleanly (a broker left by a killed run is cleaned up by the next start). */
export default async function globalTeardown(): Promise<void> {
  const cluster = await testRun.registryTestKafka;
  await cluster?.stop();
  if (process.env.TEST_KAFKA_STATE) rmSync(dirname(process.env.TEST_KAFKA_STATE), { recursive: true, force: true });
}
