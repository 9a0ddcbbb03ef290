/**
 * The KurrentDB adapter against the in-process KurrentDB test server, once per append path the
 * client can take; with KURRENTDB_CONNECTION_STRING set, against that real server instead.
 */
import { randomUUID } from 'node:crypto';
import { startKurrentDbTestServer, type KurrentDbTestServer } from '@registry/testing/kurrentdb-server';
import { describeEventStoreContract, newEvent, newStreamId } from './contract/event-store.contract';
import type { EventStore, RecordedEvent } from './event-store.port';
import { InvalidEventStoreRequestError, StreamDeletedError, StreamNotFoundError } from './errors';
import { KurrentDbEventStore } from './kurrentdb';

const realServer = process.env.KURRENTDB_CONNECTION_STRING;

function harness(batchAppend: boolean) {
  const servers = new Map<EventStore, KurrentDbTestServer>();
  return {
    async create() {
      if (realServer) return KurrentDbEventStore.connect(realServer);
      const server = await startKurrentDbTestServer({ batchAppend });
      const store = KurrentDbEventStore.connect(server.connectionString);
      servers.set(store, server);
      return store;
    },
    async destroy(store: EventStore) {
      await store.close();
      await servers.get(store)?.stop();
    },
  };
}

if (realServer) {
  describeEventStoreContract('kurrentdb (real server)', harness(true));
} else {
  describeEventStoreContract('kurrentdb (batch append)', harness(true));
  describeEventStoreContract('kurrentdb (classic append)', harness(false));
}

(realServer ? describe.skip : describe).each([
  ['batch append', true],
  ['classic append', false],
])('kurrentdb adapter across a server restart (%s)', (_label, batchAppend) => {
  let server: KurrentDbTestServer;
  let store: KurrentDbEventStore;

  beforeAll(async () => {
    server = await startKurrentDbTestServer({ batchAppend });
    store = KurrentDbEventStore.connect(server.connectionString);
  });
  afterAll(async () => {
    await store.close();
    await server.stop();
  });

  it('a subscription resumes from its checkpoint, neither skipping nor repeating', async () => {
    const prefix = `restart${randomUUID().slice(0, 8)}`;
    const expected: string[] = [];
    // A backlog larger than what is in flight when the connection drops, so buffered records are lost in transit.
    for (let s = 0; s < 10; s++) {
      const batch = Array.from({ length: 100 }, (_, i) => newEvent(`S${s}E${i}`));
      await store.append(newStreamId(prefix), batch, 'no_stream');
      expected.push(...batch.map((e) => e.type));
    }
    const subscription = store.subscribeToAll({ filter: { streamPrefixes: [prefix] } });
    const iterator = subscription[Symbol.asyncIterator]();
    const received: RecordedEvent[] = [];
    const take = async (count: number) => {
      for (let i = 0; i < count; i++) {
        const next = await iterator.next();
        if (next.done) throw new Error('subscription ended');
        received.push(next.value);
      }
    };

    await take(300); // mid catch-up
    await server.restart();
    await take(300);
    await server.restart();
    await take(400); // caught up
    for (let i = 0; i < 3; i++) {
      const live = newEvent(`Live${i}`);
      await store.append(newStreamId(prefix), [live], 'no_stream');
      expected.push(live.type);
    }
    await take(1); // live again
    await server.restart();
    await take(2);
    await subscription.close();

    expect(received.map((e) => e.type)).toEqual(expected);
    expect(new Set(received.map((e) => e.eventId)).size).toBe(received.length);
  });

  it('reads and appends work again once the server is back', async () => {
    const stream = newStreamId();
    await store.append(stream, [newEvent('Before')], 'no_stream');
    await server.restart();
    await store.append(stream, [newEvent('After')], 0);
    expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['Before', 'After']);
  });
});

