import type { Pool, PoolClient } from 'pg';
import { inTransaction } from '@registry/event-store';

/**
 * Runs `work` in one transaction. Commits of read models need not wait for the WAL flush
 * (synchronous_commit off): a crash of PostgreSQL loses rows and checkpoint together, and the
 * projector simply projects those events again. Atomicity, which is what matters, is unchanged.
 *
 * Projections read only by key. A table a rebuild is filling has no statistics yet, and the
 * planner would scan it whole for each batch (quadratic in the events); scans are turned off.
 */
export const READ_MODEL_BEGIN =
  'BEGIN; SET LOCAL synchronous_commit = off; SET LOCAL enable_seqscan = off; SET LOCAL max_parallel_workers_per_gather = 0';

export function inReadModelTransaction<T>(pool: Pool, work: (tx: PoolClient) => Promise<T>): Promise<T> {
  return inTransaction(pool, work, READ_MODEL_BEGIN);
}

/**
 * The same transaction in fewer round trips: `work` sends READ_MODEL_BEGIN itself, with its first
 * statement, and `commit` puts its last statements before the COMMIT.
 */
export function inFoldedReadModelTransaction<T>(
  pool: Pool,
  work: (tx: PoolClient) => Promise<T>,
  commit: (result: T) => string,
): Promise<T> {
  return inTransaction(pool, work, null, commit);
}
