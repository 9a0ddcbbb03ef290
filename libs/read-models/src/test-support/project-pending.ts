import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from 'pg';
import { comparePositions, type EventStore, type Position } from '@registry/event-store';
import { readCheckpoints } from '../projection/checkpoints';
import { pagesOf } from '../projection/event-batches';
import { LIVE, type Projection } from '../projection/projection';
import { earliest, ProjectionWriter } from '../projection/projection-writer';
import { ALL_PROJECTIONS } from '../projection/projections';

export interface PendingOptions {
  readonly batchSize?: number;
  readonly projections?: readonly Projection[];
  /**
   * Keep projecting until this position is projected. An append is readable only once every
   * older transaction of the server has ended (gap-free reads), which another suite's open
   * transaction can delay by a moment.
   */
  readonly until?: Position;
}

/** The projector's batch path without its subscription: projects what is there, then returns. */
export async function projectPending(pool: Pool, store: EventStore, options: PendingOptions = {}): Promise<number> {
  const writer = new ProjectionWriter(options.projections ?? ALL_PROJECTIONS, LIVE);
  const positions = await readCheckpoints(pool, writer.keys);
  let projected = 0;
  for (let attempt = 0; attempt < 500; attempt++) {
    for await (const page of pagesOf(store, earliest(positions), options.batchSize ?? 1000)) {
      await writer.commit(pool, page, positions);
      projected += page.length;
    }
    const reached = earliest(positions);
    if (!options.until || (reached && comparePositions(reached, options.until) >= 0)) return projected;
    await sleep(10);
  }
  throw new Error('The appended events did not become readable within 5 s');
}
