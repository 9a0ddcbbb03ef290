// Jest loads its global setup outside the module mapper, hence the relative imports.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDatabase } from '../../platform/src/database/ensure-database';
import { testDatabaseUrl } from './test-database-url';
import { startKafkaCluster, type KafkaCluster } from './kafka-server/kafka-cluster';
import { writeTestBrokerState } from './kafka-server/test-broker-handshake';

/** The broker of this run, for the global teardown (Jest shares globals between the two). */
export const testRun = globalThis as { registryTestKafka?: Promise<KafkaCluster | null> };

/**
 * Creates the test database when missing (TEST_FRESH_DATABASE=1 starts from an empty one) and
 * starts one real Kafka broker for the whole run, unless KAFKA_BROKERS names one or only unit
 * tests run. The broker starts in the background; Kafka suites wait for it (testBrokers()).
 */
export default async function globalSetup(globalConfig: { testPathPattern?: string }): Promise<void> {
  const url = testDatabaseUrl();
  const unitOnly = /unit/.test(globalConfig.testPathPattern ?? '');
  // TEST_KAFKA=off: suites that start their own cluster (npm run test:kafka-fault).
  if (!process.env.KAFKA_BROKERS && !unitOnly && process.env.TEST_KAFKA !== 'off') {
    const stateFile = join(mkdtempSync(join(tmpdir(), 'registry-test-kafka-')), 'brokers.json');
    process.env.TEST_KAFKA_STATE = stateFile;
    testRun.registryTestKafka = startKafkaCluster({ name: 'jest' }).then(
      (cluster) => {
        writeTestBrokerState(stateFile, {
          brokers: cluster.brokers,
          description: `Apache Kafka ${cluster.version} (single KRaft node) at ${cluster.brokers.join(',')}`,
        });
        return cluster;
      },
      (error: Error) => {
        writeTestBrokerState(stateFile, { error: error.message });
        return null;
      },
    );
  }
  await ensureDatabase(url, process.env.TEST_FRESH_DATABASE === '1');
}
