import { availableParallelism } from 'node:os';
import type { Pool, PoolClient } from 'pg';
import { PostgresEventStore, type EventStore } from '@registry/event-store';
import {
  checkpointKey,
  ensureCheckpoints,
  lockCheckpoints,
  promoteCheckpoint,
  readCheckpoints,
  requireUnmoved,
  resetCheckpoints,
  type Positions,
} from '../projection/checkpoints';
import { Leadership } from '../projection/leadership';
import { LIVE, NEXT, tableName, type Projection } from '../projection/projection';
import { advance, earliest, ProjectionWriter } from '../projection/projection-writer';
import { inReadModelTransaction } from '../projection/transaction';
import { catchUp } from './catch-up';
import { CatchUpWorkers, workerGroups } from './catch-up-workers';

export type RebuildPhase = 'catch-up' | 'indexes' | 'swap' | 'done';

export interface RebuildProgress {
  readonly phase: RebuildPhase;
  /** Events projected into the new tables so far. */
  readonly processed: number;
}

export interface RebuildOptions {
  /**
   * Events per transaction (REBUILD_BATCH_SIZE by default, at most MAX_REBUILD_BATCH_SIZE): read
   * from the store in pages of at most 10,000. Larger batches load back and rewrite fewer rows
   * (a citizen's events are spread over the log) and hold more events in memory.
   */
  readonly batchSize: number;
  /** Carry on with the `_next` tables a stopped rebuild left, instead of starting over. */
  readonly resume?: boolean;
  readonly onProgress?: (progress: RebuildProgress) => void;
  /** Called when the new tables have caught up, just before the swap. */
  readonly beforeSwap?: () => Promise<void>;
  /**
   * The catch-up in worker threads writing to the database of `databaseUrl` (the pool's) with
   * their own connections, this thread reading the events for them once (a PostgreSQL store
   * only): `count` workers (the cores by default, at most one per projection; 1 or fewer: none).
   * Without it, or with another kind of event store, the catch-up runs in this thread.
   */
  readonly workers?: { readonly databaseUrl: string; readonly count?: number };
}

export interface RebuildReport {
  readonly projections: readonly string[];
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
}

export const REBUILD_LOCK = 'registry.read-model-rebuild';
const INDEX_BUILD_MEMORY = '256MB';
const INDEX_BUILDERS = 3;
/** The batch size of `npm run rebuild` and the benches (ADR 0080): about 1 GiB resident. */
export const REBUILD_BATCH_SIZE = 50_000;
export const MAX_REBUILD_BATCH_SIZE = 100_000;

export class RebuildAlreadyRunning extends Error {
  constructor() {
    super('Another rebuild of the read models is running on this database');
  }
}

/**
 * Rebuilds read models without downtime: replays every event from position 0 into `<table>_next`
 * while the live tables keep serving (and the live projector keeps them current), builds the
 * query indexes once the bulk is in, then, in one transaction that holds the live checkpoints,
 * projects the last events and swaps the new tables and checkpoints in.
 */
export class ReadModelRebuild {
  private readonly writer: ProjectionWriter;
  /** One writer per projection, for the catch-up (see catchUp). */
  private readonly lanes: ProjectionWriter[];
  private processed = 0;
  private workers?: CatchUpWorkers;

  constructor(
    private readonly pool: Pool,
    private readonly store: EventStore,
    private readonly projections: readonly Projection[],
    private readonly options: RebuildOptions,
  ) {
    this.writer = new ProjectionWriter(projections, NEXT);
    this.lanes = projections.map((projection) => new ProjectionWriter([projection], NEXT));
  }

  async run(): Promise<RebuildReport> {
    const started = performance.now();
    const lock = await Leadership.tryAcquire(this.pool, REBUILD_LOCK, () => undefined);
    if (!lock) throw new RebuildAlreadyRunning();
    try {
      this.workers = this.startWorkers();
      const positions = await this.prepare();
      await this.catchUp(positions);
      this.report('indexes');
      await this.createIndexes();
      await this.catchUp(positions);
      await this.options.beforeSwap?.();
      this.report('swap');
      await this.swapIn(positions);
      this.report('done');
    } finally {
      await this.workers?.close();
      await lock.release();
    }
    const seconds = (performance.now() - started) / 1000;
    return {
      projections: this.projections.map((p) => p.name),
      events: this.processed,
      seconds,
      eventsPerSecond: this.processed / seconds,
    };
  }

  private startWorkers(): CatchUpWorkers | undefined {
    const settings = this.options.workers;
    const count = Math.min(settings?.count ?? availableParallelism(), this.projections.length);
    if (!settings || count <= 1 || !(this.store instanceof PostgresEventStore)) return undefined;
    return new CatchUpWorkers(workerGroups(this.projections, count), settings.databaseUrl);
  }

