import type { Pool, PoolClient } from 'pg';

/**
 * Runs `work` on one connection inside one transaction: COMMIT when it resolves, ROLLBACK when
 * it throws. A connection whose ROLLBACK fails is broken and is destroyed, not given back to the
 * pool. `begin` lets a caller set transaction-local settings in the same round trip; null: `work`
 * sends the BEGIN itself, with a statement of its own in the same round trip. `commit` may put
 * statements of the caller before the COMMIT, also in one round trip.
 */
export async function inTransaction<T>(
  pool: Pool,
  work: (tx: PoolClient) => Promise<T>,
  begin: string | null = 'BEGIN',
  commit: (result: T) => string = () => 'COMMIT',
): Promise<T> {
  const tx = await pool.connect();
  let broken = false;
  try {
    if (begin !== null) await tx.query(begin);
    const result = await work(tx);
    await tx.query(commit(result));
    return result;
  } catch (error) {
    await tx.query('ROLLBACK').catch(() => {
      broken = true;
    });
    throw error;
  } finally {
    tx.release(broken);
  }
}
