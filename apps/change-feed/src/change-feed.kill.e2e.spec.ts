import { join } from 'node:path';
import type { Admin } from 'kafkajs';
import { Pool } from 'pg';
import { AgencyEntitlements, CITIZEN_EVENTS_TOPIC, ensureTopics } from '@registry/change-feed';
import { appendRevision, freshPins, tenEventsOf } from '@registry/change-feed/test-support/citizen-lives';
import {
  byEventId,
  consumeFeed,
  pinsOutOfOrder,
  startTestKafka,
  type FeedConsumer,
  type TestKafka,
} from '@registry/change-feed/test-support/test-kafka';
import { EVENT_STORE_MIGRATIONS, migrate, PostgresEventStore } from '@registry/event-store';
import { AppProcess, dropDatabase, ensureDatabase, testDatabaseUrl, until } from '@registry/testing';

/**
 * DESIGN §6 under crashes: the change-feed process (apps/change-feed, a child process) is killed
 * with SIGKILL at random points, 10 times, while 10,000 events flow into the store. Every event
 * must reach Kafka at least once, each citizen's events in order, and every duplicate must be
 * recognisable by its `event-id` header. Runs on a database of its own, created and dropped here.
 */
const ROOT = join(__dirname, '..', '..', '..');
/** A relay boots in about a second; far longer on a loaded two-core machine. */
const BOOT_MS = 60_000;
const CITIZENS = 1_000;
const KILLS = 10; // one chunk of CITIZENS events (one more revision of each citizen) per life
const KILL_DB = (() => {
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${decodeURIComponent(url.pathname.slice(1))}_change_feed_kill`;
  return url.toString();
})();
const entitlements = AgencyEntitlements.fromFile(join(ROOT, 'config', 'entitlements.json'));
const VSS_TOPIC = entitlements.get('vss')!.topic;

let kafka: TestKafka;
let pool: Pool;
let store: PostgresEventStore;
let consumer: FeedConsumer;
const pins = freshPins(CITIZENS);
const pinSet = new Set(pins);

interface Life {
  readonly mode: 'while relaying' | 'at a random time after start';
  readonly killedAfterMs: number;
  readonly relayedBeforeKill: boolean;
  readonly writtenAtKill: number;
  readonly consumedAtKill: number;
}

/** apps/change-feed as deployed: its own process, configured by its environment. */
function startRelay(): AppProcess {
  return new AppProcess({
    name: 'change-feed',
    entry: 'apps/change-feed/src/main.ts',
    readyLine: /change feed kill-test relaying/,
    logDir: process.env.KILL_TEST_LOG_DIR, // to see what each life of the relay did
    env: {
      DATABASE_URL: KILL_DB,
      DATABASE_POOL_SIZE: '4',
      KAFKA_BROKERS: kafka.brokers.join(','),
      KAFKA_CLIENT_ID: 'change-feed-kill-test',
      KAFKA_TOPIC_PARTITIONS: '3',
      CHANGE_FEED_NAME: 'kill-test',
      REGISTRY_JWT_SECRET: 'unused-by-the-change-feed',
      LOG_LEVEL: 'info',
      ...(process.env.KILL_TEST_LOG_DIR ? { CHANGE_FEED_REPORT_MS: '100' } : {}),
    },
  });
}

let admin: Admin;

/**
 * Events of this test consumed from the main topic, each counted once. (The topic's offsets would
 * count every suite's records on the run's shared broker, and copies.)
 */
function consumedEvents(): number {
  return new Set(consumer.records.filter((r) => r.topic === CITIZEN_EVENTS_TOPIC).map((r) => r.headers['event-id']))
    .size;
}

/** Events of revision `revision` consumed from the main topic. */
const consumedOfRevision = (revision: number) =>
  consumer.records.some((r) => r.topic === CITIZEN_EVENTS_TOPIC && Number(r.event.revision) === revision);

/** A kill lands at a random moment (the randomness is the test), not a wait for a condition. */
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const random = (min: number, max: number) => min + Math.floor(Math.random() * (max - min));

/** Appends revision `revision` of every citizen, paced over a second or so: events flow, not a backlog. */
async function writeChunk(revision: number, written: { count: number }): Promise<void> {
  const slices = 20;
  const perSlice = CITIZENS / slices;
  for (let slice = 0; slice < slices; slice++) {
    await appendRevision(store, pins.slice(slice * perSlice, (slice + 1) * perSlice), revision, written);
    await pause(50); // paced: events flow while the relay lives, not one backlog
  }
}

beforeAll(async () => {
  kafka = await startTestKafka();
  await ensureDatabase(KILL_DB, true);
  pool = new Pool({ connectionString: KILL_DB, max: 12 });
  pool.on('error', () => undefined); // an idle connection ended while the suite tears down
  await migrate(pool, EVENT_STORE_MIGRATIONS);
  store = new PostgresEventStore(pool);
  // The consumer subscribes before the first relay creates the topics: create them as it would.
  admin = kafka.client().admin();
  await admin.connect();
  const topics = [CITIZEN_EVENTS_TOPIC, ...entitlements.all().map((agency) => agency.topic)];
  await ensureTopics(admin, topics, { partitions: 3, replicationFactor: -1, retentionMs: 3_600_000 });
  consumer = await consumeFeed(kafka.client('kill-test-consumer'), [CITIZEN_EVENTS_TOPIC, VSS_TOPIC], (record) =>
    pinSet.has(record.key),
  );
}, 30_000);

afterAll(async () => {
  await consumer?.stop();
  await admin?.disconnect();
  await store?.close();
  await pool?.end();
  // Without FORCE: a connection still closing must not die with an unhandled error.
  await dropDatabase(KILL_DB);
});

it(`loses nothing and keeps per-PIN order through ${KILLS} SIGKILLs while ${KILLS * CITIZENS} events flow`, async () => {
  const written = { count: 0 };
  const lives: Life[] = [];
  let writing: Promise<void> = Promise.resolve();
  for (let revision = 0; revision < KILLS; revision++) {
    await writing; // revision r of a stream needs r - 1
    const relay = startRelay();
    // Most lives die while relaying: at a random moment after their first records of this
    // revision were consumed, while the revision is being written. Every third dies at any moment
    // of its first 1.5 s: booting, creating topics, loading checkpoints, catching up.
    const whileRelaying = revision % 3 !== 2;
    let relayedBeforeKill = false;
    if (whileRelaying) {
      await relay.readyWithin(BOOT_MS);
      relayedBeforeKill = true;
      writing = writeChunk(revision, written);
      await until(() => consumedOfRevision(revision), `events of revision ${revision} on the topic`, 60_000, {
        progress: () => `${written.count} written, ${consumedEvents()} consumed`,
      });
      await pause(random(100, 1_000));
    } else {
      writing = writeChunk(revision, written);
      relay.ready.then(
        () => (relayedBeforeKill = true),
        () => undefined,
      );
      await pause(random(0, 1_500));
    }
    const writtenAtKill = written.count;
    await relay.kill('SIGKILL');
    lives.push({
      mode: whileRelaying ? 'while relaying' : 'at a random time after start',
      killedAfterMs: Date.now() - relay.started,
      relayedBeforeKill,
      writtenAtKill,
      consumedAtKill: consumedEvents(),
    });
  }
  await writing;
  expect(written.count).toBe(KILLS * CITIZENS);

  const last = startRelay();
  const stopped = last.logged(/change feed kill-test stopped/);
  const vss = entitlements.get('vss')!;
  const vssExpected = pins.length * tenEventsOf(pins[0]).filter((event) => vss.entitles(event.type)).length;
  const uniqueOn = (records: typeof consumer.records, topic: string) =>
    new Set(records.filter((r) => r.topic === topic).map((r) => r.headers['event-id'])).size;
  await until(
    () =>
      uniqueOn(consumer.records, CITIZEN_EVENTS_TOPIC) >= KILLS * CITIZENS &&
      uniqueOn(consumer.records, VSS_TOPIC) >= vssExpected,
    'every event on the main and vss topics',
    180_000,
    { progress: () => `${consumedEvents()} of ${KILLS * CITIZENS} on the main topic` },
  );
  const records = [...consumer.records];
  // SIGTERM: Nest's shutdown hooks stop the relay after the request in flight (it logs so), then
  // the process ends by the signal it received again.
  await last.kill('SIGTERM');
  await stopped;

  const { rows } = await pool.query<{ event_id: string }>('SELECT event_id FROM es_events');
  const main = records.filter((r) => r.topic === CITIZEN_EVENTS_TOPIC);
  const occurrences = byEventId(main);
  // every event at least once
  expect(rows.every((row) => occurrences.has(row.event_id))).toBe(true);
  expect(occurrences.size).toBe(KILLS * CITIZENS);
  // duplicates exactly detectable: a repeated event-id is the same event, byte for byte
  for (const copies of occurrences.values()) {
    for (const copy of copies.slice(1)) {
      expect(copy.value.equals(copies[0].value)).toBe(true);
      expect(copy.key).toBe(copies[0].key);
    }
  }
  expect(pinsOutOfOrder(main, { contiguous: true })).toEqual([]);
  const vssRecords = records.filter((r) => r.topic === VSS_TOPIC);
  expect(uniqueOn(vssRecords, VSS_TOPIC)).toBe(vssExpected);
  expect(vssRecords.every((r) => vss.entitles(r.event.type))).toBe(true);
  expect(pinsOutOfOrder(vssRecords, { contiguous: false })).toEqual([]);

  const duplicates = main.length - occurrences.size;
  console.log(
    [
      `change feed kill test against ${kafka.description}:`,
      ...lives.map(
        (life, i) =>
          `  kill ${i + 1}: SIGKILL ${life.mode}, ${life.killedAfterMs} ms after start` +
          `${life.relayedBeforeKill ? '' : ' (before it relayed)'}; ${life.writtenAtKill} events written, ${life.consumedAtKill} consumed from the topic`,
      ),
      `  ${KILLS * CITIZENS} events, ${main.length} records on ${CITIZEN_EVENTS_TOPIC}: ${duplicates} duplicates (${((100 * duplicates) / occurrences.size).toFixed(1)} %), ` +
        `all recognised by event-id; ${vssRecords.length - vssExpected} duplicates on ${VSS_TOPIC}`,
    ].join('\n'),
  );
}, 600_000); // ten relay boots (a Node process each) against a real broker, on a shared two-core machine
