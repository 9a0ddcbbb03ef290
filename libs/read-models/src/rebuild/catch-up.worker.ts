/**
 * A worker thread of a rebuild (CatchUpWorkers): projects the batches the rebuild's thread reads
 * (COPY's bytes of the events) into some projections' `_next` tables on its own connections,
 * so the projections' JavaScript runs on every core (ADR 0110). Each projection commits its
 * rows and its checkpoint in one transaction per batch, as in the rebuild's own thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { eventsOfCopy, guardedPool, type RecordedEvent } from '@registry/event-store';
import type { Positions } from '../projection/checkpoints';
import { NEXT } from '../projection/projection';
import { ProjectionWriter } from '../projection/projection-writer';
import { projectionsNamed } from '../projection/projections';
import type { CatchUpWorkerData, FromCatchUpWorker, ToCatchUpWorker } from './catch-up-workers';

const { databaseUrl, projections } = workerData as CatchUpWorkerData;
const writers = projectionsNamed(projections).map((projection) => new ProjectionWriter([projection], NEXT));
const pool = guardedPool({ connectionString: databaseUrl, max: writers.length });

/** Each projection's transactions, one after the other; projections overlap. */
let lanes: Promise<void>[] = [];
let positions: Positions = new Map();

const post = (message: FromCatchUpWorker) => parentPort!.postMessage(message);

function project(id: number, pages: readonly Uint8Array[]): void {
  let events: RecordedEvent[];
  try {
    events = pages.length === 1 ? eventsOfCopy(pages[0]) : pages.flatMap(eventsOfCopy);
  } catch (error) {
    return failed(id, error);
  }
  // A lane that failed stays failed: its later batches fail too, and the rebuild stops.
  lanes = lanes.map((lane, i) => lane.then(() => writers[i].commit(pool, events, positions)));
  Promise.all(lanes).then(
    () => post({ kind: 'written', id, events: events.length }),
    (error: unknown) => failed(id, error),
  );
}

function failed(id: number, error: unknown): void {
  const { message, stack } = error instanceof Error ? error : new Error(String(error));
  post({ kind: 'failed', id, message, stack });
}

parentPort!.on('message', (message: ToCatchUpWorker) => {
  if (message.kind === 'start') {
    positions = message.positions;
    lanes = writers.map(() => Promise.resolve());
  } else if (message.kind === 'batch') project(message.id, message.pages);
  else void pool.end().then(() => parentPort!.close());
});
