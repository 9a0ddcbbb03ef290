import type { Pool, PoolClient } from 'pg';
import { comparePositions, type Position, type RecordedEvent } from '@registry/event-store';
import {
  beginAndLockCheckpoints,
  checkpointKey,
  checkpointsUpdate,
  requireUnmoved,
  saveCheckpoints,
  type CheckpointAdvance,
  type Positions,
} from './checkpoints';
import type { Projection, TableSet } from './projection';
import { inFoldedReadModelTransaction, READ_MODEL_BEGIN } from './transaction';

/**
 * Writes batches of events into a set of projections (live or a rebuild's twins), each
 * projection with its own checkpoint, all in the batch's one transaction.
 */
export class ProjectionWriter {
  readonly keys: readonly string[];

  constructor(
    readonly projections: readonly Projection[],
    readonly target: TableSet,
  ) {
    this.keys = projections.map((p) => checkpointKey(p.name, target));
  }

  /**
   * One batch, one transaction: lock the checkpoints, check nobody else moved them, project,
   * move them. `positions` (this writer's view) advances only once the transaction committed.
   * The lock goes with the BEGIN and the checkpoints' update with the COMMIT: a live batch of one
   * birth is then six round trips, not eight.
   */
  async commit(pool: Pool, events: readonly RecordedEvent[], positions: Positions): Promise<void> {
    if (events.length === 0) return;
    const advances = await inFoldedReadModelTransaction(
      pool,
      async (tx) => {
        requireUnmoved(await beginAndLockCheckpoints(tx, READ_MODEL_BEGIN, this.keys), positions);
        return this.project(tx, events, positions);
      },
      (moved) => `${checkpointsUpdate(moved)}COMMIT`,
    );
    advance(positions, advances);
  }

  /** Projects inside a transaction the caller holds (and has locked the checkpoints in). */
  async write(tx: PoolClient, events: readonly RecordedEvent[], positions: Positions): Promise<CheckpointAdvance[]> {
    const advances = await this.project(tx, events, positions);
    await saveCheckpoints(tx, advances);
    return advances;
  }

  /** The projections' rows of the batch; what each checkpoint is to move to, not yet saved. */
  private async project(
    tx: PoolClient,
    events: readonly RecordedEvent[],
    positions: Positions,
  ): Promise<CheckpointAdvance[]> {
    const advances: CheckpointAdvance[] = [];
    for (const projection of this.projections) {
      const key = checkpointKey(projection.name, this.target);
      const unseen = eventsAfter(events, positions.get(key));
      if (unseen.length === 0) continue;
      await projection.project(tx, unseen, this.target);
      const last = unseen[unseen.length - 1];
      advances.push({ key, position: last.position, events: unseen.length, lastRecordedAt: last.recordedAt });
    }
    return advances;
  }
}

export function advance(positions: Positions, advances: readonly CheckpointAdvance[]): void {
  for (const a of advances) positions.set(a.key, a.position);
}

/** Events are in store order; a projection whose checkpoint is further on skips what it saw. */
function eventsAfter(events: readonly RecordedEvent[], position: Position | undefined): readonly RecordedEvent[] {
  if (position === undefined) return events;
  const first = events.findIndex((e) => comparePositions(e.position, position) > 0);
  return first === -1 ? [] : first === 0 ? events : events.slice(first);
}

/** Where reading must resume so that every projection gets what it has not seen. */
export function earliest(positions: Positions): Position | undefined {
  let result: Position | undefined;
  for (const position of positions.values()) {
    if (position === undefined) return undefined;
    if (result === undefined || comparePositions(position, result) < 0) result = position;
  }
  return result;
}
