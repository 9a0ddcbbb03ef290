import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from 'pg';
import { comparePositions, type Position } from '@registry/event-store';
import { checkpointKey, readCheckpoints } from '../projection/checkpoints';
import { LIVE } from '../projection/projection';
import { earliest } from '../projection/projection-writer';
import { ALL_PROJECTIONS } from '../projection/projections';

/** The last event of the PostgreSQL store (the position a caught-up projector reaches). */
export async function headPosition(pool: Pool): Promise<Position | undefined> {
  const { rows } = await pool.query<{ commit: string; prepare: string }>(
    `SELECT transaction_id::text AS commit, global_position::text AS prepare FROM es_events
      ORDER BY transaction_id DESC, global_position DESC LIMIT 1`,
  );
  return rows[0] && { commit: BigInt(rows[0].commit), prepare: BigInt(rows[0].prepare) };
}

/** Waits until every live projection has projected `position`. */
export async function caughtUp(pool: Pool, position: Position | undefined, timeoutMs = 60_000): Promise<void> {
  const keys = ALL_PROJECTIONS.map((p) => checkpointKey(p.name, LIVE));
  const deadline = Date.now() + timeoutMs;
  while (position) {
    const reached = earliest(await readCheckpoints(pool, keys));
    if (reached && comparePositions(reached, position) >= 0) return;
    if (Date.now() > deadline) throw new Error('The projector did not catch up in time');
    await sleep(20);
  }
}
