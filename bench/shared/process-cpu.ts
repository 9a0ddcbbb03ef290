import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Pool } from 'pg';

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/**
 * CPU seconds (user + system) a process has used so far, from /proc. On a machine shared with
 * other work, CPU time per request is what the load of others does not change much, unlike
 * requests per second. `thread`: one thread's alone (a process's main thread has its own pid as id).
 */
export function cpuSeconds(pid: number | undefined, thread?: number): number {
  if (pid === undefined) return NaN;
  try {
    const path = thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`;
    const fields = readFileSync(path, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND; // utime, stime (fields 14, 15)
  } catch {
    return NaN;
  }
}

/** Runs `work` and returns its result with the CPU seconds `pid` used meanwhile. */
export async function withCpu<T>(pid: number | undefined, work: () => Promise<T>): Promise<T & { cpuSeconds: number }> {
  const before = cpuSeconds(pid);
  const result = await work();
  return { ...result, cpuSeconds: cpuSeconds(pid) - before };
}

/**
 * CPU seconds used so far by the PostgreSQL backends connected to `database` (and the server's
 * WAL writer, which flushes for them): what a request costs the database, next to the server's.
 */
export async function databaseCpuSeconds(pool: Pool, database: string): Promise<number> {
  const { rows } = await pool.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE datname = $1 OR backend_type = 'walwriter'`,
    [database],
  );
  return rows.reduce((sum, row) => sum + (cpuSeconds(row.pid) || 0), 0);
}

/** Bytes of WAL the server has written so far (server-wide: every database's writes count). */
export async function walBytes(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ bytes: string }>(`SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0') AS bytes`);
  return Number(rows[0].bytes);
}
