import { cpuPerRequest, type LoadResult } from './http-load';

/** One registry slice and the ceiling slice run next to it. */
export interface SlicePair {
  readonly registryFirst: boolean;
  readonly registry: LoadResult;
  readonly ceiling: LoadResult;
}

/**
 * Warm slices of the registry and the ceiling in turn, both servers up (ADR 0162). On the VMs here
 * the machine's speed moves by a third or more within a minute (the same server's CPU per request
 * with it), so one registry run followed by one ceiling run compares two machines as often as two
 * servers. Slices a few seconds long, in the order R C, C R, R C, ... put any drift on both sides of
 * every pair alike, and the ratio is read as the median of the pairs'.
 */
export async function pairedSlices(
  pairs: number,
  registry: () => Promise<LoadResult>,
  ceiling: () => Promise<LoadResult>,
): Promise<SlicePair[]> {
  const slices: SlicePair[] = [];
  for (let i = 0; i < pairs; i++) {
    const registryFirst = i % 2 === 0;
    if (registryFirst) {
      const r = await registry();
      slices.push({ registryFirst, registry: r, ceiling: await ceiling() });
    } else {
      const c = await ceiling();
      slices.push({ registryFirst, ceiling: c, registry: await registry() });
    }
  }
  return slices;
}

/** What the pairs say: each pair's ratios, and their medians against the goals. */
export interface PairedRatios {
  readonly throughput: readonly number[];
  readonly p99: readonly number[];
  readonly medianThroughput: number;
  readonly medianP99: number;
}

export function pairedRatios(slices: readonly SlicePair[]): PairedRatios {
  const throughput = slices.map((s) => s.registry.requestsPerSecond / s.ceiling.requestsPerSecond);
  const p99 = slices.map((s) => s.registry.p99 / Math.max(1, s.ceiling.p99));
  return { throughput, p99, medianThroughput: median(throughput), medianP99: median(p99) };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The pairs one line each, then the medians with the goals' verdicts. */
export function pairedLines(
  label: string,
  slices: readonly SlicePair[],
  goals: { throughput: number; p99: number },
): string {
  const ratios = pairedRatios(slices);
  const side = (r: LoadResult) =>
    `${r.requestsPerSecond.toFixed(0)}/s p99 ${r.p99} ms CPU ${cpuPerRequest(r).toFixed(0)} µs`;
  const lines = slices.map(
    (s, i) =>
      `  pair ${i + 1} (${s.registryFirst ? 'registry first' : 'ceiling first'}): registry ${side(s.registry)}, ` +
      `ceiling ${side(s.ceiling)}: throughput ${ratios.throughput[i].toFixed(2)}, p99 ${ratios.p99[i].toFixed(2)}x`,
  );
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const range = (values: readonly number[]) => `${Math.min(...values).toFixed(2)}-${Math.max(...values).toFixed(2)}`;
  lines.push(
    `${label.padEnd(34)} throughput ${ratios.medianThroughput.toFixed(2)} of the ceiling, median of ${slices.length} ` +
      `(${range(ratios.throughput)}; goal >= ${goals.throughput}: ${verdict(ratios.medianThroughput >= goals.throughput)}), ` +
      `p99 ${ratios.medianP99.toFixed(2)}x (${range(ratios.p99)}; goal <= ${goals.p99}: ${verdict(ratios.medianP99 <= goals.p99)})`,
  );
  return lines.join('\n');
}
