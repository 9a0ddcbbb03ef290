import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from 'pg';

/** How long a paced run waits for the projector before it gives up on settling. */
const CATCH_UP_DEADLINE_MS = 180_000;

/**
 * Brings the machine to the same state before each server's paced run (ADR 0145): the paced run
 * measures latency at a steady pace, and what a saturating run leaves behind is not that. Two things
 * are left: the projector's backlog (it fell behind while the API answered as fast as it could; at
 * a steady 1,000 births/s it has none), and dirty pages, PostgreSQL's and the kernel's, which the
 * kernel writes back 30 s later under the paced run's WAL flushes. The projector is waited for
 * (its lag polled until none) and a CHECKPOINT writes and syncs the dirty pages, for the registry
 * and the ceiling alike. Returns the line that says what it found and took.
 */
export async function settleBeforePacedRun(pool: Pool, eventsBehind?: () => Promise<number>): Promise<string> {
  const dirtyBefore = kernelDirtyMiB();
  const started = performance.now();
  const behindAtStart = eventsBehind ? await projectorCaughtUp(eventsBehind) : 0;
  const caughtUp = performance.now();
  const checkpoint = await pool.query('CHECKPOINT').then(
    () => `CHECKPOINT ${((performance.now() - caughtUp) / 1000).toFixed(1)} s`,
    (error: Error) => `no CHECKPOINT (${error.message})`,
  );
  const projector = eventsBehind
    ? `projector ${behindAtStart} events behind, caught up in ${((caughtUp - started) / 1000).toFixed(1)} s; `
    : '';
  return `settled: ${projector}${checkpoint}; the kernel's dirty pages ${dirtyBefore} MiB before, ${kernelDirtyMiB()} MiB after`;
}

/**
 * Waits until the projector has no events left to project (its lag polled), and answers how many
 * it had at first. Between slices of a comparison (paired-slices.ts) this alone is waited for: a
 * CHECKPOINT there would make every slice start with full-page images in its WAL, which the registry,
 * touching more pages a birth, pays more of than the ceiling.
 */
export async function projectorCaughtUp(eventsBehind: () => Promise<number>): Promise<number> {
  const started = performance.now();
  const behindAtStart = await eventsBehind();
  for (let behind = behindAtStart; behind > 0; behind = await eventsBehind()) {
    if (performance.now() - started > CATCH_UP_DEADLINE_MS)
      throw new Error(`the projector is still ${behind} events behind after ${CATCH_UP_DEADLINE_MS / 1000} s`);
    await sleep(100); // the poll's interval: the condition is the lag above
  }
  return behindAtStart;
}

/** The machine's dirty page cache (/proc/meminfo), what the kernel has yet to write back. */
function kernelDirtyMiB(): string {
  const line = /^Dirty:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'));
  return line ? (Number(line[1]) / 1024).toFixed(0) : '?';
}
