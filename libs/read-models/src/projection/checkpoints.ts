import { escapeLiteral, type Pool, type PoolClient, type QueryResult } from 'pg';
import { formatPosition, parsePosition, type Position } from '@registry/event-store';
import type { TableSet } from './projection';

type Queryable = Pool | PoolClient;

/** Each projection's last projected position; undefined: nothing projected yet. */
export type Positions = Map<string, Position | undefined>;

export interface CheckpointRow {
  readonly projection: string;
  readonly position: string | null;
  readonly processed: string;
  readonly last_recorded_at: Date | null;
  readonly updated_at: Date;
}

/** The live checkpoint is the projection's name; a rebuild in progress keeps `<name>@next`. */
export function checkpointKey(projection: string, target: TableSet): string {
  return target.suffix === '' ? projection : `${projection}@next`;
}

/** Another writer (a rebuild's swap, a second projector) moved the checkpoint: start again from it. */
export class CheckpointMoved extends Error {
  constructor(readonly key: string) {
    super(`Checkpoint ${key} was moved by another writer`);
  }
}

export async function ensureCheckpoints(db: Queryable, keys: readonly string[]): Promise<void> {
  await db.query('INSERT INTO projection_checkpoints (projection) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING', [
    keys,
  ]);
}

export async function readCheckpoints(db: Queryable, keys: readonly string[]): Promise<Positions> {
  const { rows } = await db.query<CheckpointRow>('SELECT * FROM projection_checkpoints WHERE projection = ANY($1)', [
    keys,
  ]);
  return toPositions(keys, rows);
}

/** Locks the rows in name order (no deadlock between writers) for the rest of the transaction. */
export async function lockCheckpoints(tx: PoolClient, keys: readonly string[]): Promise<Positions> {
  const { rows } = await tx.query<CheckpointRow>(
    'SELECT * FROM projection_checkpoints WHERE projection = ANY($1) ORDER BY projection FOR UPDATE',
    [keys],
  );
  return toPositions(keys, rows);
}

/**
 * lockCheckpoints sent with the transaction's BEGIN (`begin`, a simple-protocol text) in one round
 * trip: the keys go in as literals, since a text of several statements takes no parameters.
 */
export async function beginAndLockCheckpoints(
  tx: PoolClient,
  begin: string,
  keys: readonly string[],
): Promise<Positions> {
  const results = (await tx.query(
    `${begin}; SELECT * FROM projection_checkpoints WHERE projection IN (${keys.map(escapeLiteral).join(', ')})
      ORDER BY projection FOR UPDATE`,
  )) as unknown as QueryResult<CheckpointRow>[];
  return toPositions(keys, results[results.length - 1].rows);
}

/** Throws CheckpointMoved unless the stored positions (of `stored`'s keys) are the ones expected. */
export function requireUnmoved(stored: Positions, expected: Positions): void {
  for (const [key, actual] of stored) {
    const position = expected.get(key);
    const same =
      actual === undefined || position === undefined
        ? actual === position
        : formatPosition(actual) === formatPosition(position);
    if (!same) throw new CheckpointMoved(key);
  }
}

export interface CheckpointAdvance {
  readonly key: string;
  readonly position: Position;
  readonly events: number;
  readonly lastRecordedAt: Date;
}

/** Moves the checkpoints inside the caller's transaction (its own statement: checkpointsUpdate's text). */
export async function saveCheckpoints(tx: PoolClient, advances: readonly CheckpointAdvance[]): Promise<void> {
  if (advances.length > 0) await tx.query(checkpointsUpdate(advances));
}

/**
 * The checkpoints' UPDATE as a text, so that a live batch can send it before its COMMIT in one
 * round trip (empty when nothing moved). Values as literals, since a text of several statements
 * takes no parameters: positions and counts are digits, the keys and times are escaped.
 */
export function checkpointsUpdate(advances: readonly CheckpointAdvance[]): string {
  if (advances.length === 0) return '';
  const rows = advances.map(
    (a) =>
      `(${escapeLiteral(a.key)}, ${escapeLiteral(formatPosition(a.position))}, ${Number(a.events)}, ` +
      `${escapeLiteral(a.lastRecordedAt.toISOString())}::timestamptz)`,
  );
  return `UPDATE projection_checkpoints c
        SET position = a.position, processed = c.processed + a.events, last_recorded_at = a.recorded, updated_at = now()
       FROM (VALUES ${rows.join(', ')}) AS a(projection, position, events, recorded)
      WHERE c.projection = a.projection; `;
}

/** A rebuild starts its `@next` checkpoints from the beginning. */
export async function resetCheckpoints(db: Queryable, keys: readonly string[]): Promise<void> {
  await ensureCheckpoints(db, keys);
  await db.query(
    `UPDATE projection_checkpoints SET position = NULL, processed = 0, last_recorded_at = NULL, updated_at = now()
      WHERE projection = ANY($1)`,
    [keys],
  );
}

/** The swap: the live checkpoint takes the rebuild's position and count, the `@next` row goes. */
export async function promoteCheckpoint(tx: PoolClient, from: string, to: string): Promise<void> {
  await tx.query(
    `UPDATE projection_checkpoints live
        SET position = next.position, processed = next.processed, last_recorded_at = next.last_recorded_at, updated_at = now()
       FROM projection_checkpoints next
      WHERE live.projection = $2 AND next.projection = $1`,
    [from, to],
  );
  await tx.query('DELETE FROM projection_checkpoints WHERE projection = $1', [from]);
}

function toPositions(keys: readonly string[], rows: readonly CheckpointRow[]): Positions {
  const byKey = new Map(rows.map((row) => [row.projection, row]));
  const positions: Positions = new Map();
  for (const key of keys) {
    const row = byKey.get(key);
    if (!row) throw new Error(`No checkpoint row for ${key}`);
    positions.set(key, row.position === null ? undefined : parsePosition(row.position));
  }
  return positions;
}
