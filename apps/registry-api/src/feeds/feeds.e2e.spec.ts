import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { BinaryReader } from '@bufbuild/protobuf/wire';
import { Pool } from 'pg';
import { Sex } from '@registry/contracts';
import {
  AgencyEntitlements,
  CHANGE_FEED_CONFIG,
  CHANGE_FEED_MIGRATIONS,
  ChangeFeedRunner,
  CITIZEN_EVENTS_TOPIC,
  CheckpointStore,
  RelayLag,
  type ChangeFeedConfig,
} from '@registry/change-feed';
import {
  byEventId,
  consumeFeed,
  pinsOutOfOrder,
  startTestKafka,
  type FeedRecord,
  type TestKafka,
} from '@registry/change-feed/test-support/test-kafka';
import { EVENT_STORE, EVENT_STORE_MIGRATIONS, migrate, parsePosition } from '@registry/event-store';
import { PG_POOL } from '@registry/platform';
import { testDatabaseUrl } from '@registry/testing';
import { FeedsApi } from './test-support/feeds-api';
import { citizenStream, pinOfCitizenStream } from '@registry/domain';

/**
 * Events registered through the API reach Kafka through the embedded relay and the agencies'
 * HTTP feeds, against the run's real Kafka broker (or the Kafka KAFKA_BROKERS names).
 * The shared test database holds other suites' events: this suite starts its relay (a name of
 * its own) at the current head and asserts on its own citizens only.
 */
const ETHNICITY = 'Ơ Đu';
const BIRTH_PLACE = 'Trạm y tế Phúc Xá';
const HOME = '7 Ngõ Trạm';
const entitlements = AgencyEntitlements.fromFile(join(process.cwd(), 'config', 'entitlements.json'));
const TOPICS = [CITIZEN_EVENTS_TOPIC, ...entitlements.all().map((agency) => agency.topic)];

interface StoredEvent {
  event_id: string;
  stream_id: string;
  revision: string;
  type: string;
  position: string;
}

let kafka: TestKafka;
let api: FeedsApi;
let pool: Pool;
let head: string | null;
let pins: string[];
let mine: StoredEvent[];
let feedRecords: FeedRecord[];
const relayName = `feeds-e2e-${randomUUID().slice(0, 8)}`;

/** The last position readers may see: every later commit lands after it (DESIGN §4, guarantee 4). */
/** The last citizen event: what the relay relays (procedures' streams are not in the feeds). */
async function headPosition(): Promise<string | null> {
  // The store's horizon, read in a statement before the events (es_visible_horizon, ADR 0050).
  const horizon = await pool.query<{ h: string }>('SELECT es_visible_horizon()::text AS h');
  const { rows } = await pool.query<{ position: string }>(
    `SELECT transaction_id::text || '-' || global_position AS position FROM es_events
     WHERE transaction_id < $1::xid8 AND starts_with(stream_id, 'citizen-')
     ORDER BY transaction_id DESC, global_position DESC LIMIT 1`,
    [horizon.rows[0]!.h],
  );
  return rows[0]?.position ?? null;
}

