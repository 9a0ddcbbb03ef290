/**
 * The change feed, end to end: events per second from the PostgreSQL event store through the
 * relay (apps/change-feed as its own process: kafkajs idempotent producer, protobuf, every agency
 * topic) to a kafkajs consumer group on registry.citizen-events.v1, and the latency from an
 * append's commit to its consumption. Against a real Apache Kafka broker it starts (one KRaft
 * node, infra/kafka, full JIT) unless KAFKA_BROKERS points at a running Kafka.
 *   npm run bench:feed [-- --citizens 5000 --live-seconds 5 --rate 2000]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { Pool } from 'pg';
import { AgencyEntitlements, CITIZEN_EVENTS_TOPIC, ensureTopics } from '@registry/change-feed';
import { freshPins, lifeOf, toAppend } from '@registry/change-feed/test-support/citizen-lives';
import { consumeFeed } from '@registry/change-feed/test-support/test-kafka';
import { EVENT_STORE_MIGRATIONS, PostgresEventStore, migrate, type Position } from '@registry/event-store';
import { ensureDatabase } from '@registry/platform';
import { startKafkaCluster, type KafkaCluster } from '@registry/testing/kafka-server';
import { Kafka, logLevel } from 'kafkajs';
import { drive, machineLine, percentile } from '../shared/conditions';
import { CITIZEN_STREAM_PREFIX, citizenStream } from '@registry/domain';

const { values } = parseArgs({
  options: {
    citizens: { type: 'string', default: '5000' },
    'live-seconds': { type: 'string', default: '5' },
    rate: { type: 'string', default: '2000' },
    partitions: { type: 'string', default: '6' },
    /**
     * The consumer's offset commits: `batch`, kafkajs's default (after every batch, a broker
     * round trip per partition batch), or `none` (a consumer that keeps its position elsewhere).
     */
    'consumer-commits': { type: 'string', default: 'batch' },
    /** Measure against the broker as started, its JIT still compiling (see warmUpBroker). */
    'cold-broker': { type: 'boolean', default: false },
    /** A folder: the relay process writes a V8 CPU profile there (open it in Chrome DevTools). */
    'profile-relay': { type: 'string' },
    database: {
      type: 'string',
      default: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/registry_bench_feed',
    },
  },
});
const CITIZENS = Number(values.citizens);
const LIVE_SECONDS = Number(values['live-seconds']);
const RATE = Number(values.rate);
const PARTITIONS = Number(values.partitions);
if (!['batch', 'none'].includes(values['consumer-commits']))
  throw new Error(`--consumer-commits is batch or none, not ${values['consumer-commits']}`);
const ROOT = join(__dirname, '..', '..');
const EVENTS_PER_LIFE = lifeOf('001224000000').length;

const seconds = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e9;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** apps/change-feed, as deployed: its own process, configured by the environment. */
function startRelay(brokers: string[]): { child: ChildProcess; relaying: Promise<void> } {
  const profile = values['profile-relay'] ? ['--cpu-prof', `--cpu-prof-dir=${values['profile-relay']}`] : [];
  // As `npm run start:change-feed` runs it: a larger young generation (fewer scavenges of the
  // short-lived buffers every record makes; about 5 % less CPU per event).
  const node = ['--max-semi-space-size=64', ...profile];
  const child = spawn(process.execPath, [...node, '-r', '@swc-node/register', 'apps/change-feed/src/main.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      DATABASE_URL: values.database,
      KAFKA_BROKERS: brokers.join(','),
      KAFKA_TOPIC_PARTITIONS: String(PARTITIONS),
      CHANGE_FEED_NAME: 'bench',
      REGISTRY_JWT_SECRET: 'unused-by-the-change-feed',
      LOG_LEVEL: 'info',
    },
  });
  const relaying = new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.includes('change feed bench relaying')) resolve();
      if (/"level":(40|50)/.test(line)) console.error(`relay: ${line}`);
    });
    child.once('exit', (code) => reject(new Error(`the relay exited (${code})`)));
  });
  return { child, relaying };
}

