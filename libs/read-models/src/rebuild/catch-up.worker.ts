/**
 * A worker thread of a rebuild (CatchUpWorkers): catches up some projections' `_next` tables
 * on its own connections, reading the PostgreSQL store itself, so the projections' JavaScript
 * runs on every core (ADR 0110). Each projection commits its rows and its checkpoint in one
 * transaction, as in the rebuild's own thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { guardedPool, PostgresEventStore } from '@registry/event-store';
import { NEXT } from '../projection/projection';
import { ProjectionWriter } from '../projection/projection-writer';
import { projectionsNamed } from '../projection/projections';
import { catchUp } from './catch-up';
import type { CatchUpWorkerData, ToCatchUpWorker, FromCatchUpWorker } from './catch-up-workers';

const { databaseUrl, projections, batchSize } = workerData as CatchUpWorkerData;
const writers = projectionsNamed(projections).map((projection) => new ProjectionWriter([projection], NEXT));
// A connection per lane, one for the page read ahead and one for the horizon.
const pool = guardedPool({ connectionString: databaseUrl, max: writers.length + 2 });
const store = new PostgresEventStore(pool);
let stopped = false;

const post = (message: FromCatchUpWorker) => parentPort!.postMessage(message);

async function run(message: Extract<ToCatchUpWorker, { kind: 'catch-up' }>): Promise<void> {
  stopped = false;
  try {
    await catchUp(pool, store, writers, message.positions, {
      batchSize,
      onBatch: (events) => post({ kind: 'batch', events }),
      stopped: () => stopped,
    });
    post({ kind: 'caught-up' });
  } catch (error) {
    const { message: text, stack } = error instanceof Error ? error : new Error(String(error));
    post({ kind: 'failed', message: text, stack });
  }
}

parentPort!.on('message', (message: ToCatchUpWorker) => {
  if (message.kind === 'stop') stopped = true;
  else if (message.kind === 'catch-up') void run(message);
  else void pool.end().then(() => parentPort!.close());
});