async function registerCitizens(): Promise<string[]> {
  const officer = api.officerToken();
  const residence = { provinceCode: '001', communeCode: '00004', line: HOME };
  const birth = (sex: string, dateOfBirth: string, extra: Record<string, unknown> = {}) => ({
    child: {
      familyName: 'Lò',
      givenName: 'Thị Mai',
      sex,
      dateOfBirth,
      placeOfBirth: { provinceCode: '001', detail: BIRTH_PLACE },
      ethnicity: ETHNICITY,
    },
    registrationProvinceCode: '001',
    permanentResidence: residence,
    ...extra,
  });
  const mother = await api.call('POST', '/v1/births', officer, birth('female', '1990-01-01'));
  expect(mother.status).toBe(201);
  const children = await Promise.all(
    // Four children of one mother born on four days: the same child twice would be POSSIBLE_DUPLICATE.
    [0, 1, 2, 3].map((i) =>
      api.call('POST', '/v1/births', officer, birth('male', `2024-03-0${5 + i}`, { motherPin: mother.body.pin })),
    ),
  );
  expect(children.map((c) => c.status)).toEqual([201, 201, 201, 201]);
  const [a, b, c, d] = children.map((child) => child.body.pin as string);
  await residencesRegistered([mother.body.pin, a, b, c, d]);
  const after = await Promise.all([
    // A stay lies outside the commune of the permanent residence (Law on Residence 2020).
    api.call('POST', `/v1/citizens/${a}/temporary-residence`, officer, {
      address: { ...residence, communeCode: '00007' },
      from: '2024-06-01',
      until: '2025-06-01',
    }),
    api.call('POST', `/v1/citizens/${b}/permanent-residence`, officer, {
      address: { ...residence, line: '9 Hàng Bông' },
      effectiveDate: '2024-07-01',
    }),
    api.call('POST', `/v1/citizens/${c}/death`, officer, {
      dateOfDeath: '2024-08-01',
      placeOfDeath: { provinceCode: '001' },
      certificateNumber: 'KT-2024-000777',
    }),
    api.call('POST', `/v1/citizens/${d}/permanent-residence/cancellation`, officer, {
      reason: 'moved_abroad',
      effectiveDate: '2024-09-01',
    }),
  ]);
  expect(after.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
  await deceasedResidenceCancelled(c); // the death procedure's first step: an event the feeds carry too
  return [mother.body.pin, a, b, c, d];
}

async function deceasedResidenceCancelled(pin: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { rows } = await pool.query(
      `SELECT 1 FROM es_events WHERE stream_id = $1 AND type = 'PermanentResidenceCancelled' AND data->>'reason' = 'deceased'`,
      [citizenStream(pin)],
    );
    if (rows.length > 0) return;
    if (Date.now() > deadline) throw new Error('the death procedure did not cancel the residence in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The birth procedures register the residences of the applications in the background: wait for them. */
async function residencesRegistered(of: string[]): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { rows } = await pool.query<{ n: number }>(
      `SELECT count(DISTINCT stream_id)::int AS n FROM es_events
        WHERE stream_id = ANY($1) AND type = 'PermanentResidenceRegistered'`,
      [of.map((pin) => citizenStream(pin))],
    );
    if (rows[0].n === of.length) return;
    if (Date.now() > deadline) throw new Error(`residences of ${of.length - rows[0].n} births not registered in time`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  kafka = await startTestKafka();
  pool = new Pool({ connectionString: testDatabaseUrl(), max: 2 });
  await migrate(pool, EVENT_STORE_MIGRATIONS);
  await migrate(pool, CHANGE_FEED_MIGRATIONS);
  head = await headPosition();
  if (head)
    await new CheckpointStore(pool, relayName).save(new Map(TOPICS.map((topic) => [topic, parsePosition(head!)])));
  api = await FeedsApi.start({
    KAFKA_BROKERS: kafka.brokers.join(','),
    CHANGE_FEED_NAME: relayName,
    KAFKA_TOPIC_PARTITIONS: '3',
  });
  pins = await registerCitizens();
  const { rows } = await pool.query<StoredEvent>(
    `SELECT event_id, stream_id, revision::text, type, transaction_id::text || '-' || global_position AS position
     FROM es_events WHERE stream_id = ANY($1) ORDER BY transaction_id, global_position`,
    [pins.map((pin) => citizenStream(pin))],
  );
  mine = rows;
  const consumer = await consumeFeed(kafka.client(), TOPICS, (record) => pins.includes(record.key));
  const wanted = new Map(TOPICS.map((topic) => [topic, expectedOn(topic).length]));
  feedRecords = await consumer.until(
    (records) =>
      TOPICS.every(
        (topic) =>
          new Set(records.filter((r) => r.topic === topic).map((r) => r.headers['event-id'])).size >=
          wanted.get(topic)!,
      ),
    30_000,
  );
  await consumer.stop();
}, 90_000);

afterAll(async () => {
  await api?.stop();
  await pool?.query('DELETE FROM change_feed_checkpoints WHERE relay = $1', [relayName]); // this suite's own rows
  await pool?.end();
});

function expectedOn(topic: string): StoredEvent[] {
  if (topic === CITIZEN_EVENTS_TOPIC) return mine;
  const agency = entitlements.all().find((a) => a.topic === topic)!;
  return mine.filter((event) => agency.entitles(event.type));
}

const on = (topic: string) => feedRecords.filter((record) => record.topic === topic);

/** Field numbers present in protobuf bytes (top level of the given message). */
function fieldNumbers(bytes: Uint8Array): Map<number, Uint8Array | null> {
  const reader = new BinaryReader(bytes);
  const fields = new Map<number, Uint8Array | null>();
  while (reader.pos < reader.len) {
    const [number, wireType] = reader.tag();
    if (wireType === 2) fields.set(number, reader.bytes());
    else {
      reader.skip(wireType);
      fields.set(number, null);
    }
  }
  return fields;
}

describe(`registry.citizen-events.v1`, () => {
  it('carries every event registered through the API, decodable, with the headers of API.md', () => {
    const records = on(CITIZEN_EVENTS_TOPIC);
    expect(new Set(records.map((r) => r.headers['event-id']))).toEqual(new Set(mine.map((e) => e.event_id)));
    for (const record of records) {
      const stored = mine.find((e) => e.event_id === record.headers['event-id'])!;
      expect(record.headers).toEqual({
        'event-id': stored.event_id,
        'event-type': stored.type,
        'schema-version': '1',
        'content-type': 'application/x-protobuf',
      });
      expect(record.key).toBe(pinOfCitizenStream(stored.stream_id));
      expect(record.event).toMatchObject({
        eventId: stored.event_id,
        type: stored.type,
        pin: record.key,
        revision: BigInt(stored.revision),
      });
      expect(record.event.payload.case).toBeDefined();
    }
  });

  it('keeps each citizen in one partition, in stream order', () => {
    const records = on(CITIZEN_EVENTS_TOPIC);
    for (const pin of pins) expect(new Set(records.filter((r) => r.key === pin).map((r) => r.partition)).size).toBe(1);
    expect(pinsOutOfOrder(records, { contiguous: true })).toEqual([]);
  });

  it('carries the whole event for the registry: ethnicity, place of birth, actor', () => {
    const birth = on(CITIZEN_EVENTS_TOPIC).find((r) => r.key === pins[1] && r.event.type === 'BirthRegistered')!.event;
    expect(birth.actorSub).toBe(api.sub);
    if (birth.payload.case !== 'birthRegistered') throw new Error('not a birth');
    expect(birth.payload.value).toMatchObject({
      ethnicity: ETHNICITY,
      sex: Sex.MALE,
      motherPin: pins[0],
      placeOfBirth: { detail: BIRTH_PLACE },
    });
  });
});

describe('agency topics registry.agency.<id>.v1', () => {
  it.each(entitlements.all().map((agency) => [agency.agencyId, agency] as const))(
    '%s gets exactly its entitled event types, in order',
    (_, agency) => {
      const records = on(agency.topic);
      expect(new Set(records.map((r) => r.headers['event-id']))).toEqual(
        new Set(expectedOn(agency.topic).map((e) => e.event_id)),
      );
      expect(records.every((r) => agency.entitles(r.event.type))).toBe(true);
      expect(pinsOutOfOrder(records, { contiguous: false })).toEqual([]);
    },
  );

  it('vss: births without ethnicity or place of birth: the fields are absent from the bytes', () => {
    const births = on('registry.agency.vss.v1').filter((r) => r.event.type === 'BirthRegistered');
    expect(births).toHaveLength(5);
    for (const record of births) {
      const payload = fieldNumbers(record.value).get(100)!; // CitizenEvent.birth_registered
      const present = [...fieldNumbers(payload).keys()].sort((a, b) => a - b);
      // name 1, sex 2, date_of_birth 3, mother_pin 7 (father unknown); never ethnicity 6 or place of birth 4
      expect(present).toEqual(record.key === pins[0] ? [1, 2, 3] : [1, 2, 3, 7]);
      expect(record.value.includes(Buffer.from(ETHNICITY))).toBe(false);
      expect(record.value.includes(Buffer.from(BIRTH_PLACE))).toBe(false);
      expect(record.value.includes(Buffer.from(api.sub))).toBe(false);
      if (record.event.payload.case !== 'birthRegistered') throw new Error('not a birth');
      expect(record.event.payload.value.ethnicity).toBeUndefined();
      expect(record.event.payload.value.name).toMatchObject({ familyName: 'Lò', givenName: 'Thị Mai' });
    }
  });

  it('election: residences by administrative unit, never the street line', () => {
    const residences = on('registry.agency.election.v1').filter((r) => r.event.type === 'PermanentResidenceRegistered');
    expect(residences.length).toBeGreaterThanOrEqual(6);
    for (const record of residences) {
      expect(record.value.includes(Buffer.from(HOME))).toBe(false);
      if (record.event.payload.case !== 'permanentResidenceRegistered') throw new Error('not a residence');
      expect(record.event.payload.value.address).toMatchObject({ provinceCode: '001', communeCode: '00004', line: '' });
    }
  });

  it('tax: no sex and no temporary residence', () => {
    const records = on('registry.agency.tax.v1');
    expect(records.some((r) => r.event.type === 'TemporaryResidenceRegistered')).toBe(false);
    for (const record of records.filter((r) => r.event.type === 'BirthRegistered')) {
      expect(fieldNumbers(fieldNumbers(record.value).get(100)!).has(2)).toBe(false);
    }
  });
});

describe('GET /v1/feeds/:agencyId/events', () => {
  async function readFeed(agency: string, limit: number): Promise<{ events: any[]; pages: number }> {
    const token = api.agencyToken(agency);
    const events: any[] = [];
    let after = head;
    let pages = 0;
    for (;;) {
      const query = `limit=${limit}${after ? `&after=${after}` : ''}`;
      const page = await api.call('GET', `/v1/feeds/${agency}/events?${query}`, token);
      expect(page.status).toBe(200);
      pages += 1;
      events.push(...page.body.events.filter((e: { pin: string }) => pins.includes(e.pin)));
      if (page.body.caughtUp) return { events, pages };
      after = page.body.next;
    }
  }

  it('returns the agency topic sequence, with the same entitled fields, resuming from `after` page by page', async () => {
    const { events, pages } = await readFeed('vss', 3);
    expect(pages).toBeGreaterThan(1);
    const agency = entitlements.get('vss')!;
    // Same sequence as the store's global order, filtered: hence per PIN as on the topic.
    expect(events.map((e) => e.eventId)).toEqual(expectedOn(agency.topic).map((e) => e.event_id));
    const topic = on(agency.topic);
    for (const pin of pins) {
      const firstOnTopic = [...byEventId(topic.filter((r) => r.key === pin)).values()].map((list) => list[0]);
      expect(events.filter((e) => e.pin === pin).map((e) => e.eventId)).toEqual(
        firstOnTopic.map((r) => r.headers['event-id']),
      );
    }
    const birth = events.find((e) => e.type === 'BirthRegistered' && e.pin === pins[1]);
    expect(birth).toEqual({
      position: mine.find((e) => e.event_id === birth.eventId)!.position,
      eventId: birth.eventId,
      type: 'BirthRegistered',
      pin: pins[1],
      revision: 0,
      effectiveAt: '2024-03-05',
      recordedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      data: {
        name: { familyName: 'Lò', middleName: null, givenName: 'Thị Mai' },
        sex: 'male',
        dateOfBirth: '2024-03-05',
        motherPin: pins[0],
        fatherPin: null,
      },
    });
  });

  it('audits every page an agency reads: the agency, and exactly the PINs on the page', async () => {
    const started = new Date(Date.now() - 1000);
    const token = api.agencyToken('election');
    const page = await api.call('GET', `/v1/feeds/election/events?limit=5${head ? `&after=${head}` : ''}`, token);
    expect(page.status).toBe(200);
    expect(page.body.events.length).toBeGreaterThan(0);
    const { rows } = await pool.query(
      "SELECT role, agency, action, pins FROM audit_records WHERE sub = 'agency-election' AND at >= $1",
      [started],
    );
    const onPage = [...new Set(page.body.events.map((e: { pin: string }) => e.pin))];
    expect(rows).toEqual([{ role: 'agency', agency: 'election', action: 'feed', pins: onPage }]);
  });

  it('resumes exactly after a given event, and an empty page answers next = after', async () => {
    const token = api.agencyToken('tax');
    const all = expectedOn(entitlements.get('tax')!.topic);
    const from = all[2];
    const page = await api.call('GET', `/v1/feeds/tax/events?after=${from.position}&limit=1000`, token);
    expect(page.status).toBe(200);
    const ids = page.body.events
      .filter((e: { pin: string }) => pins.includes(e.pin))
      .map((e: { eventId: string }) => e.eventId);
    expect(ids).toEqual(all.slice(3).map((e) => e.event_id));
    const end = page.body.next;
    const empty = await api.call('GET', `/v1/feeds/tax/events?after=${end}`, token);
    if (empty.body.events.length === 0) expect(empty.body).toEqual({ events: [], next: end, caughtUp: true });
  });

  it('gives 100 events by default and at most 1000', async () => {
    const token = api.agencyToken('vss');
    const page = await api.call('GET', '/v1/feeds/vss/events', token);
    expect(page.status).toBe(200);
    expect(page.body.events.length).toBeLessThanOrEqual(100);
    expect((await api.call('GET', '/v1/feeds/vss/events?limit=1000', token)).status).toBe(200);
    expect((await api.call('GET', '/v1/feeds/vss/events?limit=1001', token)).status).toBe(400);
  });

  it.each([
    ['an unparsable after', 'after=yesterday'],
    ['an after beyond any position', 'after=99999999999999999999-1'],
    ['a zero limit', 'limit=0'],
    ['a limit that is no number', 'limit=ten'],
    ['an unknown parameter', 'from=0'],
  ])('answers 400 VALIDATION_FAILED to %s', async (_, query) => {
    const answer = await api.call('GET', `/v1/feeds/vss/events?${query}`, api.agencyToken('vss'));
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('VALIDATION_FAILED');
    expect(answer.body.error.details.length).toBeGreaterThan(0);
  });

  it("refuses another agency's feed with 403, whether that agency exists or not", async () => {
    for (const feed of ['vss', 'police']) {
      const answer = await api.call('GET', `/v1/feeds/${feed}/events`, api.agencyToken('tax'));
      expect(answer.status).toBe(403);
      expect(answer.body.error.code).toBe('FORBIDDEN');
    }
  });

  it('refuses an agency without an entitlement with 403 AGENCY_NOT_ENTITLED', async () => {
    const answer = await api.call('GET', '/v1/feeds/police/events', api.agencyToken('police'));
    expect(answer.status).toBe(403);
    expect(answer.body.error.code).toBe('AGENCY_NOT_ENTITLED');
  });

  it('needs a token (401) with the agency role (403)', async () => {
    expect((await api.call('GET', '/v1/feeds/vss/events', null)).status).toBe(401);
    expect((await api.call('GET', '/v1/feeds/vss/events', api.officerToken())).status).toBe(403);
    expect((await api.call('GET', '/v1/feeds/vss/events', api.agencyToken('vss', ['officer']))).status).toBe(403);
  });
});

describe('relay status (GET /health, GET /v1/operations/change-feed)', () => {
  it('shows the relay leading, caught up to the head of the store, with no lag', async () => {
    const operator = api.operatorToken();
    const deadline = Date.now() + 30_000;
    let answer = await api.call('GET', '/v1/operations/change-feed', operator);
    // The checkpoints are written just after Kafka acknowledges: wait for the last one.
    while (answer.body.lag?.events !== 0 && Date.now() < deadline)
      answer = await api.call('GET', '/v1/operations/change-feed', operator);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      name: relayName,
      kafkaConfigured: true,
      leaderElected: true,
      local: { state: 'relaying', lastError: null },
      position: await headPosition(),
      lag: { events: 0, seconds: 0 },
    });
    expect(answer.body.topics.map((t: { topic: string }) => t.topic)).toEqual(TOPICS);
    const health = await api.call('GET', '/health', null);
    expect(health.body.info.relay).toMatchObject({
      status: 'up',
      lagEvents: 0,
      lagSeconds: 0,
      position: answer.body.position,
      leaderElected: true,
      relaysHere: true,
    });
  });

  it('shows the lag while events wait for the relay: events behind and seconds waited', async () => {
    // A relay name that never ran has no checkpoints: everything in the store is behind it.
    const config = api.app.get<ChangeFeedConfig>(CHANGE_FEED_CONFIG);
    const neverRan = new RelayLag(
      api.app.get(PG_POOL),
      api.app.get(EVENT_STORE),
      { ...config, relayName: `never-ran-${relayName}` },
      api.app.get(AgencyEntitlements),
      api.app.get(ChangeFeedRunner),
    );
    const report = await neverRan.report();
    expect(report.lag.events).toBeGreaterThanOrEqual(mine.length);
    expect(report.lag.seconds).toBeGreaterThan(0);
    expect(report).toMatchObject({ position: null, leaderElected: false });
    expect(report.topics.every((topic) => topic.position === null)).toBe(true);
  });

  it('is for operators only (403 for an officer)', async () => {
    expect((await api.call('GET', '/v1/operations/change-feed', api.officerToken())).status).toBe(403);
  });
});

