import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { EVENT_STORE, parsePosition, type EventStore, type Position } from '@registry/event-store';
import { PG_POOL } from '@registry/platform';
import { checkpointKey, readCheckpoints, type CheckpointRow } from '../projection/checkpoints';
import { LIVE } from '../projection/projection';
import { earliest } from '../projection/projection-writer';
import { ALL_PROJECTIONS } from '../projection/projections';
import { EventBacklog } from './event-backlog';

export interface Lag {
  /** Events in the store the read models have not projected yet. */
  readonly events: number;
  /** How long the oldest of them has waited (0 when caught up). */
  readonly seconds: number;
}

export interface ProjectionStatus {
  readonly name: string;
  readonly position: string | null;
  readonly processed: number;
  readonly updatedAt: string;
  readonly lag: Lag;
  /** A rebuild in progress: its own position and count. */
  readonly rebuild: { readonly position: string | null; readonly processed: number; readonly updatedAt: string } | null;
}

/** Projector lag for /health and the operations endpoint. */
@Injectable()
export class ProjectorLag {
  private readonly backlog: EventBacklog;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(EVENT_STORE) store: EventStore,
  ) {
    this.backlog = new EventBacklog(store);
  }

  /** The lag of the read model furthest behind. */
  async lag(): Promise<Lag> {
    const positions = await readCheckpoints(
      this.pool,
      ALL_PROJECTIONS.map((p) => checkpointKey(p.name, LIVE)),
    );
    return this.lagAfter(earliest(positions));
  }

  async projections(): Promise<ProjectionStatus[]> {
    const { rows } = await this.pool.query<CheckpointRow>('SELECT * FROM projection_checkpoints ORDER BY projection');
    const byKey = new Map(rows.map((row) => [row.projection, row]));
    const live = ALL_PROJECTIONS.map((p) => byKey.get(p.name)).filter((row): row is CheckpointRow => row !== undefined);
    return Promise.all(live.map(async (row) => this.status(row, byKey.get(`${row.projection}@next`))));
  }

  private async status(row: CheckpointRow, next: CheckpointRow | undefined): Promise<ProjectionStatus> {
    return {
      name: row.projection,
      position: row.position,
      processed: Number(row.processed),
      updatedAt: row.updated_at.toISOString(),
      lag: await this.lagAfter(row.position === null ? undefined : parsePosition(row.position)),
      rebuild: next
        ? { position: next.position, processed: Number(next.processed), updatedAt: next.updated_at.toISOString() }
        : null,
    };
  }

  private lagAfter(after: Position | undefined): Promise<Lag> {
    return this.backlog.lag(after);
  }
}
