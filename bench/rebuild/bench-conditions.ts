import type { Pool } from 'pg';

/** The PostgreSQL settings that decide write and read speed, printed with every figure. */
export async function databaseLine(pool: Pool): Promise<string> {
  const { rows } = await pool.query<{ name: string; setting: string }>(
    `SELECT name, current_setting(name) AS setting FROM unnest(ARRAY['server_version', 'shared_buffers', 'synchronous_commit',
       'max_wal_size', 'wal_compression', 'work_mem', 'maintenance_work_mem']) AS name`,
  );
  return `postgresql: ${rows.map((r) => `${r.name}=${r.setting}`).join(', ')}`;
}
