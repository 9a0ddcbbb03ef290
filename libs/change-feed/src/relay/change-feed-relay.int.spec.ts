import { Pool } from 'pg';
import { EVENT_STORE_MIGRATIONS, migrate, PostgresEventStore } from '@registry/event-store';
import { dropDatabase, ensureDatabase, testDatabaseUrl, until as untilThen } from '@registry/testing';
import { CHANGE_FEED_MIGRATIONS } from '../checkpoint/checkpoint-store';
import { AgencyEntitlements } from '../entitlements/agency-entitlements';
import { freshPins, lifeOf, toAppend } from '../test-support/citizen-lives';
import { expectedPayload, oneOfEachType, payloadAsDomainJson } from '../test-support/every-event-type';
import { byEventId, consumeFeed, startTestKafka, type FeedConsumer, type TestKafka } from '../test-support/test-kafka';
import { CITIZEN_EVENTS_TOPIC } from '../topics';
import { ChangeFeedRelay, type RelayLogger } from './change-feed-relay';
import { ensureTopics } from './topic-setup';
import { citizenStream } from '@registry/domain';

/**
 * The relay in-process, on a database of its own (agencies without a checkpoint start from the
 * beginning of the log, which on the shared test database would be every suite's events).
 */
const DB = (() => {
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${decodeURIComponent(url.pathname.slice(1))}_change_feed_relay`;
  return url.toString();
})();
const quiet: RelayLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };
const vssOnly = AgencyEntitlements.parse({
  agencies: { vss: { events: { BirthRegistered: ['name', 'dateOfBirth'] } } },
});
const vssAndTax = AgencyEntitlements.parse({
  agencies: {
    vss: { events: { BirthRegistered: ['name', 'dateOfBirth'] } },
    tax: { events: { BirthRegistered: ['name'], DeathRegistered: ['dateOfDeath'] } },
  },
});

let kafka: TestKafka;
let pool: Pool;
let store: PostgresEventStore;
let consumer: FeedConsumer;
const pins = freshPins(30);
const [oldPin, newPin] = freshPins(2, '001324');
const everyType = Object.values(oneOfEachType(oldPin, newPin));
const pinSet = new Set([...pins, oldPin, newPin]);
const started: ChangeFeedRelay[] = [];

function relay(name: string, entitlements = vssOnly, logger = quiet): ChangeFeedRelay {
  const instance = new ChangeFeedRelay(
    { store, pool, kafka: kafka.client(`relay-${name}`), entitlements, logger },
    {
      relayName: name,
      batchSize: 100,
      topics: { partitions: 3, replicationFactor: -1, retentionMs: 3_600_000 },
      reportEveryMs: 0,
    },
  );
  started.push(instance);
  return instance;
}

async function born(pin: string): Promise<string> {
  const event = toAppend(lifeOf(pin)[0]);
  await store.append(citizenStream(pin), [event], 'no_stream');
  return event.eventId;
}

const until = (condition: () => boolean, what: string, timeoutMs = 15_000) => untilThen(condition, what, timeoutMs);

const idsOn = (topic: string) => consumer.records.filter((r) => r.topic === topic).map((r) => r.headers['event-id']);

beforeAll(async () => {
  kafka = await startTestKafka();
  await ensureDatabase(DB, true);
  pool = new Pool({ connectionString: DB, max: 10 });
  await migrate(pool, EVENT_STORE_MIGRATIONS);
  await migrate(pool, CHANGE_FEED_MIGRATIONS);
  store = new PostgresEventStore(pool);
  // The consumer follows all three topics from the start (the relays would create them later).
  const topics = [CITIZEN_EVENTS_TOPIC, 'registry.agency.vss.v1', 'registry.agency.tax.v1'];
  const admin = kafka.client().admin();
  await admin.connect();
  await ensureTopics(admin, topics, { partitions: 3, replicationFactor: -1, retentionMs: 3_600_000 });
  await admin.disconnect();
  consumer = await consumeFeed(kafka.client('consumer'), topics, (record) => pinSet.has(record.key));
}, 30_000);

afterAll(async () => {
  await Promise.all(started.map((instance) => instance.stop()));
  await consumer?.stop();
  await store?.close();
  await pool?.end();
  // Without FORCE: a session still closing (a relay's lock session) must not die with an unhandled
  // error; a database left behind is dropped by the next run's ensureDatabase(DB, true).
  await dropDatabase(DB);
});

describe('ChangeFeedRelay', () => {
  it('runs once per name: a second relay waits, then takes over from the checkpoint; a stop loses and repeats nothing', async () => {
    const first = relay('one');
    const second = relay('one');
    first.start();
    await until(() => first.status().state === 'relaying', 'the first relay');
    second.start();
    await until(() => second.status().state === 'waiting-for-leadership', 'the second relay to wait');

    const before = await Promise.all(pins.slice(0, 5).map(born));
    await until(() => before.every((id) => idsOn(CITIZEN_EVENTS_TOPIC).includes(id)), 'the first events');
    await first.stop();

    const after = await Promise.all(pins.slice(5, 10).map(born));
    await until(() => second.status().state === 'relaying', 'the take-over');
    await until(() => after.every((id) => idsOn(CITIZEN_EVENTS_TOPIC).includes(id)), 'the later events');
    expect(second.status().events).toBe(5); // it started at the first one's checkpoint
    const occurrences = byEventId(consumer.records.filter((r) => r.topic === CITIZEN_EVENTS_TOPIC));
    expect([...before, ...after].map((id) => occurrences.get(id)?.length)).toEqual(Array(10).fill(1));
    await second.stop();
  });

  it("gives an agency added to the entitlement file the events from before it was added, without repeating the others'", async () => {
    const later = await Promise.all(pins.slice(10, 15).map(born));
    const withTax = relay('one', vssAndTax); // the same name: the main and vss topics keep their checkpoints
    withTax.start();
    await until(() => idsOn('registry.agency.tax.v1').length >= 15, 'the tax agency back-fill');
    await until(() => later.every((id) => idsOn('registry.agency.vss.v1').includes(id)), 'the vss topic');
    expect(new Set(idsOn('registry.agency.tax.v1')).size).toBe(15);
    const vss = idsOn('registry.agency.vss.v1');
    expect(vss.length).toBe(new Set(vss).size); // nothing repeated on the topics that had their checkpoint
    await withTax.stop();
  });

  it('relays an event type the contract does not know as an envelope without payload, and keeps going', async () => {
    const [pin, next] = pins.slice(20, 22);
    const unknown = { ...toAppend(lifeOf(pin)[0]), type: 'CitizenTeleported', data: { pin, destination: 'Mars' } };
    await store.append(citizenStream(pin), [unknown], 'no_stream');
    const birth = await born(next);
    const running = relay('one');
    running.start();
    await until(() => idsOn(CITIZEN_EVENTS_TOPIC).includes(birth), 'the birth after it');
    const teleported = consumer.records.find((r) => r.headers['event-id'] === unknown.eventId)!;
    expect(teleported.headers['event-type']).toBe('CitizenTeleported');
    expect(teleported.event).toMatchObject({ type: 'CitizenTeleported', pin, payload: { case: undefined } });
    expect(running.status().lastError).toBeNull();
  });

  it('carries every event type of the domain whole on the main topic: decoded, no field is lost', async () => {
    const appended = everyType.map((event) => ({ event, append: toAppend(event) }));
    for (const { event, append } of appended)
      await store.append(citizenStream((event.data as { pin: string }).pin), [append], 'any');
    const warnings: string[] = [];
    const running = relay('round-trip', vssOnly, { ...quiet, warn: (message) => warnings.push(String(message)) });
    running.start();
    const ids = appended.map(({ append }) => append.eventId);
    await until(() => ids.every((id) => idsOn(CITIZEN_EVENTS_TOPIC).includes(id)), 'every event type');
    for (const { event, append } of appended) {
      const record = consumer.records.find(
        (r) => r.topic === CITIZEN_EVENTS_TOPIC && r.headers['event-id'] === append.eventId,
      )!;
      expect({ type: record.event.type, payload: payloadAsDomainJson(record.event) }).toEqual({
        type: event.type,
        payload: expectedPayload(event),
      });
    }
    // This relay starts from the beginning of the log: the previous test's unknown type is no domain type.
    const aboutDomainTypes = warnings.filter((warning) => !warning.includes('CitizenTeleported'));
    expect(aboutDomainTypes.filter((warning) => /left out|not in the contract/.test(warning))).toEqual([]);
  });
});
