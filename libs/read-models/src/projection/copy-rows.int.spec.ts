import { useScratchDatabase } from '../test-support/scratch-database';
import { copyRows, INSERT_ROWS_AT_MOST } from './copy-rows';

const db = useScratchDatabase('copy_rows');

/** Values COPY's text format must escape, and JSON, numbers and nulls, `copies` times over. */
function awkwardRows(copies: number): (string | number | null)[][] {
  return Array.from({ length: copies }, (_, i) => [
    [`Nguyễn\tVăn\\An ${i}`, 2 * i + 1, JSON.stringify({ line: 'Số 5\\6 "Lê Lợi"\n', at: null }), null],
    [`plain ${i}`, 2 * i, '{}', 'a\r\nb'],
  ]).flat();
}

describe('copyRows: rows inserted as given', () => {
  // A few rows go in one INSERT, more by COPY (ADR 0150): both keep every value as it was given.
  it.each([
    ['one INSERT', Math.floor(INSERT_ROWS_AT_MOST / 2)],
    ['COPY', Math.floor(INSERT_ROWS_AT_MOST / 2) + 1],
  ])('keeps backslashes, tabs, line breaks, JSON, numbers and nulls (%s)', async (_, copies) => {
    await db().pool.query(
      'DROP TABLE IF EXISTS copied; CREATE TABLE copied (name text, n integer, doc json, note text)',
    );
    const rows = awkwardRows(copies);
    const client = await db().pool.connect();
    try {
      await copyRows(client, 'copied', ['name', 'n', 'doc', 'note'], rows);
    } finally {
      client.release();
    }
    const { rows: read } = await db().pool.query('SELECT name, n, doc::text AS doc, note FROM copied ORDER BY n DESC');
    const expected = [...rows].sort((a, b) => Number(b[1]) - Number(a[1]));
    expect(read.map((r) => [r.name, r.n, r.doc, r.note])).toEqual(expected);
  });

  it('inserts nothing for no rows', async () => {
    await db().pool.query('DROP TABLE IF EXISTS copied; CREATE TABLE copied (name text)');
    const client = await db().pool.connect();
    try {
      await copyRows(client, 'copied', ['name'], []);
    } finally {
      client.release();
    }
    expect((await db().pool.query('SELECT count(*)::int AS n FROM copied')).rows[0].n).toBe(0);
  });
});
