/**
 * The test server driven by the real client (@kurrent/kurrentdb-client): grpc-js for appends,
 * deletes and subscriptions, the native reader for reads. Each behaviour is checked on both
 * append paths the client can pick.
 */
import { randomUUID } from 'node:crypto';
import { credentials } from '@grpc/grpc-js';
import {
  BACKWARDS,
  END,
  KurrentDBClient,
  START,
  eventTypeFilter,
  jsonEvent,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type Position,
  type ResolvedEvent,
} from '@kurrent/kurrentdb-client';
import { GossipClient } from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/gossip_grpc_pb';
import { MemberInfo, type ClusterInfo } from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/gossip_pb';
import { Empty } from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/shared_pb';
import { startKurrentDbTestServer, type KurrentDbTestServer } from './index';

const event = (type: string, data: Record<string, unknown> = {}, id = randomUUID()) =>
  jsonEvent({ id, type, data, metadata: { by: 'test' } });
const newStream = (prefix = 'srv') => `${prefix}-${randomUUID()}`;

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

async function rejection(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected a rejection');
}

const MAX_APPEND_SIZE = 64 * 1024;

describe.each([
  ['BatchAppend advertised', true],
  ['classic Append only', false],
])('KurrentDB test server (%s)', (_label, batchAppend) => {
  let server: KurrentDbTestServer;
  let client: KurrentDBClient;

  beforeAll(async () => {
    server = await startKurrentDbTestServer({ batchAppend, maxAppendSize: MAX_APPEND_SIZE });
    client = KurrentDBClient.connectionString(server.connectionString);
  });
  afterAll(async () => {
    await client.dispose();
    await server.stop();
  });

  describe('append', () => {
    it('goes through the append path the server advertises', async () => {
      await client.appendToStream(newStream(), event('Picked'));
      expect(server.callCount('ServerFeatures/GetSupportedMethods')).toBeGreaterThan(0);
      expect(server.callCount('Streams/BatchAppend') > 0).toBe(batchAppend);
      expect(server.callCount('Streams/Append') > 0).toBe(!batchAppend);
    });

    it('numbers revisions from 0 and reports the last event position', async () => {
      const stream = newStream();
      const first = await client.appendToStream(stream, [event('A'), event('B')], { streamState: 'no_stream' });
      const second = await client.appendToStream(stream, event('C'), { streamState: 1n });
      expect(first.nextExpectedRevision).toBe(1n);
      expect(second.nextExpectedRevision).toBe(2n);
      const [last] = await collect(client.readStream(stream, { direction: BACKWARDS, fromRevision: END, maxCount: 1 }));
      expect(last.event?.position).toEqual(second.position);
      expect(second.position!.commit > first.position!.commit).toBe(true);
    });

    it('rejects a wrong expected revision with the current one', async () => {
      const stream = newStream();
      await client.appendToStream(stream, [event('A'), event('B')], { streamState: 'no_stream' });
      const stale = await rejection(client.appendToStream(stream, event('X'), { streamState: 0n }));
      expect(stale.type).toBe('wrong-expected-version');
      expect(stale.streamName).toBe(stream);
      expect(stale.expectedState).toBe(0n);
      expect(stale.actualState).toBe(1n);
      const exists = await rejection(client.appendToStream(stream, event('X'), { streamState: 'no_stream' }));
      expect(exists.expectedState).toBe('no_stream');
      const missing = await rejection(client.appendToStream(newStream(), event('X'), { streamState: 'stream_exists' }));
      expect(missing.type).toBe('wrong-expected-version');
      expect(missing.actualState).toBe('no_stream');
    });

    it('treats a repeated append as idempotent and a partial overlap as a conflict', async () => {
      const stream = newStream();
      const batch = [event('A'), event('B')];
      const first = await client.appendToStream(stream, batch, { streamState: 'no_stream' });
      const again = await client.appendToStream(stream, batch, { streamState: 'no_stream' });
      expect(again.nextExpectedRevision).toBe(first.nextExpectedRevision);
      expect(again.position).toEqual(first.position);
      const anyAgain = await client.appendToStream(stream, batch, { streamState: 'any' });
      expect(anyAgain.nextExpectedRevision).toBe(1n);
      const partial = await rejection(
        client.appendToStream(stream, [batch[0], event('X')], { streamState: 'no_stream' }),
      );
      expect(partial.type).toBe('wrong-expected-version');
      const partialAny = await rejection(client.appendToStream(stream, [batch[1], event('Y')], { streamState: 'any' }));
      expect(partialAny.type).toBe('wrong-expected-version');
      expect((await collect(client.readStream(stream))).map((e) => e.event?.type)).toEqual(['A', 'B']);
    });

    it('rejects an append over the maximum append size and writes nothing', async () => {
      const stream = newStream();
      const error = await rejection(client.appendToStream(stream, event('Big', { blob: 'x'.repeat(MAX_APPEND_SIZE) })));
      expect(error.type).toBe('maximum-append-size-exceeded');
      expect(error.maxAppendSize).toBe(MAX_APPEND_SIZE);
      expect((await rejection(collect(client.readStream(stream)))).type).toBe('stream-not-found');
    });

    it('splits nothing: a batch of many events lands as one append', async () => {
      const stream = newStream();
      const result = await client.appendToStream(
        stream,
        Array.from({ length: 300 }, (_, i) => event('E', { i })),
      );
      expect(result.nextExpectedRevision).toBe(299n);
      const events = await collect(client.readStream(stream));
      expect(events.map((e) => (e.event?.data as { i: number }).i)).toEqual(Array.from({ length: 300 }, (_, i) => i));
      expect(new Set(events.map((e) => e.event?.position?.commit)).size).toBe(1);
    });
  });

  describe('read a stream', () => {
    it('reads forwards and backwards, from a revision, up to a count, with data and metadata', async () => {
      const stream = newStream();
      await client.appendToStream(
        stream,
        ['A', 'B', 'C', 'D'].map((t, i) => event(t, { i, text: 'Đức' })),
      );
      const types = (events: ResolvedEvent[]) => events.map((e) => e.event?.type);
      expect(types(await collect(client.readStream(stream)))).toEqual(['A', 'B', 'C', 'D']);
      expect(types(await collect(client.readStream(stream, { fromRevision: 1n, maxCount: 2 })))).toEqual(['B', 'C']);
      expect(types(await collect(client.readStream(stream, { direction: BACKWARDS, fromRevision: END })))).toEqual([
        'D',
        'C',
        'B',
        'A',
      ]);
      expect(types(await collect(client.readStream(stream, { direction: BACKWARDS, fromRevision: 1n })))).toEqual([
        'B',
        'A',
      ]);
      const [first] = await collect(client.readStream(stream, { maxCount: 1 }));
      expect(first.event).toMatchObject({
        streamId: stream,
        revision: 0n,
        isJson: true,
        data: { i: 0, text: 'Đức' },
        metadata: { by: 'test' },
      });
      expect(first.event?.created).toBeInstanceOf(Date);
    });

    it('reports a missing stream as StreamNotFound', async () => {
      const error = await rejection(collect(client.readStream(newStream())));
      expect(error.type).toBe('stream-not-found');
    });
  });

  describe('delete and tombstone', () => {
    it('a soft-deleted stream reads as not found until written again; revisions continue', async () => {
      const stream = newStream();
      await client.appendToStream(stream, [event('A'), event('B')]);
      await client.deleteStream(stream, { expectedRevision: 1n });
      expect((await rejection(collect(client.readStream(stream)))).type).toBe('stream-not-found');
      const revived = await client.appendToStream(stream, event('C'), { streamState: 'no_stream' });
      expect(revived.nextExpectedRevision).toBe(2n);
      const events = await collect(client.readStream(stream));
      expect(events.map((e) => [e.event?.type, e.event?.revision])).toEqual([['C', 2n]]);
    });

    it('a tombstoned stream refuses reads, appends and deletes with StreamDeleted', async () => {
      const stream = newStream();
      await client.appendToStream(stream, event('A'));
      await client.tombstoneStream(stream);
      expect((await rejection(collect(client.readStream(stream)))).type).toBe('stream-deleted');
      const append = await rejection(client.appendToStream(stream, event('B')));
      expect(append.type).toBe('stream-deleted');
      expect(append.streamName).toBe(stream);
      expect((await rejection(client.deleteStream(stream))).type).toBe('stream-deleted');
      expect((await rejection(client.tombstoneStream(stream))).type).toBe('stream-deleted');
    });

    it('a delete with a wrong expected revision fails with the wrong-expected-version trailers', async () => {
      const stream = newStream();
      await client.appendToStream(stream, [event('A'), event('B')]);
      const error = await rejection(client.deleteStream(stream, { expectedRevision: 0n }));
      expect(error.type).toBe('wrong-expected-version');
      expect(error.streamName).toBe(stream);
      expect(error.expectedState).toBe(0n);
      expect(error.actualState).toBe(1n);
      const missing = await rejection(client.tombstoneStream(newStream(), { expectedRevision: 3n }));
      expect(missing.actualState).toBe('no_stream');
    });
  });

  describe('read $all', () => {
    it('starts with system records and reads forwards, from a position (inclusive) and backwards', async () => {
      const stream = newStream();
      await client.appendToStream(stream, [event('A'), event('B'), event('C')]);
      const all = await collect(client.readAll());
      expect(all[0].event?.type.startsWith('$')).toBe(true);
      const mine = all.filter((e) => e.event?.streamId === stream);
      expect(mine.map((e) => e.event?.type)).toEqual(['A', 'B', 'C']);
      const fromB = await collect(client.readAll({ fromPosition: mine[1].event!.position, maxCount: 2 }));
      expect(fromB.map((e) => e.event?.type)).toEqual(['B', 'C']);
      const beforeB = await collect(
        client.readAll({ direction: BACKWARDS, fromPosition: mine[1].event!.position, maxCount: 1 }),
      );
      expect(beforeB.map((e) => e.event?.type)).toEqual(['A']);
      const last = await collect(client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 }));
      expect(last[0].event?.type).toBe('C');
      expect(typeof last[0].commitPosition).toBe('bigint');
    });

    it('filters on stream prefix, event type prefix and event type regex', async () => {
      const tag = randomUUID().slice(0, 8);
      await client.appendToStream(newStream(`a${tag}`), [event(`Apple${tag}`), event(`Banana${tag}`)]);
      await client.appendToStream(newStream(`b${tag}`), [event(`Apricot${tag}`)]);
      const types = (events: AllStreamResolvedEvent[]) => events.map((e) => e.event?.type);
      expect(types(await collect(client.readAll({ filter: streamNameFilter({ prefixes: [`a${tag}`] }) })))).toEqual([
        `Apple${tag}`,
        `Banana${tag}`,
      ]);
      expect(
        types(await collect(client.readAll({ filter: eventTypeFilter({ prefixes: ['Ap'] }) }))).filter((t) =>
          t?.endsWith(tag),
        ),
      ).toEqual([`Apple${tag}`, `Apricot${tag}`]);
      expect(types(await collect(client.readAll({ filter: eventTypeFilter({ regex: `^Ban.*${tag}$` }) })))).toEqual([
        `Banana${tag}`,
      ]);
      const counted = await collect(
        client.readAll({ filter: streamNameFilter({ prefixes: [`a${tag}`, `b${tag}`] }), maxCount: 2 }),
      );
      expect(types(counted)).toEqual([`Apple${tag}`, `Banana${tag}`]);
    });
  });

  describe('subscriptions', () => {
    it('to a stream: catches up, reports caught-up, then delivers live', async () => {
      const stream = newStream();
      await client.appendToStream(stream, [event('A'), event('B')]);
      const subscription = client.subscribeToStream(stream, { fromRevision: START });
      const caughtUp = new Promise((resolve) => subscription.once('caughtUp', resolve));
      const seen: string[] = [];
      setTimeout(() => void caughtUp.then(() => client.appendToStream(stream, event('C'))), 0);
      for await (const { event: e } of subscription) {
        seen.push(e!.type);
        if (seen.length === 3) break;
      }
      expect(seen).toEqual(['A', 'B', 'C']);
    });

    it('to $all from a position (exclusive), filtered, with checkpoints, caught-up and live events', async () => {
      const prefix = `sub${randomUUID().slice(0, 8)}`;
      const first = await client.appendToStream(newStream(prefix), event('First'));
      await client.appendToStream(newStream(prefix), event('Second'));
      // Unmatched records still advance the filter's search window and so produce checkpoints.
      await client.appendToStream(
        newStream('noise'),
        Array.from({ length: 70 }, () => event('Noise')),
      );
      const checkpoints: Position[] = [];
      const subscription = client.subscribeToAll({
        fromPosition: first.position,
        filter: streamNameFilter({
          prefixes: [prefix],
          checkpointReached: (_s, position) => void checkpoints.push(position),
        }),
      });
      const caughtUp = new Promise((resolve) => subscription.once('caughtUp', resolve));
      setTimeout(() => void caughtUp.then(() => client.appendToStream(newStream(prefix), event('Live'))), 0);
      const seen: string[] = [];
      for await (const { event: e } of subscription) {
        seen.push(e!.type);
        if (seen.length === 2) break;
      }
      expect(seen).toEqual(['Second', 'Live']);
      expect(checkpoints.length).toBeGreaterThan(0);
      expect(typeof checkpoints[0].commit).toBe('bigint');
    });

    it('to a stream that is soft-deleted and written again: delivers the new events', async () => {
      const stream = newStream();
      await client.appendToStream(stream, event('A'));
      const subscription = client.subscribeToStream(stream, { fromRevision: START });
      const caughtUp = new Promise((resolve) => subscription.once('caughtUp', resolve));
      setTimeout(
        () =>
          void caughtUp
            .then(() => client.deleteStream(stream))
            .then(() => client.appendToStream(stream, event('B'), { streamState: 'no_stream' })),
        0,
      );
      const seen: Array<[string, bigint]> = [];
      for await (const { event: e } of subscription) {
        seen.push([e!.type, e!.revision]);
        if (seen.length === 2) break;
      }
      expect(seen).toEqual([
        ['A', 0n],
        ['B', 1n],
      ]);
    });

    it('to a tombstoned stream fails with StreamDeleted', async () => {
      const stream = newStream();
      await client.appendToStream(stream, event('A'));
      await client.tombstoneStream(stream);
      const error = await rejection(collect(client.subscribeToStream(stream)));
      expect(error.type).toBe('stream-deleted');
    });
  });
});

