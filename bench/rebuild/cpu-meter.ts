import { readFileSync } from 'node:fs';
import type { Pool } from 'pg';

/** CPU seconds of this process (every thread) and of the database's PostgreSQL backends. */
export interface CpuUsed {
  readonly process: number;
  readonly postgres: number;
}

const TICK_MS = 10; // USER_HZ is 100 on Linux
const SAMPLE_MS = 500;

/**
 * CPU seconds spent by this process and by the PostgreSQL backends of the database (from
 * /proc: PostgreSQL runs on this machine). On a shared machine wall time varies with the
 * neighbours; CPU time says what the work itself costs.
 */
export class CpuMeter {
  private readonly processStart = process.cpuUsage();
  private readonly started = new Date();
  private readonly first = new Map<number, number>();
  private readonly last = new Map<number, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly pool: Pool) {
    this.timer = setInterval(() => void this.sample().catch(() => undefined), SAMPLE_MS);
  }

  async stop(): Promise<CpuUsed> {
    clearInterval(this.timer);
    await this.sample();
    return this.now();
  }

  /**
   * CPU seconds so far, without a query: the backends seen by the last sample, read again from
   * /proc (a bench takes one at each phase change, to split the CPU by phase).
   */
  now(): CpuUsed {
    for (const pid of this.first.keys()) {
      const ticks = backendTicks(pid);
      if (ticks !== undefined) this.last.set(pid, ticks);
    }
    const used = process.cpuUsage(this.processStart);
    let ticks = 0;
    for (const [pid, start] of this.first) ticks += this.last.get(pid)! - start;
    return { process: (used.user + used.system) / 1e6, postgres: (ticks * TICK_MS) / 1000 };
  }

  async sample(): Promise<void> {
    const { rows } = await this.pool.query<{ pid: number; since_meter: boolean }>(
      'SELECT pid, backend_start > $1 AS since_meter FROM pg_stat_activity WHERE datname = current_database()',
      [this.started],
    );
    for (const { pid, since_meter } of rows) {
      const ticks = backendTicks(pid);
      if (ticks === undefined) continue;
      // A backend started since the meter counts whole (its CPU before this sample included).
      if (!this.first.has(pid)) this.first.set(pid, since_meter ? 0 : ticks);
      this.last.set(pid, ticks);
    }
  }
}

function backendTicks(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}
