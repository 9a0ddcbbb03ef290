/*
 * Standalone Kafka-protocol test broker for local development (npm run dev:kafka).
 * In-memory and single-node: everything is lost when it stops. Not for production use.
 *
 *   KAFKA_TEST_BROKER_PORT   port to listen on (default 9092)
 *   KAFKA_TEST_BROKER_HOST   interface to listen on (default 127.0.0.1)
 */
import { startKafkaTestBroker } from '@registry/testing/kafka-broker';

async function main(): Promise<void> {
  const port = Number(process.env.KAFKA_TEST_BROKER_PORT ?? 9092);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`invalid KAFKA_TEST_BROKER_PORT: ${process.env.KAFKA_TEST_BROKER_PORT}`);
  const host = process.env.KAFKA_TEST_BROKER_HOST ?? '127.0.0.1';

  const broker = await startKafkaTestBroker({ host, port });
  console.log(`Kafka test broker listening on ${broker.brokers.join(',')} (in-memory, Ctrl+C to stop)`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal} received, stopping Kafka test broker`);
    broker.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
