import { connect, type Socket } from 'node:net';
import { type Admin, type Consumer, type ConsumerConfig, Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { createFaultySockets, type KafkaTestBroker, startKafkaTestBroker } from './index';

/* eslint-disable @typescript-eslint/no-require-imports */
// kafkajs's own request encoders, to talk to the broker below the client's retry logic.
const createRequest: (args: {
  request: unknown;
  correlationId: number;
  clientId: string;
}) => Promise<{ buffer: Buffer }> = require('kafkajs/src/protocol/request');
const produceV3Request: (args: object) => unknown = require('kafkajs/src/protocol/requests/produce/v3/request');
const produceV3Response: {
  decode(body: Buffer): Promise<{ topics: Array<{ partitions: Array<{ errorCode: number; baseOffset: string }> }> }>;
} = require('kafkajs/src/protocol/requests/produce/v3/response');
/* eslint-enable @typescript-eslint/no-require-imports */

const PRODUCE_API_KEY = 0;
// Short group timings keep rebalances fast; sessions must still outlive a fetch long poll.
const GROUP_TIMINGS: Partial<ConsumerConfig> = { sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 500 };

interface Received {
  readonly partition: number;
  readonly offset: number;
  readonly key: string;
  readonly value: string;
  readonly headers: Record<string, string>;
}

interface RunningConsumer {
  readonly consumer: Consumer;
  readonly received: Received[];
  /** Partitions of the topic from the consumer's latest group join. */
  assigned(): number[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(what: string, condition: () => boolean, timeoutMs = 15000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

const sorted = (numbers: number[]) => [...numbers].sort((a, b) => a - b);

describe('Kafka test broker, driven by the real kafkajs client over TCP', () => {
  let broker: KafkaTestBroker;
  let kafka: Kafka;
  let names = 0;
  const cleanups: Array<() => Promise<void>> = [];

  const uniqueName = (prefix: string) => `${prefix}-${++names}`;

  beforeAll(async () => {
    broker = await startKafkaTestBroker({ defaultPartitions: 3 });
    kafka = new Kafka({ clientId: 'broker-spec', brokers: broker.brokers, logLevel: logLevel.NOTHING });
  });

  afterEach(async () => {
    // Disconnect in reverse order of creation; a failing test must not leak clients into the next.
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  });

  afterAll(async () => {
    await broker.stop();
  });

  async function connected<T extends Admin | Producer | Consumer>(client: T): Promise<T> {
    cleanups.push(() => client.disconnect());
    await client.connect();
    return client;
  }

  const newAdmin = () => connected(kafka.admin());

  const newProducer = (client: Kafka = kafka) =>
    connected(
      client.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner }),
    );

  async function createTopic(partitions: number): Promise<string> {
    const topic = uniqueName('topic');
    const admin = await newAdmin();
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }] });
    return topic;
  }

  async function startConsumer(
    topic: string,
    config: Partial<ConsumerConfig> & { groupId: string },
    client: Kafka = kafka,
  ): Promise<RunningConsumer> {
    const consumer = await connected(client.consumer({ ...GROUP_TIMINGS, ...config }));
    const received: Received[] = [];
    let assigned: number[] = [];
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      assigned = sorted(payload.memberAssignment[topic] ?? []);
    });
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        received.push({
          partition,
          offset: Number(message.offset),
          key: message.key?.toString() ?? '',
          value: message.value?.toString() ?? '',
          headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])),
        });
      },
    });
    return { consumer, received, assigned: () => assigned };
  }

  it('creates topics with the requested partitions and serves their metadata', async () => {
    const admin = await newAdmin();
    const [four, standard] = [uniqueName('admin'), uniqueName('admin')];

    expect(await admin.createTopics({ topics: [{ topic: four, numPartitions: 4 }, { topic: standard }] })).toBe(true);
    expect(await admin.createTopics({ topics: [{ topic: four, numPartitions: 4 }] })).toBe(false); // already exists
    await expect(
      admin.createTopics({ topics: [{ topic: uniqueName('admin'), replicationFactor: 3 }] }),
    ).rejects.toThrow();

    expect(await admin.listTopics()).toEqual(expect.arrayContaining([four, standard]));
    const { topics } = await admin.fetchTopicMetadata({ topics: [four, standard] });
    const partitionsByTopic = Object.fromEntries(topics.map((t) => [t.name, t.partitions])); // kafkajs returns any order
    expect(partitionsByTopic[four].map((p) => p.partitionId).sort()).toEqual([0, 1, 2, 3]);
    expect(partitionsByTopic[standard]).toHaveLength(3); // the broker's default
    for (const partition of partitionsByTopic[four]) {
      expect(partition).toMatchObject({ leader: 0, replicas: [0], isr: [0] });
    }
    expect(await admin.fetchTopicOffsets(four)).toEqual(
      [0, 1, 2, 3].map((partition) => expect.objectContaining({ partition, offset: '0', high: '0', low: '0' })),
    );
    expect(broker.topics()).toEqual(expect.arrayContaining([four, standard]));

    await admin.createPartitions({ topicPartitions: [{ topic: standard, count: 5 }] });
    expect((await admin.fetchTopicMetadata({ topics: [standard] })).topics[0].partitions).toHaveLength(5);
    await admin.deleteTopics({ topics: [standard] });
    expect(await admin.listTopics()).not.toContain(standard);
  });

  it('delivers keyed messages with headers, in order per partition, to a consumer group', async () => {
    const topic = await createTopic(3);
    const producer = await newProducer();
    const sent = Array.from({ length: 60 }, (_, i) => ({
      key: `customer-${i % 7}`,
      value: `event-${i}`,
      headers: { 'event-number': String(i), source: 'spec' },
    }));
    // Several sends: several batches per partition, each one idempotent.
    for (let i = 0; i < sent.length; i += 15) await producer.send({ topic, messages: sent.slice(i, i + 15) });

    const { received } = await startConsumer(topic, { groupId: uniqueName('group') });
    await waitFor('all messages', () => received.length >= sent.length);
    await sleep(200);
    expect(received).toHaveLength(sent.length);

    const partitions = [...new Set(received.map((m) => m.partition))];
    expect(partitions.length).toBeGreaterThan(1);
    for (const partition of partitions) {
      const inPartition = received.filter((m) => m.partition === partition);
      expect(inPartition.map((m) => m.offset)).toEqual(inPartition.map((_, i) => i));
      const numbers = inPartition.map((m) => Number(m.headers['event-number']));
      expect(numbers).toEqual(sorted(numbers)); // produce order within the partition
      // The same key always lands on the same partition.
      for (const message of inPartition) {
        expect(received.filter((m) => m.key === message.key).every((m) => m.partition === partition)).toBe(true);
      }
    }
    for (const message of received) {
      const original = sent[Number(message.headers['event-number'])];
      expect(message).toMatchObject({ key: original.key, value: original.value, headers: original.headers });
    }
    expect(await broker.records(topic)).toHaveLength(sent.length);
  });

  it('resumes a group from its committed offsets with a new consumer', async () => {
    const topic = await createTopic(3);
    const groupId = uniqueName('group');
    const producer = await newProducer();
    const first = Array.from({ length: 12 }, (_, i) => ({ key: `k${i}`, value: `first-${i}` }));
    await producer.send({ topic, messages: first });

    const earlier = await startConsumer(topic, { groupId });
    await waitFor('first messages', () => earlier.received.length >= first.length);
    await earlier.consumer.disconnect(); // commits what was processed, then leaves the group

    const admin = await newAdmin();
    const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
    const committedTotal = committed[0].partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
    expect(committedTotal).toBe(first.length);

    const second = Array.from({ length: 6 }, (_, i) => ({ key: `k${i}`, value: `second-${i}` }));
    await producer.send({ topic, messages: second });
    const later = await startConsumer(topic, { groupId });
    await waitFor('second messages', () => later.received.length >= second.length);
    await sleep(500);
    expect(later.received.map((m) => m.value).sort()).toEqual(second.map((m) => m.value).sort());
  });

  it('splits partitions between two members and gives all to the survivor after a LeaveGroup', async () => {
    const topic = await createTopic(4);
    const groupId = uniqueName('group');
    const one = await startConsumer(topic, { groupId });
    await waitFor('first member assigned', () => one.assigned().length === 4);
    const two = await startConsumer(topic, { groupId });
    await waitFor('partitions split', () => one.assigned().length === 2 && two.assigned().length === 2);
    expect(sorted([...one.assigned(), ...two.assigned()])).toEqual([0, 1, 2, 3]);

    const producer = await newProducer();
    await producer.send({
      topic,
      messages: [0, 1, 2, 3].map((partition) => ({ partition, value: `before-${partition}` })),
    });
    await waitFor('both consume', () => one.received.length + two.received.length === 4);
    expect(one.received.map((m) => m.partition).sort()).toEqual(one.assigned());

    await two.consumer.disconnect();
    await waitFor('survivor owns all partitions', () => one.assigned().length === 4, 10000);
    await producer.send({
      topic,
      messages: [0, 1, 2, 3].map((partition) => ({ partition, value: `after-${partition}` })),
    });
    await waitFor(
      'survivor consumes everything',
      () => one.received.filter((m) => m.value.startsWith('after')).length === 4,
    );
  });

  it('evicts a member that vanished without LeaveGroup once its session times out', async () => {
    const topic = await createTopic(4);
    const groupId = uniqueName('group');
    const faults = createFaultySockets();
    const doomedClient = new Kafka({
      clientId: 'doomed',
      brokers: broker.brokers,
      logLevel: logLevel.NOTHING,
      socketFactory: faults.socketFactory,
      retry: { retries: 0 },
    });

    const survivor = await startConsumer(topic, { groupId });
    await waitFor('first member assigned', () => survivor.assigned().length === 4);
    const doomed = await startConsumer(
      topic,
      { groupId, retry: { retries: 0, restartOnFailure: async () => false } },
      doomedClient,
    );
    await waitFor('partitions split', () => survivor.assigned().length === 2 && doomed.assigned().length === 2);

    faults.kill();
    const killedAt = Date.now();
    await waitFor('survivor owns all partitions', () => survivor.assigned().length === 4, 15000);
    const takeoverMs = Date.now() - killedAt;
    // Only the session timeout (6 s after the last heartbeat) can have removed the dead member.
    expect(takeoverMs).toBeGreaterThan(4000);

    const producer = await newProducer();
    await producer.send({
      topic,
      messages: [0, 1, 2, 3].map((partition) => ({ partition, value: `after-${partition}` })),
    });
    await waitFor('survivor consumes everything', () => survivor.received.length === 4);
  });

  it('answers a waiting fetch as soon as a record is produced (long polling)', async () => {
    const topic = await createTopic(1);
    const consumer = await connected(kafka.consumer({ groupId: uniqueName('group'), maxWaitTimeInMs: 3000 }));
    let fetches = 0;
    let receivedAt = 0;
    consumer.on(consumer.events.FETCH, () => fetches++);
    const joined = new Promise((resolve) => consumer.on(consumer.events.GROUP_JOIN, resolve));
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async () => {
        receivedAt = Date.now();
      },
    });
    await joined;
    await sleep(1000);
    // An idle consumer is parked in the broker rather than polling in a loop.
    expect(fetches).toBeLessThanOrEqual(1);

    const producer = await newProducer();
    const producedAt = Date.now();
    await producer.send({ topic, messages: [{ value: 'wake up' }] });
    await waitFor('the message', () => receivedAt > 0, 5000);
    expect(receivedAt - producedAt).toBeLessThan(1000);
  });

  it('stores a produce retried by kafkajs after a lost response only once', async () => {
    const topic = await createTopic(1);
    const faults = createFaultySockets();
    const client = new Kafka({
      clientId: 'retrying',
      brokers: broker.brokers,
      logLevel: logLevel.NOTHING,
      socketFactory: faults.socketFactory,
    });
    const producer = await newProducer(client);

    const dropped = faults.dropNextResponse(PRODUCE_API_KEY);
    await producer.send({ topic, messages: [{ value: 'a' }, { value: 'b' }, { value: 'c' }] });
    await dropped; // the first attempt was appended, but kafkajs never saw the answer and sent it again
    await producer.send({ topic, messages: [{ value: 'd' }] });

    expect((await broker.records(topic)).map((r) => [r.offset, r.value?.toString()])).toEqual([
      [0, 'a'],
      [1, 'b'],
      [2, 'c'],
      [3, 'd'],
    ]);
  });

  describe('idempotence at the protocol level', () => {
    let socket: Socket;
    let correlationId = 0;

    beforeEach(async () => {
      socket = connect({ host: broker.host, port: broker.port });
      await new Promise((resolve) => socket.once('connect', resolve));
    });

    afterEach(() => {
      socket.destroy();
    });

    async function produceBatch(topic: string, firstSequence: number, values: string[]): Promise<Buffer> {
      const request = produceV3Request({
        acks: -1,
        timeout: 1000,
        producerId: 4242,
        producerEpoch: 0,
        topicData: [
          { topic, partitions: [{ partition: 0, firstSequence, messages: values.map((value) => ({ value })) }] },
        ],
      });
      return (await createRequest({ request, correlationId: ++correlationId, clientId: 'raw' })).buffer;
    }

    async function send(frame: Buffer): Promise<{ errorCode: number; baseOffset: number }> {
      const response = new Promise<Buffer>((resolve) => {
        let received = Buffer.alloc(0);
        const onData = (chunk: Buffer) => {
          received = Buffer.concat([received, chunk]);
          if (received.length >= 4 && received.length >= 4 + received.readInt32BE(0)) {
            socket.off('data', onData);
            resolve(received.subarray(8)); // after size and correlation id
          }
        };
        socket.on('data', onData);
      });
      socket.write(frame);
      const decoded = await produceV3Response.decode(await response);
      const [partition] = decoded.topics[0].partitions;
      return { errorCode: partition.errorCode, baseOffset: Number(partition.baseOffset) };
    }

    it('acknowledges the same batch twice with one offset and rejects a sequence gap', async () => {
      const topic = await createTopic(1);
      const batch = await produceBatch(topic, 0, ['a', 'b', 'c']);

      expect(await send(batch)).toEqual({ errorCode: 0, baseOffset: 0 });
      expect(await send(batch)).toEqual({ errorCode: 0, baseOffset: 0 }); // a retry: same answer, not stored again
      expect(broker.endOffsets(topic)).toEqual([3]);

      expect(await send(await produceBatch(topic, 5, ['gap']))).toEqual({ errorCode: 45, baseOffset: -1 }); // OUT_OF_ORDER_SEQUENCE_NUMBER
      expect(await send(await produceBatch(topic, 3, ['d']))).toEqual({ errorCode: 0, baseOffset: 3 });
      expect((await broker.records(topic)).map((r) => r.value?.toString())).toEqual(['a', 'b', 'c', 'd']);
    });
  });
});
