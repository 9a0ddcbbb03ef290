import { once } from 'node:events';
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EventsCopy, PostgresEventStore } from '@registry/event-store';
import { workerStart } from '@registry/platform/worker/worker-start';
import { checkpointKey, type Positions } from '../projection/checkpoints';
import { NEXT, type Projection } from '../projection/projection';
import { earliest } from '../projection/projection-writer';

/** What a worker of a rebuild knows from its start. */
export interface CatchUpWorkerData {
  readonly databaseUrl: string;
  /** The projections it catches up (their names). */
  readonly projections: readonly string[];
}

export type ToCatchUpWorker =
  | { readonly kind: 'start'; readonly positions: Positions }
  | { readonly kind: 'batch'; readonly id: number; readonly pages: readonly Uint8Array[] }
  | { readonly kind: 'close' };

export type FromCatchUpWorker =
  | { readonly kind: 'written'; readonly id: number; readonly events: number }
  | { readonly kind: 'failed'; readonly id: number; readonly message: string; readonly stack?: string };

/** Batches read but not yet written by every worker: a worker may run this far ahead. */
const BATCHES_IN_FLIGHT = 2;
/** The most events the PostgreSQL store reads at a time. */
const READ_PAGE = 10_000;

/** A batch handed to the workers: settles once every worker has answered (or ended). */
interface Written {
  /** The workers (indexes) still writing it. */
  readonly owed: Set<number>;
  error?: Error;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

interface CatchUpWorker {
  readonly worker: Worker;
  readonly keys: readonly string[];
  /** Settles when the thread has ended, however it ended. */
  readonly exited: Promise<unknown>;
}

/**
 * The worker threads of a rebuild (catch-up.worker.ts), each projecting a group of projections
 * on its own connections. This thread reads the events once, as COPY's bytes, and hands every
 * worker each batch; the workers make the events of them and project: the projections'
 * JavaScript, the rebuild's bound, then runs on every core beside PostgreSQL (ADR 0110).
 * Started once per rebuild (loading the code costs a fraction of a CPU-second a thread).
 */
export class CatchUpWorkers {
  private readonly workers: CatchUpWorker[];
  private readonly batches = new Map<number, Written>();
  private nextId = 0;
  /** Why a worker ended; every catch-up fails from then on. */
  private ended?: Error;

  constructor(groups: readonly (readonly Projection[])[], databaseUrl: string) {
    // The worker runs from source (.ts) or from a build (.js), like this module.
    const start = workerStart(join(__dirname, `catch-up.worker${extname(__filename)}`));
    this.workers = groups.map((group, i) => {
      const workerData: CatchUpWorkerData = { databaseUrl, projections: group.map((p) => p.name) };
      const worker = new Worker(start.code, { eval: true, execArgv: start.execArgv, workerData });
      worker.on('message', (message: FromCatchUpWorker) => this.settle(i, message));
      worker.on('error', (error) => this.end(i, error));
      const exited = once(worker, 'exit').then(([code]) => this.end(i, new Error(`A rebuild worker ended (${code})`)));
      return { worker, keys: group.map((p) => checkpointKey(p.name, NEXT)), exited: exited.catch(() => undefined) };
    });
  }

  /**
   * Projects the log from `positions` to its end as it stands. `onBatch` gets each batch's
   * events once every worker has written it; a throw from it, or a worker's failure, stops the
   * reading, and the batches in flight end before this throws.
   */
  async catchUp(store: PostgresEventStore, positions: Positions, batchSize: number, onBatch: (events: number) => void) {
    for (const { worker, keys } of this.workers) {
      const own: Positions = new Map(keys.map((key) => [key, positions.get(key)]));
      worker.postMessage({ kind: 'start', positions: own } satisfies ToCatchUpWorker);
    }
    const inFlight: Promise<void>[] = [];
    try {
      for await (const batch of copyBatches(store, earliest(positions), batchSize)) {
        const written = this.project(batch.map((page) => page.bytes));
        const events = batch.reduce((sum, page) => sum + page.count, 0);
        inFlight.push(written.then(() => onBatch(events)));
        if (inFlight.length >= BATCHES_IN_FLIGHT) await inFlight.shift();
      }
      await Promise.all(inFlight);
    } finally {
      await Promise.allSettled(inFlight);
    }
  }

  /** Each worker closes its connections and ends. */
  async close(): Promise<void> {
    for (const { worker } of this.workers) worker.postMessage({ kind: 'close' } satisfies ToCatchUpWorker);
    await Promise.all(this.workers.map((w) => w.exited));
  }

  private project(pages: readonly Uint8Array[]): Promise<void> {
    if (this.ended) return Promise.reject(this.ended);
    const id = this.nextId++;
    const written = new Promise<void>((resolve, reject) =>
      this.batches.set(id, { owed: new Set(this.workers.keys()), resolve, reject }),
    );
    for (const { worker } of this.workers) worker.postMessage({ kind: 'batch', id, pages } satisfies ToCatchUpWorker);
    return written;
  }

  private settle(worker: number, message: FromCatchUpWorker): void {
    const error =
      message.kind === 'failed' ? Object.assign(new Error(message.message), { stack: message.stack }) : undefined;
    this.answered(message.id, worker, error);
  }

  /** A worker has ended: it owes nothing more (its connections, and any transaction, are gone). */
  private end(worker: number, error: Error): void {
    this.ended ??= error;
    for (const id of [...this.batches.keys()]) this.answered(id, worker, error);
  }

  /** Settles a batch once no worker is writing it any more, with the first failure if any. */
  private answered(id: number, worker: number, error: Error | undefined): void {
    const batch = this.batches.get(id);
    if (!batch || !batch.owed.delete(worker)) return;
    batch.error ??= error;
    if (batch.owed.size > 0) return;
    this.batches.delete(id);
    if (batch.error) batch.reject(batch.error);
    else batch.resolve();
  }
}

/**
 * Pages of the log as COPY's bytes from `after` to its end as it stands, put together into
 * batches of at least `size` events (the last may be smaller). The next page is read while the
 * workers project.
 */
async function* copyBatches(
  store: PostgresEventStore,
  after: EventsCopy['last'],
  size: number,
): AsyncGenerator<EventsCopy[]> {
  const read = (from: EventsCopy['last']) => {
    const page = store.readAllCopy(from, Math.min(size, READ_PAGE));
    page.catch(() => undefined); // awaited below; not unhandled while the workers are busy
    return page;
  };
  let next = read(after);
  let batch: EventsCopy[] = [];
  let events = 0;
  while (true) {
    const page = await next;
    if (page.count === 0) break;
    next = read(page.last);
    batch.push(page);
    events += page.count;
    if (events >= size) {
      yield batch;
      batch = [];
      events = 0;
    }
  }
  if (batch.length > 0) yield batch;
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
