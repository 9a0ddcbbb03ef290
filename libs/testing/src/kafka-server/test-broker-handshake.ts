import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * Jest's global setup starts the test run's broker in the background (suites without Kafka need
 * not wait for a JVM) and writes where it answers to a file named by TEST_KAFKA_STATE; Kafka
 * suites wait for that file.
 */
export type TestBrokerState = { brokers: string[]; description: string } | { error: string };

export function writeTestBrokerState(file: string, state: TestBrokerState): void {
  writeFileSync(file, JSON.stringify(state));
}

/** The run's brokers: KAFKA_BROKERS when set, else the broker the global setup started. */
export async function testBrokers(timeoutMs = 180_000): Promise<{ brokers: string[]; description: string }> {
  const external = process.env.KAFKA_BROKERS?.split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  if (external?.length) return { brokers: external, description: `Kafka at ${external.join(',')}` };
  const file = process.env.TEST_KAFKA_STATE;
  if (!file)
    throw new Error('no Kafka for this test: run it through jest (its global setup starts one) or set KAFKA_BROKERS');
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`the test broker did not start within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const state = JSON.parse(readFileSync(file, 'utf8')) as TestBrokerState;
  if ('error' in state) throw new Error(`the test broker did not start: ${state.error}`);
  return state;
}
