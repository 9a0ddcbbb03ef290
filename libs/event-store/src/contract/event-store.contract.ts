/**
 * The one contract every event store adapter passes (DESIGN.md §4). Run it from an adapter's
 * *.int.spec.ts with a harness that creates a store on a real server (or a wire-level test server).
 */
import { randomUUID } from 'node:crypto';
import type { EventStore, EventToAppend, RecordedEvent } from '../event-store.port';
import {
  InvalidEventStoreRequestError,
  PartialRetryError,
  StreamNotFoundError,
  WrongExpectedRevisionError,
} from '../errors';
import { MAX_EVENT_BYTES, comparePositions } from '../position';
import { newEvent, newStreamId } from './contract-events';
import { describeNewStreamsContract } from './new-streams.contract';

export interface HeldAppend {
  /** Commits the held transaction; the events become visible to readers. */
  commit(): Promise<void>;
}

export interface EventStoreHarness {
  create(): Promise<EventStore>;
  destroy?(store: EventStore): Promise<void>;
  /**
   * Starts an append whose transaction stays open until `commit()`. Only stores where a later
   * writer can commit before an earlier one (PostgreSQL) provide it.
   */
  holdOpenAppend?(streamId: string, events: EventToAppend[]): Promise<HeldAppend>;
}

export { newEvent, newStreamId } from './contract-events';

async function collect(
  store: EventStore,
  count: number,
  options: Parameters<EventStore['subscribeToAll']>[0],
  accept: (e: RecordedEvent) => boolean,
  timeoutMs = 10_000,
): Promise<RecordedEvent[]> {
  const subscription = store.subscribeToAll(options);
  const seen: RecordedEvent[] = [];
  const timer = setTimeout(() => void subscription.close(), timeoutMs);
  try {
    for await (const event of subscription) {
      if (accept(event)) seen.push(event);
      if (seen.length >= count) break;
    }
  } finally {
    clearTimeout(timer);
    await subscription.close();
  }
  return seen;
}

