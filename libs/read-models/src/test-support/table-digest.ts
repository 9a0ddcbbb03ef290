import type { Pool } from 'pg';
import { ALL_PROJECTIONS } from '../projection/projections';
import { tableName, type TableSet, LIVE } from '../projection/projection';

export interface TableDigest {
  readonly rows: number;
  readonly md5: string | null;
}

/**
 * Every read-model table as row count and a hash of all its rows in primary-key order: two
 * digests are equal when the tables are equal row for row, column for column.
 */
export async function readModelDigest(pool: Pool, target: TableSet = LIVE): Promise<Record<string, TableDigest>> {
  const digest: Record<string, TableDigest> = {};
  for (const table of ALL_PROJECTIONS.flatMap((p) => p.tables)) {
    const name = tableName(table, target);
    const key = await primaryKeyOf(pool, name);
    const { rows } = await pool.query<{ rows: number; md5: string | null }>(
      `SELECT count(*)::int AS rows, md5(string_agg(t::text, E'\\n' ORDER BY ${key})) AS md5 FROM ${name} AS t`,
    );
    digest[table] = rows[0];
  }
  return digest;
}

/** The rows themselves, for a readable difference when two digests disagree. */
export async function tableRows(pool: Pool, table: string): Promise<string[]> {
  const key = await primaryKeyOf(pool, table);
  const { rows } = await pool.query<{ row: string }>(`SELECT t::text AS row FROM ${table} AS t ORDER BY ${key}`);
  return rows.map((r) => r.row);
}

async function primaryKeyOf(pool: Pool, table: string): Promise<string> {
  const { rows } = await pool.query<{ column: string }>(
    `SELECT a.attname AS column
       FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
      WHERE i.indrelid = $1::regclass AND i.indisprimary
      ORDER BY array_position(i.indkey::int2[], a.attnum)`,
    [table],
  );
  return rows.map((r) => `t.${r.column}`).join(', ');
}
