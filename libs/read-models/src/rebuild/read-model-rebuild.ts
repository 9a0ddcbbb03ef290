import type { Pool, PoolClient } from 'pg';
import type { EventStore } from '@registry/event-store';
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
import { pagesOf } from '../projection/event-batches';
import { Leadership } from '../projection/leadership';
import { LIVE, NEXT, tableName, type Projection } from '../projection/projection';
import { advance, earliest, ProjectionWriter } from '../projection/projection-writer';
import { inReadModelTransaction } from '../projection/transaction';

export type RebuildPhase = 'catch-up' | 'indexes' | 'swap' | 'done';

export interface RebuildProgress {
  readonly phase: RebuildPhase;
  /** Events projected into the new tables so far. */
  readonly processed: number;
}

export interface RebuildOptions {
  /** Events per transaction; the PostgreSQL store reads at most 10,000 at a time. */
  readonly batchSize: number;
  /** Carry on with the `_next` tables a stopped rebuild left, instead of starting over. */
  readonly resume?: boolean;
  readonly onProgress?: (progress: RebuildProgress) => void;
  /** Called when the new tables have caught up, just before the swap. */
  readonly beforeSwap?: () => Promise<void>;
}

export interface RebuildReport {
  readonly projections: readonly string[];
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
}

export const REBUILD_LOCK = 'registry.read-model-rebuild';

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
  private processed = 0;

  constructor(
    private readonly pool: Pool,
    private readonly store: EventStore,
    private readonly projections: readonly Projection[],
    private readonly options: RebuildOptions,
  ) {
    this.writer = new ProjectionWriter(projections, NEXT);
  }

  async run(): Promise<RebuildReport> {
    const started = performance.now();
    const lock = await Leadership.tryAcquire(this.pool, REBUILD_LOCK, () => undefined);
    if (!lock) throw new RebuildAlreadyRunning();
    try {
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

  private async catchUp(positions: Positions): Promise<void> {
    for await (const page of pagesOf(this.store, earliest(positions), this.options.batchSize)) {
      await this.writer.commit(this.pool, page, positions);
      this.processed += page.length;
      this.report('catch-up');
    }
  }

  /** Query indexes are built once over the whole table: cheaper than maintaining them row by row. */
  private async createIndexes(): Promise<void> {
    for (const projection of this.projections) {
      await this.pool.query(`SELECT ${projection.schema.index}($1)`, [NEXT.suffix]);
      for (const table of projection.tables) await this.pool.query(`ANALYZE ${tableName(table, NEXT)}`);
    }
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
      await tx.query('SELECT swap_in_read_model_tables($1, $2)', [this.projections.flatMap((p) => p.tables), NEXT.suffix]);
      for (const projection of this.projections) {
        await promoteCheckpoint(tx, checkpointKey(projection.name, NEXT), checkpointKey(projection.name, LIVE));
      }
    });
  }

  /** Events appended since the last catch-up, projected inside the swap's transaction. */
  private async projectTail(tx: PoolClient, positions: Positions): Promise<void> {
    while (true) {
      const page = await this.store.readAll({ after: earliest(positions), maxCount: this.options.batchSize });
      if (page.length === 0) return;
      advance(positions, await this.writer.write(tx, page, positions));
      this.processed += page.length;
    }
  }

  private report(phase: RebuildPhase): void {
    this.options.onProgress?.({ phase, processed: this.processed });
  }
}
