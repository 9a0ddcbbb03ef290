import type { LoadResult } from './http-load';
import { median, pairedLines, pairedRatios, pairedSlices } from './paired-slices';

const result = (requestsPerSecond: number, p99: number): LoadResult => ({
  requests: requestsPerSecond * 5,
  requestsPerSecond,
  p50: 1,
  p99,
  max: p99,
  errors: 0,
  loadAverage: 1,
  cpuSeconds: 1,
});

describe('paired slices: the registry and the ceiling in turn', () => {
  it('alternates which side goes first, so that a drift of the machine falls on both alike', async () => {
    const order: string[] = [];
    const side = (name: string) => async () => {
      order.push(name);
      return result(100, 10);
    };
    const slices = await pairedSlices(3, side('R'), side('C'));
    expect(order).toEqual(['R', 'C', 'C', 'R', 'R', 'C']);
    expect(slices.map((s) => s.registryFirst)).toEqual([true, false, true]);
  });

  it('keeps each side in its place whatever ran first', async () => {
    let i = 0;
    const slices = await pairedSlices(
      2,
      async () => result(100 + i++, 10),
      async () => result(1000 + i++, 20),
    );
    // Pair 1: registry (i=0) then ceiling (i=1); pair 2: ceiling (i=2) then registry (i=3).
    expect(slices.map((s) => [s.registry.requestsPerSecond, s.ceiling.requestsPerSecond])).toEqual([
      [100, 1001],
      [103, 1002],
    ]);
  });

  it('reads the ratio as the median of the pairs, not as a ratio of sums one slow pair would sway', () => {
    const ratios = pairedRatios([
      { registryFirst: true, registry: result(600, 30), ceiling: result(1000, 20) },
      { registryFirst: false, registry: result(300, 90), ceiling: result(1000, 20) }, // the machine slowed for the registry
      { registryFirst: true, registry: result(700, 20), ceiling: result(1000, 20) },
    ]);
    expect(ratios.throughput).toEqual([0.6, 0.3, 0.7]);
    expect(ratios.medianThroughput).toBe(0.6);
    expect(ratios.medianP99).toBe(1.5);
  });

  it('takes the middle two of an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('prints each pair and the medians against the goals', () => {
    const text = pairedLines(
      'paired',
      [
        { registryFirst: true, registry: result(600, 30), ceiling: result(1000, 20) },
        { registryFirst: false, registry: result(400, 40), ceiling: result(1000, 20) },
      ],
      { throughput: 0.5, p99: 1.5 },
    );
    expect(text).toContain('pair 2 (ceiling first): registry 400/s p99 40 ms');
    expect(text).toContain('throughput 0.50 of the ceiling, median of 2 (0.40-0.60; goal >= 0.5: met)');
    expect(text).toContain('p99 1.75x (1.50-2.00; goal <= 1.5: NOT met)');
  });
});