(realServer ? describe.skip : describe)('kurrentdb adapter specifics', () => {
  let server: KurrentDbTestServer;
  let store: KurrentDbEventStore;

  beforeAll(async () => {
    server = await startKurrentDbTestServer({ maxAppendSize: 64 * 1024 });
    store = KurrentDbEventStore.connect(server.connectionString);
  });
  afterAll(async () => {
    await store.close();
    await server.stop();
  });

  it('maps the server refusing an append over its MaxAppendSize to InvalidEventStoreRequestError', async () => {
    const stream = newStreamId();
    const big = Array.from({ length: 4 }, () => newEvent('Big', { blob: 'x'.repeat(20 * 1024) }));
    await expect(store.append(stream, big, 'no_stream')).rejects.toBeInstanceOf(InvalidEventStoreRequestError);
    await expect(store.readStream(stream)).rejects.toBeInstanceOf(StreamNotFoundError);
  });

  it('maps a tombstoned stream to StreamDeletedError', async () => {
    const stream = newStreamId();
    await store.append(stream, [newEvent()], 'no_stream');
    await store.client.tombstoneStream(stream);
    await expect(store.readStream(stream)).rejects.toBeInstanceOf(StreamDeletedError);
    await expect(store.append(stream, [newEvent()], 'any')).rejects.toBeInstanceOf(StreamDeletedError);
  });

  it('never returns system records from readAll or a subscription', async () => {
    const stream = newStreamId();
    await store.append(stream, [newEvent('Mine')], 'no_stream');
    await store.client.deleteStream(stream); // writes a $metadata record to $$stream
    const all = await store.readAll({ maxCount: 10_000 });
    expect(all.some((e) => e.type.startsWith('$') || e.streamId.startsWith('$'))).toBe(false);
    expect(all.some((e) => e.streamId === stream)).toBe(true);
    const subscription = store.subscribeToAll();
    const first = await subscription[Symbol.asyncIterator]().next();
    await subscription.close();
    expect(first.value.type.startsWith('$')).toBe(false);
  });

  it('gives an event the same recordedAt on every read path', async () => {
    const prefix = `time${randomUUID().slice(0, 8)}`;
    const stream = newStreamId(prefix);
    await store.append(stream, [newEvent()], 'no_stream');
    const [viaStream] = await store.readStream(stream);
    const [viaAll] = await store.readAll({ filter: { streamPrefixes: [prefix] } });
    const subscription = store.subscribeToAll({ filter: { streamPrefixes: [prefix] } });
    const viaSubscription = (await subscription[Symbol.asyncIterator]().next()).value as RecordedEvent;
    await subscription.close();
    expect(viaAll).toEqual(viaStream);
    expect(viaSubscription).toEqual(viaStream);
  });

  it('keeps recordedAt to the millisecond: two appends 300 ms apart within one second stay apart', async () => {
    const prefix = `ms${randomUUID().slice(0, 8)}`;
    const instants = [Date.parse('2026-01-01T10:00:00.100Z'), Date.parse('2026-01-01T10:00:00.400Z')];
    const clocked = new KurrentDbEventStore(store.client, false, () => instants.shift()!);
    const first = newStreamId(prefix);
    const second = newStreamId(prefix);
    await clocked.append(first, [newEvent()], 'no_stream');
    await clocked.append(second, [newEvent()], 'no_stream');
    const viaAll = await store.readAll({ filter: { streamPrefixes: [prefix] } });
    const [viaStream] = await store.readStream(second);
    expect(viaAll.map((e) => e.recordedAt.toISOString())).toEqual([
      '2026-01-01T10:00:00.100Z',
      '2026-01-01T10:00:00.400Z',
    ]);
    expect(viaStream.recordedAt.toISOString()).toBe('2026-01-01T10:00:00.400Z');
    // The stamp is the store's business: it is not part of the event's metadata.
    expect(Object.keys(viaStream.metadata)).toEqual(Object.keys(newEvent().metadata));
  });

  it('filters on stream prefix and exact event type together', async () => {
    const prefix = `both${randomUUID().slice(0, 8)}`;
    await store.append(
      newStreamId(prefix),
      [newEvent('Wanted'), newEvent('WantedNot'), newEvent('Other')],
      'no_stream',
    );
    await store.append(newStreamId('elsewhere'), [newEvent('Wanted')], 'no_stream');
    const found = await store.readAll({ filter: { streamPrefixes: [prefix], eventTypes: ['Wanted'] } });
    expect(found.map((e) => [e.type, e.streamId.startsWith(prefix)])).toEqual([['Wanted', true]]);
  });
});
