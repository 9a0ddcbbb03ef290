import type { EventStore, NewStream, NewStreamOutcome } from './event-store.port';
import { EventStoreError } from './errors';
import { validateNewStreams } from './validation';

/**
 * appendToNewStreams for a store without a multi-stream write (KurrentDB, in-memory): one
 * 'no_stream' append per stream, a few at a time. Same per-stream guarantees, more round trips.
 */
export async function appendEachNewStream(
  store: Pick<EventStore, 'append'>,
  streams: readonly NewStream[],
  concurrency = 16,
): Promise<NewStreamOutcome[]> {
  validateNewStreams(streams);
  const outcomes: NewStreamOutcome[] = new Array<NewStreamOutcome>(streams.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < streams.length) {
      const index = next++;
      const { streamId, events } = streams[index];
      try {
        outcomes[index] = { streamId, result: await store.append(streamId, events, 'no_stream') };
      } catch (error) {
        if (!(error instanceof EventStoreError)) throw error;
        outcomes[index] = { streamId, error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, streams.length) }, worker));
  return outcomes;
}