  private async prepare(): Promise<Positions> {
    for (const projection of this.projections) {
      if (this.options.resume && (await this.nextTablesExist(projection))) continue;
      for (const table of projection.tables) await this.pool.query(`DROP TABLE IF EXISTS ${tableName(table, NEXT)}`);
      await this.pool.query(`SELECT ${projection.schema.create}($1)`, [NEXT.suffix]);
      await resetCheckpoints(this.pool, [checkpointKey(projection.name, NEXT)]);
    }
    return readCheckpoints(this.pool, this.writer.keys);
  }

  private async nextTablesExist(projection: Projection): Promise<boolean> {
    const names = projection.tables.map((t) => tableName(t, NEXT));
    const { rows } = await this.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = current_schema() AND tablename = ANY($1)',
      [names],
    );
    const key = checkpointKey(projection.name, NEXT);
    const checkpoint = await this.pool.query('SELECT 1 FROM projection_checkpoints WHERE projection = $1', [key]);
    return rows[0].n === names.length && checkpoint.rowCount === 1;
  }

  /**
   * Fills the `_next` tables up to the end of the log as it stands: in worker threads when the
   * options name the database, else in this thread. Either way
   * each projection commits its rows with its own checkpoint; `positions` are read back from
   * the checkpoints afterwards.
   */
  private async catchUp(positions: Positions): Promise<void> {
    const onBatch = (events: number) => {
      this.processed += events;
      this.report('catch-up');
    };
    if (this.workers)
      await this.workers.catchUp(this.store as PostgresEventStore, positions, this.options.batchSize, onBatch);
    else await catchUp(this.pool, this.store, this.lanes, positions, { batchSize: this.options.batchSize, onBatch });
    for (const [key, position] of await readCheckpoints(this.pool, this.writer.keys)) positions.set(key, position);
  }

  /**
   * Query indexes are built once over the whole table: cheaper than maintaining them row by row.
   * Index builds and ANALYZE run a few at a time, each on its own connection, the longest first
   * (a trigram index over millions of names also builds faster with room to sort in).
   */
  private async createIndexes(): Promise<void> {
    const jobs: string[] = [];
    for (const projection of this.projections) {
      const { rows } = await this.pool.query<{ statement: string }>(
        `SELECT ${projection.schema.index}($1) AS statement`,
        [NEXT.suffix],
      );
      jobs.push(...rows.map((row) => row.statement));
    }
    jobs.push(...this.projections.flatMap((p) => p.tables.map((table) => `ANALYZE ${tableName(table, NEXT)}`)));
    const next = () => jobs.shift();
    const worker = async () => {
      for (let job = next(); job !== undefined; job = next()) {
        await inReadModelTransaction(this.pool, async (tx) => {
          await tx.query(`SET LOCAL maintenance_work_mem = '${INDEX_BUILD_MEMORY}'`);
          await tx.query(job);
        });
      }
    };
    await Promise.all(Array.from({ length: INDEX_BUILDERS }, worker));
  }

  private async swapIn(positions: Positions): Promise<void> {
    const liveKeys = this.projections.map((p) => checkpointKey(p.name, LIVE));
    await ensureCheckpoints(this.pool, liveKeys);
    await inReadModelTransaction(this.pool, async (tx) => {
      // Holding the live checkpoints keeps the live projector out until the swap commits; it
      // then finds its checkpoints moved and resubscribes from the rebuilt position.
      await lockCheckpoints(tx, liveKeys);
      requireUnmoved(await lockCheckpoints(tx, this.writer.keys), positions);
      await this.projectTail(tx, positions);
      await tx.query('SELECT swap_in_read_model_tables($1, $2)', [
        this.projections.flatMap((p) => p.tables),
        NEXT.suffix,
      ]);
      for (const projection of this.projections) {
        await promoteCheckpoint(tx, checkpointKey(projection.name, NEXT), checkpointKey(projection.name, LIVE));
      }
    });
  }

  /** Events appended since the last catch-up, projected inside the swap's transaction. */
  private async projectTail(tx: PoolClient, positions: Positions): Promise<void> {
    while (true) {
      const page = await this.store.readAll({
        after: earliest(positions),
        maxCount: this.options.batchSize,
        withoutMetadata: true,
      });
      if (page.length === 0) return;
      advance(positions, await this.writer.write(tx, page, positions));
      this.processed += page.length;
    }
  }

  private report(phase: RebuildPhase): void {
    this.options.onProgress?.({ phase, processed: this.processed });
  }
}
