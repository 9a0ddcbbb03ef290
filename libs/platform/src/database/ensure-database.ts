import { Client } from 'pg';

/** Runs `work` on a connection to the `postgres` database of the server named in `url`. */
async function onServerOf<T>(
  url: string,
  work: (client: Client, quotedName: string, name: string) => Promise<T>,
): Promise<T> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    return await work(client, `"${name.replace(/"/g, '""')}"`, name);
  } finally {
    await client.end();
  }
}

/** Creates the database named in `url` when missing; `fresh` drops it first. */
export async function ensureDatabase(url: string, fresh = false): Promise<void> {
  await onServerOf(url, async (client, quoted, name) => {
    if (fresh) await client.query(`DROP DATABASE IF EXISTS ${quoted} WITH (FORCE)`);
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) await client.query(`CREATE DATABASE ${quoted}`);
  });
}

/**
 * Drops the database named in `url`. With `force`, open connections are ended; without, a
 * database still in use is left in place (tests that cannot be sure every connection closed).
 */
export async function dropDatabase(url: string, { force = false } = {}): Promise<void> {
  await onServerOf(url, (client, quoted) =>
    client.query(`DROP DATABASE IF EXISTS ${quoted}${force ? ' WITH (FORCE)' : ''}`).then(
      () => undefined,
      (error: unknown) => {
        if (force) throw error;
      },
    ),
  );
}
