import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface ProfileItem {
  readonly name: string;
  /** Share of the busy samples (idle left out), 0..1. */
  readonly share: number;
}

export interface ProfileSummary {
  /** Busy samples' time, socket writes included. */
  readonly busyMs: number;
  readonly idleShare: number;
  /** Share of the busy samples in a socket write (see SOCKET_WRITES), left out of the lists. */
  readonly socketWritesShare: number;
  /** Shares of the busy samples other than socket writes. */
  readonly functions: readonly ProfileItem[];
  readonly packages: readonly ProfileItem[];
}

/**
 * Node's native socket writes. On this 2-core machine a write wakes the peer (a PostgreSQL backend,
 * the client), which often takes the core at once: the sampler then finds the thread still in the
 * write while it waits. Measured at 700 births/s, these frames held 32% of the registry's busy
 * samples, and the samples exceeded the main thread's CPU time in /proc by about as much (README,
 * 2026-12-01 05:47): wall time, not CPU. So they are reported apart, not ranked with the code.
 */
const SOCKET_WRITES = new Set(['writev', 'writeBuffer', 'writeUtf8String', 'writeLatin1String', 'writeAsciiString']);

/**
 * Where a V8 CPU profile (node --cpu-prof) spent its busy time: self time by function and by
 * package (a node_modules package, node's own code, the registry's code, GC), top first, with
 * the native socket writes apart (SOCKET_WRITES).
 */
export function summarizeProfile(file: string, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const functions = new Map<string, number>();
  const packages = new Map<string, number>();
  let idle = 0;
  let writes = 0;
  let total = 0;
  profile.samples.forEach((id, i) => {
    const micros = profile.timeDeltas[i] ?? 0;
    total += micros;
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(idle)') {
      idle += micros;
      return;
    }
    if (!frame.url && SOCKET_WRITES.has(frame.functionName)) {
      writes += micros;
      return;
    }
    add(functions, functionLabel(frame), micros);
    add(packages, packageOf(frame), micros);
  });
  const busy = total - idle;
  const ranked = (items: Map<string, number>) =>
    [...items]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, micros]) => ({ name, share: micros / (busy - writes) }));
  return {
    busyMs: busy / 1000,
    idleShare: idle / total,
    socketWritesShare: writes / busy,
    functions: ranked(functions),
    packages: ranked(packages),
  };
}

export function printProfile(title: string, summary: ProfileSummary): void {
  console.log(
    `${title}: ${(summary.busyMs / 1000).toFixed(1)} s busy, idle ${(summary.idleShare * 100).toFixed(0)}% of the samples`,
  );
  console.log(
    `  socket writes: ${(summary.socketWritesShare * 100).toFixed(0)}% of the busy samples, left out below ` +
      '(mostly the thread waiting while the woken peer takes the core: compare the CPU from /proc)',
  );
  console.log('  top functions (self time, share of the busy samples other than socket writes):');
  for (const item of summary.functions) console.log(`    ${(item.share * 100).toFixed(1).padStart(5)}%  ${item.name}`);
  console.log('  by package:');
  for (const item of summary.packages) console.log(`    ${(item.share * 100).toFixed(1).padStart(5)}%  ${item.name}`);
}

function add(map: Map<string, number>, key: string, micros: number): void {
  map.set(key, (map.get(key) ?? 0) + micros);
}

function functionLabel(frame: ProfileNode['callFrame']): string {
  const name = frame.functionName || '(anonymous)';
  if (!frame.url) return name;
  const where = frame.url.replace(/^file:\/\//, '').replace(/^.*node_modules\//, '');
  return `${name} ${where.replace(/^.*\/(apps|libs|bench)\//, '$1/')}:${frame.lineNumber + 1}`;
}

function packageOf(frame: ProfileNode['callFrame']): string {
  const url = frame.url;
  if (!url) return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  if (url.startsWith('node:')) return 'node (built-in)';
  const module = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (module) return module[1];
  const own = /\/(apps|libs)\/([^/]+)/.exec(url);
  return own ? `registry: ${own[1]}/${own[2]}` : url;
}