export function describeEventStoreContract(adapter: string, harness: EventStoreHarness): void {
  describe(`event store contract: ${adapter}`, () => {
    let store: EventStore;

    beforeAll(async () => {
      store = await harness.create();
    });
    afterAll(async () => {
      if (harness.destroy) await harness.destroy(store);
      else await store.close();
    });

    describe('append and read a stream', () => {
      it('numbers revisions contiguously from 0 and reads them back in order', async () => {
        const stream = newStreamId();
        const first = await store.append(stream, [newEvent('A'), newEvent('B')], 'no_stream');
        expect(first.nextRevision).toBe(1);
        const second = await store.append(stream, [newEvent('C')], 1);
        expect(second.nextRevision).toBe(2);
        expect(comparePositions(second.position, first.position)).toBeGreaterThan(0);

        const events = await store.readStream(stream);
        expect(events.map((e) => [e.type, e.revision, e.streamId])).toEqual([
          ['A', 0, stream],
          ['B', 1, stream],
          ['C', 2, stream],
        ]);
        expect(events[0].recordedAt).toBeInstanceOf(Date);
      });

      it('keeps data and metadata exactly, including non-ASCII text', async () => {
        const stream = newStreamId();
        const event = newEvent('BirthRegistered', { name: 'Nguyễn Văn Đức', n: 3, nested: { a: [1, null] } });
        await store.append(stream, [event], 'no_stream');
        const [read] = await store.readStream(stream);
        expect(read.eventId).toBe(event.eventId);
        expect(read.data).toEqual(event.data);
        expect(read.metadata).toEqual(event.metadata);
      });

      it('reads backwards, from a revision and up to a count', async () => {
        const stream = newStreamId();
        await store.append(
          stream,
          ['A', 'B', 'C', 'D'].map((t) => newEvent(t)),
          'no_stream',
        );
        const back = await store.readStream(stream, { direction: 'backwards', maxCount: 2 });
        expect(back.map((e) => e.type)).toEqual(['D', 'C']);
        const fwd = await store.readStream(stream, { fromRevision: 1, maxCount: 2 });
        expect(fwd.map((e) => e.type)).toEqual(['B', 'C']);
        const backFrom = await store.readStream(stream, { direction: 'backwards', fromRevision: 1 });
        expect(backFrom.map((e) => e.type)).toEqual(['B', 'A']);
      });

      it('honours any and stream_exists', async () => {
        const stream = newStreamId();
        await expect(store.append(stream, [newEvent()], 'stream_exists')).rejects.toBeInstanceOf(
          WrongExpectedRevisionError,
        );
        await store.append(stream, [newEvent()], 'any');
        const r = await store.append(stream, [newEvent()], 'stream_exists');
        expect(r.nextRevision).toBe(1);
      });
    });

    describeNewStreamsContract(() => store);

    describe('1. optimistic concurrency per stream', () => {
      it('of 20 concurrent appends at one expected revision exactly one succeeds', async () => {
        const stream = newStreamId();
        await store.append(stream, [newEvent('Start')], 'no_stream');
        const results = await Promise.allSettled(
          Array.from({ length: 20 }, (_, i) => store.append(stream, [newEvent(`Try${i}`)], 0)),
        );
        const won = results.filter((r) => r.status === 'fulfilled');
        const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(19);
        for (const l of lost) expect(l.reason).toBeInstanceOf(WrongExpectedRevisionError);
        const events = await store.readStream(stream);
        expect(events.map((e) => e.revision)).toEqual([0, 1]);
      });

      it('of 20 concurrent creations of one stream exactly one succeeds', async () => {
        const stream = newStreamId();
        const results = await Promise.allSettled(
          Array.from({ length: 20 }, () => store.append(stream, [newEvent()], 'no_stream')),
        );
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        expect(await store.readStream(stream)).toHaveLength(1);
      });

      it('rejects a stale expected revision and reports the actual one', async () => {
        const stream = newStreamId();
        await store.append(stream, [newEvent(), newEvent()], 'no_stream');
        const error = await store.append(stream, [newEvent()], 0).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect((error as WrongExpectedRevisionError).actual).toBe(1);
        const ahead = await store.append(stream, [newEvent()], 5).catch((e: unknown) => e);
        expect(ahead).toBeInstanceOf(WrongExpectedRevisionError);
        expect(await store.readStream(stream)).toHaveLength(2);
      });
    });

    describe('2. atomic append', () => {
      it('writes all events of a batch or none (an oversize event fails the whole batch)', async () => {
        const stream = newStreamId();
        const huge = newEvent('Huge', { blob: 'x'.repeat(MAX_EVENT_BYTES + 1) });
        await expect(store.append(stream, [newEvent('Fine'), huge], 'no_stream')).rejects.toBeInstanceOf(
          InvalidEventStoreRequestError,
        );
        await expect(store.readStream(stream)).rejects.toBeInstanceOf(StreamNotFoundError);
      });

      it('a 100-event batch is read back whole with contiguous revisions', async () => {
        const stream = newStreamId();
        const batch = Array.from({ length: 100 }, (_, i) => newEvent('E', { i }));
        const result = await store.append(stream, batch, 'no_stream');
        expect(result.nextRevision).toBe(99);
        const events = await store.readStream(stream);
        expect(events.map((e) => e.data.i)).toEqual(batch.map((_, i) => i));
      });
    });

    describe('3. idempotent retry', () => {
      it('the same events at the same expected revision succeed once, without duplicates', async () => {
        const stream = newStreamId();
        const batch = [newEvent('A'), newEvent('B')];
        const first = await store.append(stream, batch, 'no_stream');
        const retry = await store.append(stream, batch, 'no_stream');
        expect(retry.nextRevision).toBe(first.nextRevision);
        const next = [newEvent('C')];
        await store.append(stream, next, 1);
        await store.append(stream, next, 1);
        expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['A', 'B', 'C']);
      });

      it('a retry that overlaps an earlier append only in part is an error and writes nothing', async () => {
        const stream = newStreamId();
        const a = newEvent('A');
        await store.append(stream, [a, newEvent('B')], 'no_stream');
        const error = await store.append(stream, [a, newEvent('X')], 'no_stream').catch((e: unknown) => e);
        expect(error).toBeInstanceOf(Error);
        expect(error instanceof PartialRetryError || error instanceof WrongExpectedRevisionError).toBe(true);
        expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['A', 'B']);
      });
    });

    describe('4. gap-free global order', () => {
      it('reads all events in position order, resumable from any position', async () => {
        const prefix = `order${randomUUID().slice(0, 8)}`;
        const streams = [newStreamId(prefix), newStreamId(prefix)];
        await store.append(streams[0], [newEvent('A')], 'no_stream');
        await store.append(streams[1], [newEvent('B'), newEvent('C')], 'no_stream');
        await store.append(streams[0], [newEvent('D')], 0);
        const filter = { streamPrefixes: [prefix] };
        const all = await store.readAll({ filter, maxCount: 100 });
        expect(all.map((e) => e.type)).toEqual(['A', 'B', 'C', 'D']);
        for (let i = 1; i < all.length; i++) {
          expect(comparePositions(all[i].position, all[i - 1].position)).toBeGreaterThan(0);
        }
        const rest = await store.readAll({ after: all[1].position, filter });
        expect(rest.map((e) => e.type)).toEqual(['C', 'D']);
        const page = await store.readAll({ filter, maxCount: 2 });
        expect(page.map((e) => e.type)).toEqual(['A', 'B']);
      });

      it('without metadata, when asked, reads the same events (their metadata may be left out)', async () => {
        const prefix = `bare${randomUUID().slice(0, 8)}`;
        const filter = { streamPrefixes: [prefix] };
        await store.append(newStreamId(prefix), [newEvent('A'), newEvent('B')], 'no_stream');
        const full = await store.readAll({ filter });
        const bare = await store.readAll({ filter, withoutMetadata: true });
        const withoutMetadata = (events: typeof full) => events.map(({ metadata: _metadata, ...event }) => event);
        expect(withoutMetadata(bare)).toEqual(withoutMetadata(full));
        bare.forEach((event, i) => expect([{}, full[i].metadata]).toContainEqual(event.metadata));
      });

      it('answers the head of the log: the newest event readAll returns, nothing after it', async () => {
        const prefix = `head${randomUUID().slice(0, 8)}`;
        await store.append(newStreamId(prefix), [newEvent('A'), newEvent('B')], 'no_stream');
        const head = await store.headPosition();
        const [newest] = await store.readAll({ filter: { streamPrefixes: [prefix] } }).then((all) => all.slice(-1));
        expect(head).toBeDefined();
        // Other tests' events may follow ours, never precede the head we were given.
        expect(comparePositions(head!, newest.position)).toBeGreaterThanOrEqual(0);
        expect(await store.readAll({ after: head, filter: { streamPrefixes: [prefix] } })).toEqual([]);
        await store.append(newStreamId(prefix), [newEvent('C')], 'no_stream');
        const later = await store.readAll({ after: head, filter: { streamPrefixes: [prefix] } });
        expect(later.map((e) => e.type)).toEqual(['C']);
        expect(comparePositions((await store.headPosition())!, later[0].position)).toBeGreaterThanOrEqual(0);
      });

      it('filters by event type', async () => {
        const type = `Only${randomUUID().replace(/-/g, '')}`;
        await store.append(newStreamId(), [newEvent('Other'), newEvent(type)], 'no_stream');
        const found = await store.readAll({ filter: { eventTypes: [type] } });
        expect(found.map((e) => e.type)).toEqual([type]);
      });

      it('never skips an event whose transaction commits after a later one', async () => {
        const prefix = `gap${randomUUID().slice(0, 8)}`;
        const filter = { streamPrefixes: [prefix] };
        const slowStream = newStreamId(prefix);
        const held = harness.holdOpenAppend ? await harness.holdOpenAppend(slowStream, [newEvent('Slow')]) : undefined;
        await store.append(newStreamId(prefix), [newEvent('Fast1')], 'no_stream');
        await store.append(newStreamId(prefix), [newEvent('Fast2')], 'no_stream');

        // A reader checkpointing now must not move past the held transaction.
        const before = await store.readAll({ filter });
        const checkpoint = before.at(-1)?.position;
        // Nor may the head: a sweep checkpointing there would skip the held event.
        const head = await store.headPosition();
        if (held) {
          expect(before).toHaveLength(0);
          await held.commit();
        } else {
          await store.append(slowStream, [newEvent('Slow')], 'no_stream');
        }
        const after = await store.readAll({ filter, after: checkpoint });
        const seen = [...before, ...after].map((e) => e.type).sort();
        expect(seen).toEqual(['Fast1', 'Fast2', 'Slow']);
        const sinceHead = await store.readAll({ filter, after: head });
        expect(sinceHead.map((e) => e.type)).toContain('Slow');
      });

      it('a subscription resumed from a checkpoint neither skips nor repeats', async () => {
        const prefix = `sub${randomUUID().slice(0, 8)}`;
        const filter = { streamPrefixes: [prefix] };
        for (let i = 0; i < 5; i++) await store.append(newStreamId(prefix), [newEvent(`E${i}`)], 'no_stream');
        const firstTwo = await collect(store, 2, { filter }, () => true);
        const rest = await collect(store, 3, { filter, after: firstTwo[1].position }, () => true);
        expect([...firstTwo, ...rest].map((e) => e.type)).toEqual(['E0', 'E1', 'E2', 'E3', 'E4']);
      });
    });

    describe('5. live delivery', () => {
      it('delivers events appended after the subscription caught up', async () => {
        const prefix = `live${randomUUID().slice(0, 8)}`;
        const filter = { streamPrefixes: [prefix] };
        await store.append(newStreamId(prefix), [newEvent('Before')], 'no_stream');
        const received = collect(store, 3, { filter }, () => true);
        await new Promise((r) => setTimeout(r, 200));
        await store.append(newStreamId(prefix), [newEvent('Live1')], 'no_stream');
        await store.append(newStreamId(prefix), [newEvent('Live2')], 'no_stream');
        expect((await received).map((e) => e.type)).toEqual(['Before', 'Live1', 'Live2']);
      });
    });

    describe('6. bad input gets a typed error and writes nothing', () => {
      it('reading an unknown stream is StreamNotFoundError', async () => {
        await expect(store.readStream(newStreamId())).rejects.toBeInstanceOf(StreamNotFoundError);
      });

      it.each([[-2], [1.5], [Number.NaN], ['latest' as never]])(
        'an expected revision of %p is rejected',
        async (expected) => {
          const stream = newStreamId();
          await expect(store.append(stream, [newEvent()], expected as never)).rejects.toBeInstanceOf(
            InvalidEventStoreRequestError,
          );
          await expect(store.readStream(stream)).rejects.toBeInstanceOf(StreamNotFoundError);
        },
      );

      it('an empty batch, an empty stream name or a malformed event id is rejected', async () => {
        const stream = newStreamId();
        await expect(store.append(stream, [], 'no_stream')).rejects.toBeInstanceOf(InvalidEventStoreRequestError);
        await expect(store.append('', [newEvent()], 'no_stream')).rejects.toBeInstanceOf(InvalidEventStoreRequestError);
        const badId = { ...newEvent(), eventId: 'not-a-uuid' };
        await expect(store.append(stream, [badId], 'no_stream')).rejects.toBeInstanceOf(InvalidEventStoreRequestError);
        await expect(store.readStream(stream)).rejects.toBeInstanceOf(StreamNotFoundError);
      });
    });
  });
}
