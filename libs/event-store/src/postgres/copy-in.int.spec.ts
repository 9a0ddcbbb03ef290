import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { testDatabaseUrl } from '@registry/testing';
import { copyIn } from './copy-in';

const pool = new Pool({ connectionString: testDatabaseUrl(), max: 2 });
/** A table of this run's own: tests share the database server and never assume they are alone. */
const table = `copy_in_${randomUUID().replace(/-/g, '')}`;

beforeAll(() => pool.query(`CREATE TABLE ${table} (id integer PRIMARY KEY, name text NOT NULL)`));
afterAll(async () => {
  await pool.query(`DROP TABLE IF EXISTS ${table}`);
  await pool.end();
});

async function names(): Promise<string[]> {
  return (await pool.query<{ name: string }>(`SELECT name FROM ${table} ORDER BY id`)).rows.map((r) => r.name);
}

describe('copyIn: bytes built in full, sent to COPY FROM STDIN', () => {
  beforeEach(() => pool.query(`TRUNCATE ${table}`));

  it('resolves once the rows are in: the same transaction reads them at once', async () => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await copyIn(client, `COPY ${table} (id, name) FROM STDIN`, Buffer.from('1\tLê Lợi\n2\tTrần Hưng Đạo\n'));
      const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
      expect(rows[0].n).toBe(2);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    expect(await names()).toEqual(['Lê Lợi', 'Trần Hưng Đạo']);
  });

  it('takes bytes from another thread (a plain Uint8Array over shared memory) without a copy', async () => {
    const text = new TextEncoder().encode('7\tNguyễn\n');
    const shared = new Uint8Array(new SharedArrayBuffer(text.length));
    shared.set(text);
    const client = await pool.connect();
    try {
      await copyIn(client, `COPY ${table} (id, name) FROM STDIN`, shared);
    } finally {
      client.release();
    }
    expect(await names()).toEqual(['Nguyễn']);
  });

  it("rejects with PostgreSQL's refusal, keeps nothing, and leaves the connection usable", async () => {
    await pool.query(`INSERT INTO ${table} VALUES (1, 'first')`);
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const refused = copyIn(client, `COPY ${table} (id, name) FROM STDIN`, Buffer.from('2\tsecond\n1\tagain\n'));
      await expect(refused).rejects.toMatchObject({ code: '23505' }); // unique_violation
      await client.query('ROLLBACK');
      expect((await client.query<{ one: number }>('SELECT 1 AS one')).rows[0].one).toBe(1);
    } finally {
      client.release();
    }
    expect(await names()).toEqual(['first']);
  });
});
