import { connect, type Socket } from 'node:net';
import { type KafkaTestBroker, startKafkaTestBroker } from './index';

/*
 * Every API version the broker advertises is exercised with kafkajs's own encoder and decoder for
 * that exact version, including the versions a current kafkajs never picks. This is what keeps
 * "advertise only what is implemented" true.
 */

// kafkajs internals have no types; responses are checked field by field below.
type Decoded = Record<string, any>;
interface Protocol {
  request: { apiKey: number; expectResponse?: () => boolean };
  response: { decode(body: Buffer): Promise<Decoded>; parse(data: Decoded): Promise<Decoded> };
}
interface Definition {
  versions: string[];
  protocol(args: { version: number }): (options?: object) => Protocol;
}

/* eslint-disable @typescript-eslint/no-require-imports */
const { requests }: { requests: Record<string, Definition> } = require('kafkajs/src/protocol/requests');
const apiKeys: Record<string, number> = require('kafkajs/src/protocol/requests/apiKeys');
const createRequest: (args: {
  request: unknown;
  correlationId: number;
  clientId: string;
}) => Promise<{ buffer: Buffer }> = require('kafkajs/src/protocol/request');
/* eslint-enable @typescript-eslint/no-require-imports */

const EXPECTED_VERSIONS: Record<string, [number, number]> = {
  Produce: [3, 7],
  Fetch: [4, 11],
  ListOffsets: [1, 3],
  Metadata: [0, 6],
  OffsetCommit: [0, 5],
  OffsetFetch: [1, 4],
  GroupCoordinator: [0, 2], // kafkajs's name for FindCoordinator
  JoinGroup: [0, 5],
  Heartbeat: [0, 3],
  LeaveGroup: [0, 3],
  SyncGroup: [0, 3],
  DescribeGroups: [0, 2],
  ListGroups: [0, 2],
  ApiVersions: [0, 2],
  CreateTopics: [0, 3],
  DeleteTopics: [0, 1],
  InitProducerId: [0, 1],
  CreatePartitions: [0, 1],
};

const range = ([min, max]: [number, number]) => Array.from({ length: max - min + 1 }, (_, i) => min + i);
const cases = (api: string) => range(EXPECTED_VERSIONS[api]);

/** A bare connection that frames requests and matches responses by correlation id. */
class RawConnection {
  private received = Buffer.alloc(0);
  private nextCorrelationId = 0;
  private readonly waiting = new Map<number, (body: Buffer) => void>();
  /** Correlation ids in the order responses arrived. */
  readonly arrivals: number[] = [];

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      while (this.received.length >= 4 && this.received.length >= 4 + this.received.readInt32BE(0)) {
        const frame = this.received.subarray(4, 4 + this.received.readInt32BE(0));
        this.received = this.received.subarray(4 + frame.length);
        const correlationId = frame.readInt32BE(0);
        this.arrivals.push(correlationId);
        this.waiting.get(correlationId)?.(frame.subarray(4));
        this.waiting.delete(correlationId);
      }
    });
  }

  static async open(broker: KafkaTestBroker): Promise<RawConnection> {
    const socket = connect({ host: broker.host, port: broker.port });
    await new Promise((resolve) => socket.once('connect', resolve));
    return new RawConnection(socket);
  }

  /** Sends without waiting; the result resolves with the decoded and parsed response. */
  async call(api: string, version: number, options: object = {}): Promise<Decoded> {
    const { request, response } = requests[api].protocol({ version })(options);
    const correlationId = ++this.nextCorrelationId;
    const frame = await createRequest({ request, correlationId, clientId: 'raw-spec' });
    const body = await this.send(frame.buffer, correlationId);
    return response.parse(await response.decode(body));
  }

  /** Writes a complete frame; resolves with the response body (after the correlation id). */
  send(frame: Buffer, correlationId: number): Promise<Buffer> {
    const body = new Promise<Buffer>((resolve) => this.waiting.set(correlationId, resolve));
    this.socket.write(frame);
    return body;
  }

  close(): void {
    this.socket.destroy();
  }
}

