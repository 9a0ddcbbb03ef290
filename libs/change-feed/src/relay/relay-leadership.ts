import type { Pool, PoolClient } from 'pg';

/** Class id of the registry's advisory locks held by change-feed relays (the other key is the relay name). */
const LOCK_CLASS = 0x4346; // "CF"
const HEARTBEAT_MS = 5_000;

/** Whether some session (of any process) holds the leadership lock of the relay name. */
export async function relayLockHeld(pool: Pool, relayName: string): Promise<boolean> {
  // Two-key advisory locks show in pg_locks as classid/objid (objid is the unsigned form of the key).
  const { rows } = await pool.query<{ held: boolean }>(
    `SELECT EXISTS (
       SELECT 1 FROM pg_locks
       WHERE locktype = 'advisory' AND granted AND objsubid = 2 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
         AND classid::text::bigint = $1 AND objid::text::bigint = (hashtext($2)::bigint + 4294967296) % 4294967296
     ) AS held`,
    [LOCK_CLASS, relayName],
  );
  return rows[0].held;
}

/**
 * At most one relay of a name runs at a time: the embedded registry in several API replicas, or
 * an API beside the standalone apps/change-feed, would otherwise produce every event twice. The
 * holder keeps a PostgreSQL session advisory lock; when its process dies the session ends and
 * the lock passes to a waiting relay.
 */
export class RelayLeadership {
  private client: PoolClient | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private onLost: ((error: Error) => void) | null = null;
  private onClientError: ((error: Error) => void) | null = null;

  constructor(
    private readonly pool: Pool,
    private readonly relayName: string,
  ) {}

  /** Waits until this process holds the lock (true) or `shouldStop()` (false). */
  async acquire(
    shouldStop: () => boolean,
    onWaiting: () => void,
    onLost: (error: Error) => void,
    retryMs = 2_000,
  ): Promise<boolean> {
    const client = await this.pool.connect();
    let held = false;
    try {
      let announced = false;
      while (!shouldStop()) {
        const { rows } = await client.query<{ held: boolean }>(
          'SELECT pg_try_advisory_lock($1, hashtext($2)) AS held',
          [LOCK_CLASS, this.relayName],
        );
        if (rows[0].held) {
          held = true;
          this.hold(client, onLost);
          return true;
        }
        if (!announced) onWaiting();
        announced = true;
        await sleepUnless(retryMs, shouldStop);
      }
      return false;
    } finally {
      if (!held) client.release();
    }
  }

  private hold(client: PoolClient, onLost: (error: Error) => void): void {
    this.client = client;
    this.onLost = onLost;
    const lose = (error: Error) => {
      this.onLost?.(new Error(`change feed leadership lost: ${error.message}`));
      this.onLost = null;
    };
    this.onClientError = lose;
    client.on('error', lose);
    this.heartbeat = setInterval(() => {
      client.query('SELECT 1').catch(lose);
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** The session holding the lock (for the checkpoints: they move only while this process leads). */
  session(): PoolClient {
    if (!this.client) throw new Error('change feed leadership is not held');
    return this.client;
  }

  async release(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    this.onLost = null;
    const client = this.client;
    this.client = null;
    if (!client) return;
    if (this.onClientError) client.off('error', this.onClientError);
    this.onClientError = null;
    try {
      await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LOCK_CLASS, this.relayName]);
      client.release();
    } catch {
      client.release(true); // a broken session: discard it (its locks went with it)
    }
  }
}

async function sleepUnless(ms: number, shouldStop: () => boolean): Promise<void> {
  const step = Math.min(ms, 100);
  for (let waited = 0; waited < ms && !shouldStop(); waited += step) {
    await new Promise((resolve) => setTimeout(resolve, step));
  }
}
