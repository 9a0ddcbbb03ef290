import { useScratchDatabase } from '../test-support/scratch-database';
import { copyRows } from './copy-rows';

const db = useScratchDatabase('copy_rows');

describe('copyRows: rows inserted by COPY', () => {
  it('keeps every value as given: backslashes, tabs, line breaks, JSON, numbers and nulls', async () => {
    await db().pool.query('CREATE TABLE copied (name text, n integer, doc json, note text)');
    const rows = [
      ['Nguyễn\tVăn\\An', 7, JSON.stringify({ line: 'Số 5\\6 "Lê Lợi"\n', at: null }), null],
      ['plain', 0, '{}', 'a\r\nb'],
    ];
    const client = await db().pool.connect();
    try {
      await copyRows(client, 'copied', ['name', 'n', 'doc', 'note'], rows);
    } finally {
      client.release();
    }
    const { rows: read } = await db().pool.query('SELECT name, n, doc::text AS doc, note FROM copied ORDER BY n DESC');
    expect(read.map((r) => [r.name, r.n, r.doc, r.note])).toEqual(rows);
  });
});