describe('Kafka test broker protocol versions, checked with kafkajs encoders and decoders', () => {
  let broker: KafkaTestBroker;
  let raw: RawConnection;
  let groups = 0;

  beforeAll(async () => {
    broker = await startKafkaTestBroker({ defaultPartitions: 2 });
    broker.createTopic('data', 1);
    raw = await RawConnection.open(broker);
    await raw.call('Produce', 7, {
      acks: -1,
      timeout: 1000,
      topicData: [{ topic: 'data', partitions: [{ partition: 0, messages: [{ key: 'k', value: 'stored' }] }] }],
    });
  });

  afterAll(async () => {
    raw.close();
    await broker.stop();
  });

  /** A group with one member that finished join and sync, via the newest versions. */
  async function stableGroup(): Promise<{ groupId: string; memberId: string; generationId: number }> {
    const groupId = `group-${++groups}`;
    const join = (memberId: string) =>
      raw.call('JoinGroup', 5, {
        groupId,
        sessionTimeout: 10000,
        rebalanceTimeout: 10000,
        memberId,
        protocolType: 'consumer',
        groupProtocols: [{ name: 'assigner', metadata: Buffer.from('meta') }],
      });
    const joined = await join('').catch((error: { memberId: string }) => join(error.memberId));
    await raw.call('SyncGroup', 3, {
      groupId,
      generationId: joined.generationId,
      memberId: joined.memberId,
      groupAssignment: [{ memberId: joined.memberId, memberAssignment: Buffer.from('assignment') }],
    });
    return { groupId, memberId: joined.memberId, generationId: joined.generationId };
  }

  it('advertises exactly the implemented API version ranges', async () => {
    for (const version of cases('ApiVersions')) {
      const { apiVersions } = await raw.call('ApiVersions', version);
      const advertised = Object.fromEntries(
        apiVersions.map((v: Decoded) => [
          Object.keys(apiKeys).find((name) => apiKeys[name] === v.apiKey),
          [v.minVersion, v.maxVersion],
        ]),
      );
      expect(advertised).toEqual(EXPECTED_VERSIONS);
    }
  });

  it.each(cases('Metadata'))('Metadata v%i', async (version) => {
    const all = await raw.call('Metadata', version, { topics: [] });
    expect(all.topicMetadata.map((t: Decoded) => t.topic)).toContain('data');
    const one = await raw.call('Metadata', version, { topics: ['data'], allowAutoTopicCreation: false });
    expect(one.brokers).toEqual([expect.objectContaining({ nodeId: 0, host: broker.host, port: broker.port })]);
    expect(one.topicMetadata).toEqual([
      expect.objectContaining({ topic: 'data', partitionMetadata: [expect.objectContaining({ leader: 0 })] }),
    ]);
    await expect(raw.call('Metadata', version, { topics: ['missing'] })).rejects.toMatchObject({
      type: 'UNKNOWN_TOPIC_OR_PARTITION',
    });
  });

  it.each(cases('CreateTopics'))('CreateTopics v%i', async (version) => {
    await raw.call('CreateTopics', version, {
      topics: [{ topic: `created-${version}`, numPartitions: 4 }],
      timeout: 1000,
    });
    expect(broker.endOffsets(`created-${version}`)).toEqual([0, 0, 0, 0]);
    await expect(
      raw.call('CreateTopics', version, { topics: [{ topic: `created-${version}` }], timeout: 1000 }),
    ).rejects.toThrow();
  });

  it.each(cases('DeleteTopics'))('DeleteTopics v%i', async (version) => {
    broker.createTopic(`deleted-${version}`);
    await raw.call('DeleteTopics', version, { topics: [`deleted-${version}`], timeout: 1000 });
    expect(broker.topics()).not.toContain(`deleted-${version}`);
  });

  it.each(cases('CreatePartitions'))('CreatePartitions v%i', async (version) => {
    broker.createTopic(`grown-${version}`, 1);
    await raw.call('CreatePartitions', version, {
      topicPartitions: [{ topic: `grown-${version}`, count: 3 }],
      validateOnly: false,
      timeout: 1000,
    });
    expect(broker.endOffsets(`grown-${version}`)).toHaveLength(3);
  });

  it.each(cases('Produce'))('Produce v%i', async (version) => {
    const topic = `produced-${version}`;
    broker.createTopic(topic, 1);
    const messages = [{ key: 'a', value: `one-${version}`, headers: { h: 'x' } }, { value: `two-${version}` }];
    const { topics } = await raw.call('Produce', version, {
      acks: -1,
      timeout: 1000,
      topicData: [{ topic, partitions: [{ partition: 0, messages }] }],
    });
    expect(topics[0].partitions[0]).toMatchObject({ errorCode: 0, baseOffset: '0' });
    expect((await broker.records(topic)).map((r) => r.value?.toString())).toEqual([`one-${version}`, `two-${version}`]);
  });

  it.each(cases('Fetch'))('Fetch v%i', async (version) => {
    const fetchData = (fetchOffset: string) =>
      raw.call('Fetch', version, {
        replicaId: -1,
        maxWaitTime: 0,
        minBytes: 1,
        maxBytes: 1024 * 1024,
        topics: [{ topic: 'data', partitions: [{ partition: 0, fetchOffset, maxBytes: 1024 * 1024 }] }],
      });
    const { responses } = await fetchData('0');
    expect(responses[0].partitions[0]).toMatchObject({ errorCode: 0, highWatermark: '1' });
    expect(
      responses[0].partitions[0].messages.map((m: Decoded) => [m.offset, m.key.toString(), m.value.toString()]),
    ).toEqual([['0', 'k', 'stored']]);
    await expect(fetchData('7')).rejects.toMatchObject({ type: 'OFFSET_OUT_OF_RANGE' });
  });

  it.each(cases('ListOffsets'))('ListOffsets v%i', async (version) => {
    const { responses } = await raw.call('ListOffsets', version, {
      replicaId: -1,
      isolationLevel: 1,
      topics: [{ topic: 'data', partitions: [{ partition: 0, timestamp: -1 }] }],
    });
    expect(responses[0].partitions[0]).toMatchObject({ errorCode: 0, offset: '1' });
  });

  it.each(cases('GroupCoordinator'))('FindCoordinator v%i', async (version) => {
    const { coordinator } = await raw.call('GroupCoordinator', version, { groupId: 'any', coordinatorType: 0 });
    expect(coordinator).toEqual({ nodeId: 0, host: broker.host, port: broker.port });
  });

  it.each(cases('InitProducerId'))('InitProducerId v%i', async (version) => {
    const { producerId, producerEpoch } = await raw.call('InitProducerId', version, { transactionTimeout: 1000 });
    expect(Number(producerId)).toBeGreaterThan(0);
    expect(producerEpoch).toBe(0);
  });

  it.each(cases('JoinGroup'))('JoinGroup v%i', async (version) => {
    const groupId = `join-${version}`;
    const join = (memberId: string) =>
      raw.call('JoinGroup', version, {
        groupId,
        sessionTimeout: 10000,
        rebalanceTimeout: 10000,
        memberId,
        protocolType: 'consumer',
        groupProtocols: [{ name: 'assigner', metadata: Buffer.from('meta') }],
      });
    const joined =
      version >= 4
        ? await join('').catch((error: { type: string; memberId: string }) => {
            expect(error.type).toBe('MEMBER_ID_REQUIRED');
            return join(error.memberId);
          })
        : await join('');
    expect(joined).toMatchObject({ generationId: 1, groupProtocol: 'assigner', leaderId: joined.memberId });
    expect(joined.members).toEqual([
      expect.objectContaining({ memberId: joined.memberId, memberMetadata: Buffer.from('meta') }),
    ]);
  });

  it.each(cases('SyncGroup'))('SyncGroup v%i', async (version) => {
    const groupId = `sync-${version}`;
    const joined = await raw.call('JoinGroup', 3, {
      groupId,
      sessionTimeout: 10000,
      rebalanceTimeout: 10000,
      memberId: '',
      protocolType: 'consumer',
      groupProtocols: [{ name: 'assigner', metadata: Buffer.from('meta') }],
    });
    const { memberAssignment } = await raw.call('SyncGroup', version, {
      groupId,
      generationId: joined.generationId,
      memberId: joined.memberId,
      groupAssignment: [{ memberId: joined.memberId, memberAssignment: Buffer.from('assignment') }],
    });
    expect(memberAssignment).toEqual(Buffer.from('assignment'));
  });

  it.each(cases('Heartbeat'))('Heartbeat v%i', async (version) => {
    const { groupId, memberId, generationId } = await stableGroup();
    await expect(
      raw.call('Heartbeat', version, { groupId, groupGenerationId: generationId, memberId }),
    ).resolves.toMatchObject({ errorCode: 0 });
    await expect(
      raw.call('Heartbeat', version, { groupId, groupGenerationId: generationId + 1, memberId }),
    ).rejects.toMatchObject({
      type: 'ILLEGAL_GENERATION',
    });
    await expect(
      raw.call('Heartbeat', version, { groupId, groupGenerationId: generationId, memberId: 'stranger' }),
    ).rejects.toMatchObject({
      type: 'UNKNOWN_MEMBER_ID',
    });
  });

  it.each(cases('LeaveGroup'))('LeaveGroup v%i', async (version) => {
    const { groupId, memberId } = await stableGroup();
    await raw.call('LeaveGroup', version, { groupId, memberId });
    const { groups: described } = await raw.call('DescribeGroups', 2, { groupIds: [groupId] });
    expect(described[0]).toMatchObject({ state: 'Empty', members: [] });
  });

  it.each(cases('OffsetCommit'))('OffsetCommit v%i and OffsetFetch', async (version) => {
    // v0 has no generation: it is the "simple" commit, only allowed for groups without members.
    const { groupId, memberId, generationId } =
      version === 0 ? { groupId: `simple-${version}`, memberId: '', generationId: -1 } : await stableGroup();
    await raw.call('OffsetCommit', version, {
      groupId,
      groupGenerationId: generationId,
      memberId,
      topics: [{ topic: 'data', partitions: [{ partition: 0, offset: '1', metadata: 'note' }] }],
    });
    for (const fetchVersion of cases('OffsetFetch')) {
      const { responses } = await raw.call('OffsetFetch', fetchVersion, {
        groupId,
        topics: [{ topic: 'data', partitions: [{ partition: 0 }] }],
      });
      expect(responses[0].partitions[0]).toMatchObject({ partition: 0, offset: '1', metadata: 'note' });
    }
    await expect(
      raw.call('OffsetCommit', version, {
        groupId,
        groupGenerationId: generationId,
        memberId,
        topics: [{ topic: 'missing', partitions: [{ partition: 0, offset: '1' }] }],
      }),
    ).rejects.toMatchObject({ type: 'UNKNOWN_TOPIC_OR_PARTITION' });
  });

  it.each(cases('DescribeGroups'))('DescribeGroups v%i and ListGroups', async (version) => {
    const { groupId, memberId } = await stableGroup();
    const { groups: described } = await raw.call('DescribeGroups', version, { groupIds: [groupId, 'never-seen'] });
    expect(described[0]).toMatchObject({ groupId, state: 'Stable', protocolType: 'consumer', protocol: 'assigner' });
    expect(described[0].members).toEqual([
      expect.objectContaining({
        memberId,
        clientId: 'raw-spec',
        memberMetadata: Buffer.from('meta'),
        memberAssignment: Buffer.from('assignment'),
      }),
    ]);
    expect(described[1]).toMatchObject({ groupId: 'never-seen', state: 'Dead' });
    const { groups: listed } = await raw.call('ListGroups', version);
    expect(listed).toContainEqual({ groupId, protocolType: 'consumer' });
  });

  it('answers pipelined requests in order, even behind a long-polling fetch', async () => {
    const connection = await RawConnection.open(broker);
    try {
      const started = Date.now();
      const fetch = connection.call('Fetch', 11, {
        replicaId: -1,
        maxWaitTime: 300,
        minBytes: 1,
        maxBytes: 1024,
        topics: [{ topic: 'data', partitions: [{ partition: 0, fetchOffset: '1', maxBytes: 1024 }] }],
      });
      const metadata = connection.call('Metadata', 6, { topics: ['data'] });
      await Promise.all([fetch, metadata]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(250); // the fetch waited for data that never came
      expect(connection.arrivals).toEqual([1, 2]);
    } finally {
      connection.close();
    }
  });

  it('answers an ApiVersions version it does not know with UNSUPPORTED_VERSION in the v0 layout', async () => {
    const connection = await RawConnection.open(broker);
    try {
      // ApiVersions v3: size, api key, version, correlation id, null client id; the body is not read.
      const frame = Buffer.alloc(14);
      frame.writeInt32BE(10, 0);
      frame.writeInt16BE(apiKeys.ApiVersions, 4);
      frame.writeInt16BE(3, 6);
      frame.writeInt32BE(99, 8);
      frame.writeInt16BE(-1, 12);
      const body = await connection.send(frame, 99);
      expect(body.readInt16BE(0)).toBe(35); // UNSUPPORTED_VERSION
      expect(body.readInt32BE(2)).toBe(Object.keys(EXPECTED_VERSIONS).length); // the supported list follows
    } finally {
      connection.close();
    }
  });
});