describe('KurrentDB test server lifecycle', () => {
  let server: KurrentDbTestServer;

  beforeAll(async () => {
    server = await startKurrentDbTestServer();
  });
  afterAll(async () => {
    await server.stop();
  });

  it('restarts on the same port with the same data, and a client reconnects', async () => {
    const client = KurrentDBClient.connectionString(server.connectionString);
    const stream = newStream();
    await client.appendToStream(stream, event('Before'));
    const port = server.port;
    await server.restart();
    expect(server.port).toBe(port);
    const reads = await collect(client.readStream(stream));
    expect(reads.map((e) => e.event?.type)).toEqual(['Before']);
    await client.dispose();
  });

  it('answers gossip with a single live leader at its own address', async () => {
    const gossip = new GossipClient(`127.0.0.1:${server.port}`, credentials.createInsecure());
    const info = await new Promise<ClusterInfo>((resolve, reject) =>
      gossip.read(new Empty(), (error, response) => (error ? reject(error) : resolve(response))),
    );
    gossip.close();
    const [member] = info.getMembersList();
    expect(member.getState()).toBe(MemberInfo.VNodeState.LEADER);
    expect(member.getIsAlive()).toBe(true);
    expect(member.getHttpEndPoint()?.getPort()).toBe(server.port);
  });
});