async function main(): Promise<void> {
  await ensureDatabase(values.database, true);
  const pool = new Pool({ connectionString: values.database, max: 20 });
  await migrate(pool, EVENT_STORE_MIGRATIONS);
  const store = new PostgresEventStore(pool);
  const kafka = await benchKafka();
  const entitlements = AgencyEntitlements.fromFile(join(ROOT, 'config', 'entitlements.json'));
  const topics = [CITIZEN_EVENTS_TOPIC, ...entitlements.all().map((agency) => agency.topic)];
  const admin = kafka.client('bench-setup').admin();
  await admin.connect();
  await ensureTopics(admin, [...topics, WARM_UP_TOPIC], {
    partitions: PARTITIONS,
    replicationFactor: -1,
    retentionMs: 3_600_000,
  });
  await admin.disconnect();

  console.log(`change feed benchmark against ${kafka.description}`);
  console.log(machineLine());
  if (kafka.started && !values['cold-broker']) console.log(await warmUpBroker(kafka.client('bench-warm-up')));
  console.log(
    `relay: apps/change-feed in its own process; topics ${topics.join(', ')} (${PARTITIONS} partitions); ` +
      `consumer commits: ${values['consumer-commits']}`,
  );

  // 1. Backlog: events already in the store when the relay starts (catch-up after downtime).
  const pins = freshPins(CITIZENS);
  const seeding = process.hrtime.bigint();
  await drive(pins.length, 16, (i) =>
    store.append(
      citizenStream(pins[i]),
      lifeOf(pins[i]).map((event) => toAppend(event)),
      'no_stream',
    ),
  );
  const backlog = pins.length * EVENTS_PER_LIFE;
  console.log(
    `seeded ${backlog} events (${CITIZENS} citizens x ${EVENTS_PER_LIFE}) in ${seconds(seeding).toFixed(1)} s`,
  );

  // Ceiling: the same backlog read through a store subscription alone (what the relay reads it with).
  const reading = process.hrtime.bigint();
  let readBack = 0;
  let end: Position | undefined;
  const ceilingSubscription = store.subscribeToAll({ filter: { streamPrefixes: [CITIZEN_STREAM_PREFIX] } });
  for await (const event of ceilingSubscription) {
    end = event.position;
    if (++readBack >= backlog) break;
  }
  await ceilingSubscription.close();
  const readCeiling = backlog / seconds(reading);

  const ours = new Set(pins);
  const livePins = freshPins(RATE * LIVE_SECONDS);
  for (const pin of livePins) ours.add(pin);
  const consumer = await consumeFeed(
    kafka.client('bench-consumer'),
    [CITIZEN_EVENTS_TOPIC],
    (record) => ours.has(record.key),
    { autoCommit: values['consumer-commits'] !== 'none' },
  );
  const unique = new Set<string>();
  let counted = 0;
  const countUnique = () => {
    for (; counted < consumer.records.length; counted++) unique.add(consumer.records[counted].headers['event-id']);
    return unique.size;
  };

  const onKafka = await offsetWatch(kafka.client('bench-offsets'), CITIZEN_EVENTS_TOPIC);
  const relay = startRelay(kafka.brokers);
  await relay.relaying; // boot (~1 s of module loading) is not relaying
  const started = process.hrtime.bigint();
  const produced = onKafka.until(backlog, () => seconds(started));
  const cpuBefore = cpuSeconds(relay.child.pid!);
  const brokerCpuBefore = kafka.cpuSeconds();
  const benchCpuBefore = process.cpuUsage();
  await consumer.until(() => countUnique() >= backlog, 300_000);
  const catchUp = seconds(started);
  const relayCpu = cpuSeconds(relay.child.pid!) - cpuBefore;
  const brokerCpu = kafka.cpuSeconds() - brokerCpuBefore;
  const benchCpuUsed = process.cpuUsage(benchCpuBefore);
  const consumerCpu = (benchCpuUsed.user + benchCpuUsed.system) / 1e6;
  const producedIn = await produced;
  const records = await recordsOn(kafka.client('bench-admin'), topics);
  console.log(
    `backlog: ${backlog} events store -> relay -> consumer in ${catchUp.toFixed(2)} s: ${Math.round(backlog / catchUp)} events/s` +
      ` (${records} Kafka records on ${topics.length} topics: ${Math.round(records / catchUp)} records/s)`,
  );
  // Which side is behind: when Kafka held the whole backlog (the relay's rate) against when the consumer had it.
  console.log(
    `  Kafka held the backlog on ${CITIZEN_EVENTS_TOPIC} after ${producedIn.toFixed(2)} s (store -> relay -> Kafka ` +
      `${Math.round(backlog / producedIn)} events/s); the consumer had it ${Math.max(0, catchUp - producedIn).toFixed(2)} s later (offsets polled every 50 ms)`,
  );
  console.log(
    `  ceiling: the store subscription alone reads the backlog at ${Math.round(readCeiling)} events/s; ` +
      `the relay end to end reaches ${((100 * backlog) / catchUp / readCeiling).toFixed(0)} % of it`,
  );
  console.log(
    `  relay CPU: ${relayCpu.toFixed(2)} s for the backlog, ${((relayCpu * 1e6) / backlog).toFixed(0)} µs per event: ` +
      `one free core would relay about ${Math.round(backlog / relayCpu)} events/s (the figure the machine's load does not bend)`,
  );
  // The other processes of the pipeline share the machine's cores with the relay: their CPU per
  // event says which one bounds the end-to-end rate when the cores are the limit.
  const perEvent = (cpu: number) => `${((cpu * 1e6) / backlog).toFixed(0)} µs`;
  console.log(
    `  CPU per event of the pipeline's other processes: broker ${Number.isNaN(brokerCpu) ? 'n/a (KAFKA_BROKERS)' : perEvent(brokerCpu)}, ` +
      `consumer (this process: kafkajs consumer, protobuf decoding) ${perEvent(consumerCpu)}; ` +
      `relay + broker + consumer ${Number.isNaN(brokerCpu) ? 'n/a' : perEvent(relayCpu + brokerCpu + consumerCpu)} on ${cpus().length} cores`,
  );
  const machineBusy = loadLine();

  // 2. Live: appends at a steady rate; latency from each append's commit to its consumption.
  // Ceiling: when each live event becomes visible to a store subscription in this process (the
  // relay cannot send what the store does not show yet: gap-free reads wait for older transactions).
  const visibleAt = new Map<string, number>();
  const watcher = store.subscribeToAll({ after: end, filter: { streamPrefixes: [CITIZEN_STREAM_PREFIX] } });
  const watching = (async () => {
    for await (const event of watcher) visibleAt.set(event.eventId, Date.now());
  })();
  const committedAt = new Map<string, number>();
  const total = livePins.length;
  const liveStart = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < total) {
        const i = next++;
        const due = liveStart + (i * 1000) / RATE;
        if (due > Date.now()) await sleep(due - Date.now());
        const event = toAppend(lifeOf(livePins[i])[0]);
        await store.append(citizenStream(livePins[i]), [event], 'no_stream');
        committedAt.set(event.eventId, Date.now());
      }
    }),
  );
  const written = (Date.now() - liveStart) / 1000;
  await consumer.until(() => countUnique() >= backlog + total, 60_000);
  const latencies: number[] = [];
  const seen = new Set<string>();
  for (const record of consumer.records) {
    const id = record.headers['event-id'];
    const committed = committedAt.get(id);
    if (committed === undefined || seen.has(id)) continue;
    seen.add(id);
    latencies.push(record.receivedAt - committed);
  }
  latencies.sort((a, b) => a - b);
  const p99 = percentile(latencies, 99);
  await watcher.close();
  await watching; // ends at its next look at the store (a notification or its 250 ms poll)
  const visible = [...committedAt].flatMap(([id, at]) => (visibleAt.has(id) ? [visibleAt.get(id)! - at] : []));
  visible.sort((a, b) => a - b);
  console.log(
    `live: ${total} events appended at ${Math.round(total / written)} events/s for ${written.toFixed(1)} s; commit -> consume latency ` +
      `p50 ${percentile(latencies, 50)} ms, p99 ${p99} ms, max ${latencies[latencies.length - 1]} ms`,
  );
  console.log(
    `  ceiling: commit -> visible to a store subscription p50 ${percentile(visible, 50)} ms, p99 ${percentile(visible, 99)} ms ` +
      `(${visible.length} events); relay + Kafka + consumer add p50 ${percentile(latencies, 50) - percentile(visible, 50)} ms`,
  );
  console.log(`load: ${machineBusy} during the backlog, ${loadLine()} after the live phase`);
  console.log(
    `goal >= 10,000 events/s and p99 < 500 ms (against ${kafka.description}): ${backlog / catchUp >= 10_000 && p99 < 500 ? 'met' : 'NOT met'}`,
  );

  relay.child.kill('SIGTERM');
  await once(relay.child, 'exit');
  await consumer.stop();
  await store.close();
  await pool.end();
  await kafka.stop();
}

