/**
 * The change feed: events per second from the PostgreSQL event store through the relay (kafkajs
 * idempotent producer, protobuf, all agency topics) to a kafkajs consumer group, and the latency
 * from the append's commit to the consumer. Against the in-process Kafka test broker of
 * libs/testing unless KAFKA_BROKERS points at a real Kafka.
 *   npm run bench:feed [-- --citizens 3000 --live-seconds 5 --rate 2000]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Pool } from 'pg';
import {
  AgencyEntitlements,
  CHANGE_FEED_MIGRATIONS,
  CITIZEN_EVENTS_TOPIC,
  ChangeFeedRelay,
  ensureTopics,
  type RelayLogger,
} from '@registry/change-feed';
import { freshPins, lifeOf, toAppend } from '@registry/change-feed/test-support/citizen-lives';
import { consumeFeed, startTestKafka } from '@registry/change-feed/test-support/test-kafka';
import { EVENT_STORE_MIGRATIONS, PostgresEventStore, migrate } from '@registry/event-store';
import { ensureDatabase } from '@registry/platform';
import { drive, machineLine, percentile } from '../shared/conditions';

const { values } = parseArgs({
  options: {
    citizens: { type: 'string', default: '3000' },
    'live-seconds': { type: 'string', default: '5' },
    rate: { type: 'string', default: '2000' },
    'batch-size': { type: 'string', default: '2000' },
    database: { type: 'string', default: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/registry_bench_feed' },
  },
});
const CITIZENS = Number(values.citizens);
const LIVE_SECONDS = Number(values['live-seconds']);
const RATE = Number(values.rate);
const EVENTS_PER_LIFE = lifeOf('001224000000').length;

const quiet: RelayLogger = { log: () => undefined, warn: (m) => console.warn(m), error: (m) => console.error(m) };
const seconds = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e9;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  await ensureDatabase(values.database, true);
  const pool = new Pool({ connectionString: values.database, max: 20 });
  await migrate(pool, EVENT_STORE_MIGRATIONS);
  await migrate(pool, CHANGE_FEED_MIGRATIONS);
  const store = new PostgresEventStore(pool);
  const kafka = await startTestKafka();
  const entitlements = AgencyEntitlements.fromFile(join(process.cwd(), 'config', 'entitlements.json'));
  const topics = [CITIZEN_EVENTS_TOPIC, ...entitlements.all().map((agency) => agency.topic)];
  const admin = kafka.client().admin();
  await admin.connect();
  await ensureTopics(admin, topics, { partitions: 6, replicationFactor: -1, retentionMs: 3_600_000 });
  await admin.disconnect();

  console.log(`change feed benchmark against ${kafka.description}${kafka.local ? ', in this process' : ''}`);
  console.log(machineLine());
  console.log(`topics: ${topics.join(', ')} (6 partitions); relay batch size ${values['batch-size']}`);

  // 1. Backlog: events already in the store when the relay starts (catch-up after downtime).
  const pins = freshPins(CITIZENS);
  const seeding = process.hrtime.bigint();
  await drive(pins.length, 16, (i) => store.append(`citizen-${pins[i]}`, lifeOf(pins[i]).map((event) => toAppend(event)), 'no_stream'));
  const backlog = pins.length * EVENTS_PER_LIFE;
  console.log(`seeded ${backlog} events (${CITIZENS} citizens x ${EVENTS_PER_LIFE}) in ${seconds(seeding).toFixed(1)} s`);

  const consumer = await consumeFeed(kafka.client('bench-consumer'), [CITIZEN_EVENTS_TOPIC]);
  const relay = new ChangeFeedRelay(
    { store, pool, kafka: kafka.client('bench-relay'), entitlements, logger: quiet },
    { relayName: 'bench', batchSize: Number(values['batch-size']), topics: { partitions: 6, replicationFactor: -1, retentionMs: 3_600_000 }, reportEveryMs: 0 },
  );
  const started = process.hrtime.bigint();
  relay.start();
  const unique = new Set<string>();
  let counted = 0;
  const countUnique = () => {
    for (; counted < consumer.records.length; counted++) unique.add(consumer.records[counted].headers['event-id']);
    return unique.size;
  };
  await consumer.until(() => countUnique() >= backlog, 120_000);
  const catchUp = seconds(started);
  const records = relay.status().records;
  console.log(
    `backlog: ${backlog} events store -> relay -> consumer in ${catchUp.toFixed(2)} s: ${Math.round(backlog / catchUp)} events/s ` +
      `(${Math.round(records / catchUp)} Kafka records/s over ${topics.length} topics, ${records} records)`,
  );

  // 2. Live: appends at a steady rate; latency from each append's commit to its consumption.
  const committedAt = new Map<string, number>();
  const livePins = freshPins(RATE * LIVE_SECONDS);
  const total = livePins.length;
  const liveStart = Date.now();
  let next = 0;
  const writers = Array.from({ length: 16 }, async () => {
    while (next < total) {
      const i = next++;
      const due = liveStart + (i * 1000) / RATE;
      if (due > Date.now()) await sleep(due - Date.now());
      const event = toAppend(lifeOf(livePins[i])[0]);
      await store.append(`citizen-${livePins[i]}`, [event], 'no_stream');
      committedAt.set(event.eventId, Date.now());
    }
  });
  await Promise.all(writers);
  const written = (Date.now() - liveStart) / 1000;
  const liveIds = new Set(committedAt.keys());
  await consumer.until(() => countUnique() >= backlog + total, 60_000);
  const latencies: number[] = [];
  const seen = new Set<string>();
  for (const record of consumer.records) {
    const id = record.headers['event-id'];
    if (!liveIds.has(id) || seen.has(id)) continue;
    seen.add(id);
    latencies.push(record.receivedAt - committedAt.get(id)!);
  }
  latencies.sort((a, b) => a - b);
  console.log(
    `live: ${total} events appended at ${Math.round(total / written)} events/s for ${written.toFixed(1)} s; commit -> consume latency ` +
      `p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms, max ${latencies[latencies.length - 1]} ms`,
  );
  const goal = backlog / catchUp >= 10_000 && percentile(latencies, 99) < 500;
  console.log(`goal (>= 10,000 events/s, p99 < 500 ms, against the test broker): ${goal ? 'met' : 'NOT met'}`);

  await consumer.stop();
  await relay.stop();
  await store.close();
  await pool.end();
  await kafka.stop();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
