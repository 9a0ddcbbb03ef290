import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';

const run = promisify(execFile);

/** One row shaped like an event (a stream name, a UUID, a type, a jsonb payload), one per transaction. */
const INSERT = `INSERT INTO bench_pgbench_events (stream_id, event_id, type, data)
  VALUES ('citizen-' || md5(random()::text), gen_random_uuid(), 'BirthRegistered',
          '{"pin": "001224001234", "name": {"familyName": "Nguyễn", "givenName": "An"}, "sex": "male"}');
`;

/**
 * pgbench's single-row insert at `clients` concurrent connections for `seconds`: the most
 * committed single-row transactions per second this database server gives (PostgreSQL 15's pgbench).
 */
export async function pgbenchInserts(url: string, clients: number, seconds: number): Promise<{ tps: number }> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE TABLE IF NOT EXISTS bench_pgbench_events (
      position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, stream_id text NOT NULL, event_id uuid NOT NULL,
      type text NOT NULL, data jsonb NOT NULL, recorded_at timestamptz NOT NULL DEFAULT now())`);
  } finally {
    await client.end();
  }
  const script = join(mkdtempSync(join(tmpdir(), 'pgbench-')), 'insert.sql');
  writeFileSync(script, INSERT);
  const threads = Math.min(clients, 2);
  const { stdout } = await run('pgbench', [
    '-n',
    '-f',
    script,
    '-c',
    String(clients),
    '-j',
    String(threads),
    '-T',
    String(seconds),
    url,
  ]);
  const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(stdout)?.[1];
  if (!tps) throw new Error(`pgbench printed no tps:\n${stdout}`);
  return { tps: Number(tps) };
}
