import { Kafka, logLevel, type logCreator } from 'kafkajs';
import type { RelayLogger } from './change-feed-relay';

/** kafkajs logs through the registry's logger; warnings and errors only (its info level is chatty). */
function kafkaLogs(logger: RelayLogger): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const text = `kafkajs ${namespace}: ${log.message}`;
      if (level === logLevel.ERROR) logger.error(text);
      else if (level === logLevel.WARN) logger.warn(text);
    };
}

export function createKafka(options: { brokers: readonly string[]; clientId: string }, logger: RelayLogger): Kafka {
  return new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    logLevel: logLevel.WARN,
    logCreator: kafkaLogs(logger),
  });
}
