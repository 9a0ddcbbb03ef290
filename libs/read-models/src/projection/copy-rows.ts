import type { PoolClient } from 'pg';
import { copyIn } from '@registry/event-store';

/** A column's value as COPY's text format takes it: text (JSON already serialised), a number, or null. */
export type CopyValue = string | number | null;

const SPECIAL = /[\\\t\n\r]/;
const SPECIALS = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function field(value: CopyValue): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  // Most values have none of the four: tested once, copied as they are.
  return SPECIAL.test(value) ? value.replace(SPECIALS, (c) => ESCAPES[c]) : value;
}

/** The rows as COPY's text: one string built by appending (no array per row, no join). */
function copyText(rows: readonly (readonly CopyValue[])[]): string {
  let text = '';
  for (const row of rows) {
    text += field(row[0]);
    for (let i = 1; i < row.length; i++) text += '\t' + field(row[i]);
    text += '\n';
  }
  return text;
}

/**
 * Up to this many rows go in one INSERT instead of a COPY. A live batch at a quiet pace holds one
 * or two events, and a COPY costs two round trips and a stream pipeline whatever its size (ADR
 * 0150). Larger batches keep COPY, which PostgreSQL does not plan. Text parameters reach the
 * target columns' input functions, as COPY's text does.
 */
export const INSERT_ROWS_AT_MOST = 4;

/**
 * Inserts rows by COPY (text format): PostgreSQL reads each value with its type's input, inserts
 * the rows many to a page and parses no JSON document around them. For rows known to be new:
 * COPY has no ON CONFLICT. A few rows go in one INSERT with the same values.
 */
export async function copyRows(
  tx: PoolClient,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly CopyValue[])[],
): Promise<void> {
  if (rows.length === 0) return;
  if (rows.length <= INSERT_ROWS_AT_MOST) return insertRows(tx, table, columns, rows);
  await copyIn(tx, `COPY ${table} (${columns.join(', ')}) FROM STDIN`, Buffer.from(copyText(rows)));
}

async function insertRows(
  tx: PoolClient,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly CopyValue[])[],
): Promise<void> {
  const values: CopyValue[] = [];
  const tuples = rows.map((row) => {
    const start = values.length;
    values.push(...row);
    return `(${row.map((_, i) => `$${start + i + 1}`).join(', ')})`;
  });
  await tx.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, values);
}
