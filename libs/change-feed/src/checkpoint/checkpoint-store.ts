import { join } from 'node:path';
import type { Pool, PoolClient } from 'pg';
import {
  formatPosition,
  locateMigrations,
  parsePosition,
  type MigrationSet,
  type Position,
} from '@registry/event-store';

export const CHANGE_FEED_MIGRATIONS: MigrationSet = {
  dir: locateMigrations(join(__dirname, '..', '..', 'migrations'), 'libs/change-feed/migrations'),
  table: 'pgmigrations_change_feed',
};

/**
 * One checkpoint per (relay, topic): a topic added later starts from the beginning of the log.
 * The relay reads and writes them on the session that holds its leadership lock (a deposed
 * relay's session is gone, so it cannot move a checkpoint after another took over).
 */
export class CheckpointStore {
  constructor(
    private readonly db: Pool | PoolClient,
    readonly relay: string,
  ) {}

  /** The checkpoint of each topic; topics without one are absent (they start from the beginning). */
  async load(topics: readonly string[]): Promise<Map<string, Position>> {
    const { rows } = await this.db.query<{ topic: string; position: string }>(
      'SELECT topic, position FROM change_feed_checkpoints WHERE relay = $1 AND topic = ANY($2)',
      [this.relay, topics],
    );
    return new Map(rows.map((row) => [row.topic, parsePosition(row.position)]));
  }

  /** Stores the positions in one statement (only ever called with acknowledged positions). */
  async save(positions: ReadonlyMap<string, Position>): Promise<void> {
    if (positions.size === 0) return;
    const topics = [...positions.keys()];
    await this.db.query(
      `INSERT INTO change_feed_checkpoints (relay, topic, position, updated_at)
       SELECT $1, topic, position, now() FROM unnest($2::text[], $3::text[]) AS c(topic, position)
       ON CONFLICT (relay, topic) DO UPDATE SET position = EXCLUDED.position, updated_at = EXCLUDED.updated_at`,
      [this.relay, topics, topics.map((topic) => formatPosition(positions.get(topic)!))],
    );
  }
}
