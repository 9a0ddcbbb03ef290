import { readdirSync } from 'node:fs';
import { parse } from 'node:path';
import type { Pool } from 'pg';
import type { MigrationSet } from '@registry/event-store';

/** Migrations of the set not yet applied to the database (all of them when its history table is missing). */
export async function pendingMigrations(pool: Pool, set: MigrationSet): Promise<string[]> {
  const files = readdirSync(set.dir)
    .filter((file) => /\.(sql|js|ts)$/.test(file))
    .map((file) => parse(file).name);
  const { rows } = await pool
    .query<{ name: string }>(`SELECT name FROM ${set.table}`)
    .catch(() => ({ rows: [] as Array<{ name: string }> }));
  const applied = new Set(rows.map((row) => row.name));
  return files.filter((name) => !applied.has(name));
}
