import { readdirSync, readFileSync } from 'node:fs';
import type { Pool } from 'pg';

/** CPU seconds of this process (every thread) and of the database's PostgreSQL backends. */
export interface CpuUsed {
  readonly process: number;
  readonly postgres: number;
  /** Each thread of this process (by thread id): its CPU seconds since the meter started. */
  readonly threads: ReadonlyMap<number, number>;
}

/**
 * The CPU seconds of the busiest thread between two readings: with cores to spare, the work
 * cannot go faster than that thread (a rebuild's JavaScript thread, or its busiest worker).
 */
export function busiestThread(from: CpuUsed, to: CpuUsed): number {
  let most = 0;
  for (const [tid, seconds] of to.threads) most = Math.max(most, seconds - (from.threads.get(tid) ?? 0));
  return most;
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
  private readonly threadFirst = new Map<number, number>();
  private readonly threadLast = new Map<number, number>();
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
    this.sampleThreads();
    const used = process.cpuUsage(this.processStart);
    let ticks = 0;
    for (const [pid, start] of this.first) ticks += this.last.get(pid)! - start;
    const threads = new Map<number, number>();
    for (const [tid, start] of this.threadFirst)
      threads.set(tid, ((this.threadLast.get(tid)! - start) * TICK_MS) / 1000);
    return { process: (used.user + used.system) / 1e6, postgres: (ticks * TICK_MS) / 1000, threads };
  }

  /** Threads of this process; one started since the meter counts whole, one ended keeps its last reading. */
  private sampleThreads(): void {
    const starting = this.threadFirst.size === 0;
    for (const tid of readdirSync('/proc/self/task').map(Number)) {
      const ticks = ticksOf(`/proc/self/task/${tid}/stat`);
      if (ticks === undefined) continue;
      if (!this.threadFirst.has(tid)) this.threadFirst.set(tid, starting ? ticks : 0);
      this.threadLast.set(tid, ticks);
    }
  }

  async sample(): Promise<void> {
    const { rows } = await this.pool.query<{ pid: number; since_meter: boolean }>(
      'SELECT pid, backend_start > $1 AS since_meter FROM pg_stat_activity WHERE datname = current_database()',
      [this.started],
    );
    this.sampleThreads();
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
  return ticksOf(`/proc/${pid}/stat`);
}

/** utime + stime of a /proc stat file, in ticks. */
function ticksOf(file: string): number | undefined {
  try {
    const fields = readFileSync(file, 'utf8').split(') ')[1].split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}