/** CPU time (user + system) a process has used so far, from /proc (Linux). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
}

/** The machine's load average (other work on the machine lowers these figures: they are floors). */
function loadLine(): string {
  const [one, five] = loadavg();
  return `load average ${one.toFixed(1)} (1 min), ${five.toFixed(1)} (5 min) on ${cpus().length} cores`;
}

/**
 * A broker in service has long compiled its produce and fetch paths; one started for the bench
 * has not, and its JIT compiler took about a third of the broker's CPU during a 35,000-event
 * backlog. So the bench first sends the started broker 100,000 records like the relay's (keys,
 * four headers, idempotent producer, acks=-1, batches of 2,000) to a topic of its own and reads
 * them back through a consumer group, before anything is measured. The relay is not warmed: it
 * starts cold, as after downtime. `--cold-broker` skips this.
 */
const WARM_UP_TOPIC = 'bench.broker-warm-up';

async function warmUpBroker(kafka: Kafka): Promise<string> {
  const started = process.hrtime.bigint();
  const topic = WARM_UP_TOPIC;
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
  const total = 100_000;
  const value = Buffer.alloc(200, 1);
  for (let sent = 0; sent < total; sent += 2_000) {
    const messages = Array.from({ length: 2_000 }, (_, i) => ({
      key: String(100_000_000_000 + sent + i),
      value,
      headers: { 'event-id': randomUUID(), 'event-type': 'WarmUp', 'schema-version': '1', 'content-type': 'x' },
    }));
    await producer.sendBatch({ topicMessages: [{ topic, messages }], acks: -1 });
  }
  await producer.disconnect();
  const consumer = kafka.consumer({ groupId: `bench-warm-up-${randomUUID()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let read = 0;
  const allRead = new Promise<void>((resolve) => {
    void consumer.run({
      eachBatch: async ({ batch }) => {
        read += batch.messages.length;
        if (read >= total) resolve();
      },
    });
  });
  await allRead;
  await consumer.disconnect();
  return `broker warmed up: ${total} records produced and consumed in ${seconds(started).toFixed(1)} s (--cold-broker skips this)`;
}

interface BenchKafka {
  /** True when the bench started the broker (not KAFKA_BROKERS). */
  readonly started: boolean;
  readonly brokers: string[];
  readonly description: string;
  client(clientId: string): Kafka;
  /** CPU time of the broker's JVM so far; NaN for a Kafka the bench did not start. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

/** KAFKA_BROKERS, or a real single-node broker of infra/kafka started for the benchmark. */
async function benchKafka(): Promise<BenchKafka> {
  const external = process.env.KAFKA_BROKERS?.split(',').filter(Boolean);
  const cluster: KafkaCluster | null = external?.length
    ? null
    : // A broker as deployed: full JIT, and Kafka's default segments (1 GiB; tests roll 1 MiB ones).
      await startKafkaCluster({ name: 'bench', fullJit: true, segmentBytes: 1_073_741_824 });
  const brokers = external?.length ? external : cluster!.brokers;
  return {
    started: cluster !== null,
    brokers,
    description: cluster
      ? `Apache Kafka ${cluster.version}, one KRaft node (JVM on this machine) at ${brokers.join(',')}`
      : `Kafka at ${brokers.join(',')}`,
    client: (clientId) => new Kafka({ clientId, brokers, logLevel: logLevel.NOTHING }),
    cpuSeconds: () => {
      const pid = cluster?.nodes[0].pid;
      return pid === undefined ? NaN : cpuSeconds(pid);
    },
    stop: async () => cluster?.stop(),
  };
}

/**
 * Watches the end offsets of a topic (every 50 ms, one metadata-sized request): `until(n, at)`
 * resolves with `at()` once n records were written after the watch began.
 */
async function offsetWatch(
  kafka: Kafka,
  topic: string,
): Promise<{ until(records: number, at: () => number): Promise<number> }> {
  const admin = kafka.admin();
  await admin.connect();
  const end = async () => (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
  const from = await end();
  return {
    async until(records, at) {
      try {
        while ((await end()) - from < records) await sleep(50);
        return at();
      } finally {
        await admin.disconnect();
      }
    },
  };
}

/** Records on the topics (sum of partition end offsets; the topics are fresh). */
async function recordsOn(kafka: Kafka, topics: readonly string[]): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  let sum = 0;
  for (const topic of topics)
    for (const partition of await admin.fetchTopicOffsets(topic)) sum += Number(partition.high) - Number(partition.low);
  await admin.disconnect();
  return sum;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
