/*
 * A real Apache Kafka broker for development (npm run dev:kafka): one KRaft node (controller +
 * broker) from the jars of infra/kafka (fetched with Maven on first use; needs Java 17 and
 * Maven 3.8 on PATH), in the foreground until Ctrl+C. Fresh storage each start; a broker left
 * by a killed run is cleaned up first. With Docker, infra/compose.yaml runs Kafka instead.
 *
 *   KAFKA_PORT   broker port on 127.0.0.1 (default 9092)
 */
import { startKafkaCluster } from '@registry/testing/kafka-server';

async function main(): Promise<void> {
  const port = Number(process.env.KAFKA_PORT ?? 9092);
  if (!Number.isInteger(port) || port <= 0 || port > 65535)
    throw new Error(`invalid KAFKA_PORT: ${process.env.KAFKA_PORT}`);
  console.log('starting Apache Kafka (KRaft, one node)...');
  const cluster = await startKafkaCluster({ name: 'dev', port, fullJit: true });
  console.log(
    `Apache Kafka ${cluster.version} listening on ${cluster.brokers.join(',')} ` +
      `(data in ${cluster.runDir}, deleted on stop; Ctrl+C to stop)`,
  );

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal} received, stopping Kafka`);
    cluster.stop().then(
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
