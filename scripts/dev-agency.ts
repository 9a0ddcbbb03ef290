/*
 * A reference agency for demos and tests: answers the registry's service requests over Kafka.
 *
 *   npm run dev:agency -- vss [--refuse | --refuse-first] [--delay <ms>] [--twice]
 *
 * Brokers from KAFKA_BROKERS (default 127.0.0.1:9092). Ctrl+C stops it.
 */
import { Kafka, logLevel } from 'kafkajs';
import { ReferenceAgency, type AgencyBehaviour } from '@registry/procedures/reference-agency/reference-agency';

function behaviourFrom(args: readonly string[]): AgencyBehaviour {
  const delayAt = args.indexOf('--delay');
  const delayMs = delayAt >= 0 ? Number(args[delayAt + 1]) : 0;
  if (!Number.isInteger(delayMs) || delayMs < 0) throw new Error('--delay takes milliseconds');
  const decision = args.includes('--refuse') ? 'refuse' : args.includes('--refuse-first') ? 'refuse-first' : 'grant';
  return { decision, delayMs, replyTwice: args.includes('--twice') };
}

async function main(): Promise<void> {
  const [agencyId, ...options] = process.argv.slice(2);
  if (!agencyId || agencyId.startsWith('-') || options.includes('--help')) {
    console.log('usage: npm run dev:agency -- <agencyId> [--refuse | --refuse-first] [--delay <ms>] [--twice]');
    process.exit(agencyId ? 0 : 2);
  }
  const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
  const kafka = new Kafka({ clientId: `reference-agency-${agencyId}`, brokers, logLevel: logLevel.WARN });
  const agency = new ReferenceAgency(kafka, agencyId, behaviourFrom(options));
  await agency.start();
  console.log(`reference agency ${agencyId} answering on ${brokers.join(',')} (${JSON.stringify(agency.behaviour)})`);
  const stop = () => void agency.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
