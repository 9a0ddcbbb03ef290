import type { Pool, PoolClient } from 'pg';
import { comparePositions, type Position, type RecordedEvent } from '@registry/event-store';
import {
  checkpointKey,
  lockCheckpoints,
  requireUnmoved,
  saveCheckpoints,
  type CheckpointAdvance,
  type Positions,
} from './checkpoints';
import type { Projection, TableSet } from './projection';
import { inReadModelTransaction } from './transaction';

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
   */
  async commit(pool: Pool, events: readonly RecordedEvent[], positions: Positions): Promise<void> {
    if (events.length === 0) return;
    const advances = await inReadModelTransaction(pool, async (tx) => {
      requireUnmoved(await lockCheckpoints(tx, this.keys), positions);
      return this.write(tx, events, positions);
    });
    advance(positions, advances);
  }

  /** Projects inside a transaction the caller holds (and has locked the checkpoints in). */
  async write(tx: PoolClient, events: readonly RecordedEvent[], positions: Positions): Promise<CheckpointAdvance[]> {
    const advances: CheckpointAdvance[] = [];
    for (const projection of this.projections) {
      const key = checkpointKey(projection.name, this.target);
      const unseen = eventsAfter(events, positions.get(key));
      if (unseen.length === 0) continue;
      await projection.project(tx, unseen, this.target);
      const last = unseen[unseen.length - 1];
      advances.push({ key, position: last.position, events: unseen.length, lastRecordedAt: last.recordedAt });
    }
    await saveCheckpoints(tx, advances);
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