describe('an independent client: kcat (librdkafka) and protoc --decode against proto/', () => {
  const ROOT = join(__dirname, '..', '..', '..', '..');

  it('reads an agency record with its headers and decodes it with nothing but the .proto files', () => {
    const record = on('registry.agency.vss.v1').find((r) => r.headers['event-type'] === 'BirthRegistered')!;
    const kcat = (format: string) =>
      execFileSync('kcat', [
        '-C',
        '-q',
        '-e',
        '-c',
        '1',
        '-b',
        kafka.brokers.join(','),
        '-t',
        record.topic,
        '-p',
        String(record.partition),
        '-o',
        record.offset,
        '-f',
        format,
      ]);
    const value = kcat('%s');
    expect(value.equals(record.value)).toBe(true);
    expect(kcat('%h').toString()).toBe(
      `event-id=${record.headers['event-id']},event-type=BirthRegistered,schema-version=1,content-type=application/x-protobuf`,
    );
    const decoded = execFileSync(
      'protoc',
      ['--decode=registry.v1.CitizenEvent', '-I', join(ROOT, 'proto'), 'registry/v1/citizen_event.proto'],
      { input: value },
    ).toString();
    expect(decoded).toContain(`event_id: "${record.headers['event-id']}"`);
    expect(decoded).toContain(`pin: "${record.key}"`);
    expect(decoded).toMatch(/birth_registered \{[\s\S]*given_name: "[^"]+"[\s\S]*sex: SEX_(MALE|FEMALE)/);
    expect(decoded).not.toContain('ethnicity'); // vss is not entitled to it: absent from the bytes
  });
});
