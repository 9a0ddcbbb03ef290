/**
 * The bulk opening of new streams (appendToNewStreams): each stream keeps the guarantees of a
 * 'no_stream' append. Part of the one contract suite every adapter passes.
 */
import type { EventStore, NewStream, NewStreamOutcome } from '../event-store.port';
import { InvalidEventStoreRequestError, StreamNotFoundError, WrongExpectedRevisionError } from '../errors';
import { comparePositions } from '../position';
import { newEvent, newStreamId } from './contract-events';

function bulk(size: number, eventsPerStream = 1): NewStream[] {
  return Array.from({ length: size }, (_, i) => ({
    streamId: newStreamId('bulk'),
    events: Array.from({ length: eventsPerStream }, (_, n) => newEvent('Opened', { i, n })),
  }));
}

function written(outcomes: readonly NewStreamOutcome[]): string[] {
  return outcomes.flatMap((o) => ('result' in o ? [o.streamId] : []));
}

export function describeNewStreamsContract(store: () => EventStore): void {
  describe('bulk of new streams', () => {
    it('opens every stream from revision 0, answers in input order, all in the global order', async () => {
      const streams = bulk(50, 2);
      const before = await store().append(newStreamId(), [newEvent('Marker')], 'no_stream');
      const outcomes = await store().appendToNewStreams(streams);
      expect(outcomes.map((o) => o.streamId)).toEqual(streams.map((s) => s.streamId));
      for (const outcome of outcomes) {
        if (!('result' in outcome)) throw outcome.error;
        expect(outcome.result.nextRevision).toBe(1);
        expect(comparePositions(outcome.result.position, before.position)).toBeGreaterThan(0);
      }
      for (const stream of streams) {
        const events = await store().readStream(stream.streamId);
        expect(events.map((e) => [e.revision, e.eventId])).toEqual(stream.events.map((e, r) => [r, e.eventId]));
      }
      const ids = new Set(streams.flatMap((s) => s.events.map((e) => e.eventId)));
      const all = await store().readAll({ after: before.position, maxCount: 10_000 });
      expect(all.filter((e) => ids.has(e.eventId))).toHaveLength(100);
    });

    it('a stream that already exists is reported and left alone; the others are written', async () => {
      const streams = bulk(5);
      await store().append(streams[2].streamId, [newEvent('Earlier')], 'no_stream');
      const outcomes = await store().appendToNewStreams(streams);
      expect(written(outcomes)).toEqual([0, 1, 3, 4].map((i) => streams[i].streamId));
      const refused = outcomes[2];
      expect('error' in refused && refused.error).toBeInstanceOf(WrongExpectedRevisionError);
      expect((await store().readStream(streams[2].streamId)).map((e) => e.type)).toEqual(['Earlier']);
    });

    it('a retried bulk succeeds again without writing anything twice', async () => {
      const streams = bulk(20);
      const first = await store().appendToNewStreams(streams);
      const retry = await store().appendToNewStreams(streams);
      expect(written(retry)).toEqual(written(first));
      for (const stream of streams) expect(await store().readStream(stream.streamId)).toHaveLength(1);
    });

    it('of 5 concurrent bulks opening the same 30 streams, each stream is opened by exactly one', async () => {
      const names = bulk(30).map((s) => s.streamId);
      const bulks = Array.from({ length: 5 }, (_, b) =>
        // Each writer lists the streams in its own order, with its own events.
        names.map((streamId, i) => ({ streamId: names[(i + b * 7) % names.length], events: [newEvent(`W${b}`)] })),
      );
      const results = await Promise.all(bulks.map((b) => store().appendToNewStreams(b)));
      const winners = results.flatMap((outcomes) => written(outcomes));
      expect(winners.sort()).toEqual([...names].sort());
      for (const streamId of names) expect(await store().readStream(streamId)).toHaveLength(1);
    });

    it('a stream named twice, or a bad event, rejects the whole bulk and writes nothing', async () => {
      const streams = bulk(3);
      await expect(store().appendToNewStreams([...streams, streams[0]])).rejects.toBeInstanceOf(
        InvalidEventStoreRequestError,
      );
      const bad = [...streams, { streamId: newStreamId(), events: [{ ...newEvent(), eventId: 'not-a-uuid' }] }];
      await expect(store().appendToNewStreams(bad)).rejects.toBeInstanceOf(InvalidEventStoreRequestError);
      await expect(store().appendToNewStreams([])).rejects.toBeInstanceOf(InvalidEventStoreRequestError);
      for (const stream of streams) {
        await expect(store().readStream(stream.streamId)).rejects.toBeInstanceOf(StreamNotFoundError);
      }
    });
  });
}
