import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

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
 * Inserts rows by COPY (text format): PostgreSQL reads each value with its type's input, inserts
 * the rows many to a page and parses no JSON document around them. For rows known to be new:
 * COPY has no ON CONFLICT.
 */
export async function copyRows(
  tx: PoolClient,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly CopyValue[])[],
): Promise<void> {
  if (rows.length === 0) return;
  await pipeline(
    Readable.from([Buffer.from(copyText(rows))]),
    tx.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`)),
  );
}
