import type { Pool, PoolClient } from 'pg';

/**
 * One active projector per database: a session advisory lock held on a connection of its own.
 * A second projector (the single-process default next to a standalone one, a restarted pod)
 * waits as a standby and takes over when the leader's connection ends, even on SIGKILL.
 * Correctness does not rest on it (checkpoints are checked in every batch); it avoids two
 * projectors doing the same work and rolling each other back.
 */
export class Leadership {
  private lost = false;

  private constructor(
    private readonly client: PoolClient,
    private readonly key: string,
    private readonly onLost: () => void,
  ) {
    client.on('error', () => this.lose());
  }

  static async tryAcquire(pool: Pool, key: string, onLost: () => void): Promise<Leadership | undefined> {
    const client = await pool.connect();
    try {
      const { rows } = await client.query<{ held: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS held', [
        key,
      ]);
      if (rows[0].held) return new Leadership(client, key, onLost);
      client.release();
      return undefined;
    } catch (error) {
      client.release(true);
      throw error;
    }
  }

  get held(): boolean {
    return !this.lost;
  }

  async release(): Promise<void> {
    if (this.lost) return;
    this.lost = true;
    try {
      await this.client.query('SELECT pg_advisory_unlock(hashtext($1))', [this.key]);
      this.client.release();
    } catch {
      this.client.release(true);
    }
  }

  private lose(): void {
    if (this.lost) return;
    this.lost = true;
    this.client.release(true);
    this.onLost();
  }
}
