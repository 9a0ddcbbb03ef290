import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { cpuPerRequest, type LoadResult } from './http-load';

/** The minimal Fastify + pg server (ceiling-server.ts) in its own process, like the registry. */
export async function startCeiling(
  env: Record<string, string>,
  port: number,
): Promise<{ base: string; pid: number; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'ceiling-server.ts')], {
    cwd: join(__dirname, '..', '..'),
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600 && child.exitCode === null; i++) {
    try {
      if ((await fetch(`${base}/health/live`)).ok) return { base, pid: child.pid!, stop: () => stopped(child) };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  child.kill('SIGKILL');
  throw new Error('the ceiling server did not start');
}

async function stopped(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exit = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exit;
}

/** The registry against the ceiling: throughput ratio (higher is better) and p99 ratio (lower is better). */
export function ratioLine(
  label: string,
  registry: LoadResult,
  ceiling: LoadResult,
  goals: { throughput: number; p99: number },
): string {
  const throughput = registry.requestsPerSecond / ceiling.requestsPerSecond;
  const p99 = registry.p99 / Math.max(1, ceiling.p99);
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const cpu = cpuPerRequest(registry) / cpuPerRequest(ceiling);
  return (
    `${label.padEnd(34)} throughput ${throughput.toFixed(2)} of the ceiling (goal >= ${goals.throughput}: ${verdict(throughput >= goals.throughput)}), ` +
    `p99 ${p99.toFixed(2)}x the ceiling's (goal <= ${goals.p99}: ${verdict(p99 <= goals.p99)})` +
    (Number.isFinite(cpu) ? `, server CPU per request ${cpu.toFixed(1)}x the ceiling's` : '')
  );
}

/**
 * The registry against the ceiling offered the same rate (open loop): their p99 at the same pace.
 * In a closed loop (ratioLine) latency is connections / throughput, so a server at half the
 * ceiling's rate shows twice its latency whatever its per-request delay; at one offered rate both
 * answer every request and only their delays differ.
 */
export function fixedRateLine(rate: number, registry: LoadResult, ceiling: LoadResult, p99Goal: number): string {
  const p99 = registry.p99 / Math.max(1, ceiling.p99);
  const kept = (r: LoadResult) => `p50 ${r.p50} ms, max ${r.max} ms, ${r.requestsPerSecond.toFixed(0)}/s answered`;
  return (
    `${`at a fixed ${rate}/s offered`.padEnd(34)} registry p99 ${registry.p99} ms (${kept(registry)}), ` +
    `ceiling p99 ${ceiling.p99} ms (${kept(ceiling)}): p99 ${p99.toFixed(2)}x the ceiling's ` +
    `(goal <= ${p99Goal}: ${p99 <= p99Goal && registry.requestsPerSecond >= rate * 0.98 ? 'met' : 'NOT met'})`
  );
}
