import type { Pool } from 'pg';
import type { EventStore, RecordedEvent } from '@registry/event-store';
import type { Positions } from '../projection/checkpoints';
import { pagesOf } from '../projection/event-batches';
import { earliest, type ProjectionWriter } from '../projection/projection-writer';

/** Batches read but not yet written by every projection: a projection may run this far ahead. */
const BATCHES_IN_FLIGHT = 2;
/** The most events the PostgreSQL store reads at a time. */
const READ_PAGE = 10_000;

export interface CatchUpOptions {
  /** Events per transaction (RebuildOptions.batchSize). */
  readonly batchSize: number;
  /** After each batch every lane has written; a throw stops the catch-up (after the lanes' transactions end). */
  readonly onBatch: (events: number) => void;
  /** Asked before each batch: true ends the catch-up there (the batches in flight are written). */
  readonly stopped?: () => boolean;
}

/**
 * A rebuild's catch-up over some projections, each its own lane: a writer with its own
 * transactions (rows and its own checkpoint) on its own connection, over the same pages read
 * once. While PostgreSQL writes one projection's batch, this thread computes another's. A lane
 * runs at most a few batches ahead of the slowest, which bounds the events held in memory.
 * Reads until the end of the log as it stands; `positions` moves as the lanes commit.
 */
export async function catchUp(
  pool: Pool,
  store: EventStore,
  writers: readonly ProjectionWriter[],
  positions: Positions,
  options: CatchUpOptions,
): Promise<void> {
  let lanes = writers.map(() => Promise.resolve());
  const inFlight: Promise<unknown>[] = [];
  try {
    const pages = pagesOf(store, earliest(positions), Math.min(options.batchSize, READ_PAGE));
    for await (const batch of batchesOfPages(pages, options.batchSize)) {
      if (options.stopped?.()) break;
      lanes = lanes.map((lane, i) => lane.then(() => writers[i].commit(pool, batch, positions)));
      const written = Promise.all(lanes).then(() => options.onBatch(batch.length));
      written.catch(() => undefined); // awaited below
      inFlight.push(written);
      if (inFlight.length >= BATCHES_IN_FLIGHT) await inFlight.shift();
    }
    await Promise.all(inFlight);
  } finally {
    // On a failure, the other lanes' transactions end before the caller goes on (a rebuild
    // releases its lock then, and one resumed at once must not meet them).
    await Promise.allSettled(lanes);
  }
}

/** Pages put together into batches of at least `size` events (the last one may be smaller). */
async function* batchesOfPages(pages: AsyncIterable<RecordedEvent[]>, size: number): AsyncGenerator<RecordedEvent[]> {
  let batch: RecordedEvent[] = [];
  for await (const page of pages) {
    batch = batch.length === 0 ? page : batch.concat(page);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
