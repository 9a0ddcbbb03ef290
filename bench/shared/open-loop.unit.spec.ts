import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadAtRate } from './open-loop';

/** A server that answers at once and notes when each request arrived. */
async function instantServer(): Promise<{ base: string; arrivals: number[]; server: Server }> {
  const arrivals: number[] = [];
  const server = createServer((request, response) => {
    arrivals.push(performance.timeOrigin + performance.now()); // since the epoch, as firstDueAt
    request.resume();
    request.on('end', () => response.end('ok'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, arrivals, server };
}

describe('loadAtRate: requests leave when they fall due', () => {
  it('sends request i at i / rate and measures from then (4/s: the first at once, then every 250 ms)', async () => {
    const { base, arrivals, server } = await instantServer();
    try {
      const result = await loadAtRate(base, () => '/', { rate: 4, seconds: 1, connections: 4 });
      expect(result.requests).toBe(4);
      expect(result.errors).toBe(0);
      // One interval late (the bug before 2026-12-01) would put the first at 250 ms and every answer
      // at 250 ms or more. The margins leave a loaded machine 100 ms of slack. The first is timed from
      // when it fell due in the pacing thread, not from before that thread started (its start-up
      // under CI's load took 173 ms once, and is not what is tested).
      expect(arrivals[0] - result.firstDueAt!).toBeLessThan(150);
      expect(arrivals[3] - arrivals[0]).toBeGreaterThan(650);
      expect(arrivals[3] - arrivals[0]).toBeLessThan(850);
      expect(result.p50).toBeLessThan(125);
    } finally {
      server.close();
    }
  });
});
