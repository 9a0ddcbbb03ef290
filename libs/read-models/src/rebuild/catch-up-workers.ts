import { once } from 'node:events';
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { workerStart } from '@registry/platform/worker/worker-start';
import { checkpointKey, type Positions } from '../projection/checkpoints';
import { NEXT, type Projection } from '../projection/projection';

/** What a worker of a rebuild knows from its start. */
export interface CatchUpWorkerData {
  readonly databaseUrl: string;
  /** The projections it catches up (their names). */
  readonly projections: readonly string[];
  readonly batchSize: number;
}

export type ToCatchUpWorker =
  { readonly kind: 'catch-up'; readonly positions: Positions } | { readonly kind: 'stop' } | { readonly kind: 'close' };

export type FromCatchUpWorker =
  | { readonly kind: 'batch'; readonly events: number }
  | { readonly kind: 'caught-up' }
  | { readonly kind: 'failed'; readonly message: string; readonly stack?: string };

/**
 * The worker threads of a rebuild (catch-up.worker.ts), each catching up a group of projections
 * on its own connections and reading the store itself: the projections' JavaScript, the
 * rebuild's bound, then runs on every core beside PostgreSQL (ADR 0110). Started once per
 * rebuild (loading the code costs a fraction of a CPU-second a thread).
 */
export class CatchUpWorkers {
  private readonly workers: {
    readonly worker: Worker;
    readonly keys: readonly string[];
    /** Settles when the thread has ended, however it ended. */
    readonly exited: Promise<unknown>;
    ended: boolean;
  }[];

  constructor(groups: readonly (readonly Projection[])[], databaseUrl: string, batchSize: number) {
    // The worker runs from source (.ts) or from a build (.js), like this module.
    const start = workerStart(join(__dirname, `catch-up.worker${extname(__filename)}`));
    this.workers = groups.map((group) => {
      const workerData: CatchUpWorkerData = { databaseUrl, projections: group.map((p) => p.name), batchSize };
      const worker = new Worker(start.code, { eval: true, execArgv: start.execArgv, workerData });
      // An error a catch-up is not waiting for (its start) is reported by the next catch-up's exit.
      worker.on('error', () => undefined);
      const exited = once(worker, 'exit').catch(() => undefined);
      const entry = { worker, keys: group.map((p) => checkpointKey(p.name, NEXT)), exited, ended: false };
      void exited.then(() => (entry.ended = true));
      return entry;
    });
  }

  /**
   * Catches every group up to the end of the log as it stands. `onBatch` gets the events every
   * worker has written since its last call (the slowest worker's count); a throw from it, or a
   * worker's failure, stops the others after the batches they are writing, then throws.
   */
  async catchUp(positions: Positions, onBatch: (events: number) => void): Promise<void> {
    const counts = this.workers.map(() => 0);
    let reported = 0;
    let failure: { error: unknown } | undefined;
    const stop = (error: unknown) => {
      failure ??= { error };
      for (const { worker } of this.workers) worker.postMessage({ kind: 'stop' } satisfies ToCatchUpWorker);
    };
    const written = (i: number, events: number) => {
      counts[i] += events;
      const all = Math.min(...counts);
      if (all === reported || failure) return;
      const delta = all - reported;
      reported = all;
      try {
        onBatch(delta);
      } catch (error) {
        stop(error);
      }
    };
    await Promise.all(
      this.workers.map(
        ({ worker, keys, ended }, i) =>
          new Promise<void>((resolve) => {
            if (ended) return resolve(stop(new Error('A rebuild worker has ended')));
            const finish = () => {
              worker.off('message', onMessage).off('error', onError).off('exit', onExit);
              resolve();
            };
            const onMessage = (message: FromCatchUpWorker) => {
              if (message.kind === 'batch') return written(i, message.events);
              if (message.kind === 'failed') stop(Object.assign(new Error(message.message), { stack: message.stack }));
              finish();
            };
            const onError = (error: Error) => (stop(error), finish());
            const onExit = (code: number) => (
              stop(new Error(`A rebuild worker stopped with exit code ${code}`)),
              finish()
            );
            worker.on('message', onMessage).on('error', onError).on('exit', onExit);
            const own: Positions = new Map(keys.map((key) => [key, positions.get(key)]));
            worker.postMessage({ kind: 'catch-up', positions: own } satisfies ToCatchUpWorker);
          }),
      ),
    );
    if (failure) throw failure.error;
  }

  /** Each worker closes its connections and ends. */
  async close(): Promise<void> {
    await Promise.all(
      this.workers.map(async ({ worker, exited }) => {
        worker.postMessage({ kind: 'close' } satisfies ToCatchUpWorker);
        await exited;
      }),
    );
  }
}

/**
 * Projections spread over at most `count` workers, each group about the same JavaScript work
 * per event (Projection.rebuildCost): the heaviest first, each to the lightest group so far.
 */
export function workerGroups(projections: readonly Projection[], count: number): Projection[][] {
  const groups: { cost: number; projections: Projection[] }[] = [];
  const byCost = [...projections].sort((a, b) => costOf(b) - costOf(a));
  for (const projection of byCost) {
    if (groups.length < count) groups.push({ cost: 0, projections: [] });
    const lightest = groups.reduce((min, group) => (group.cost < min.cost ? group : min));
    lightest.projections.push(projection);
    lightest.cost += costOf(projection);
  }
  return groups.map((group) => group.projections);
}

const costOf = (projection: Projection) => projection.rebuildCost ?? 1;
