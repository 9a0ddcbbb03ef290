import { Agent, request } from 'node:http';
import { loadavg } from 'node:os';
import type { LoadResult } from './http-load';

export interface OpenLoopOptions {
  /** Requests a second, sent on schedule whatever the answers' pace. */
  readonly rate: number;
  readonly seconds: number;
  /** Connections at most; a request due when all are busy waits for one, and that wait counts. */
  readonly connections: number;
  readonly method?: 'GET' | 'POST';
  readonly body?: string;
  readonly headers?: Record<string, string>;
}

/**
 * Offers `rate` requests a second, evenly spaced, and measures each from the moment it was due, not
 * from when it left (no coordinated omission): the latency users see when traffic arrives at a
 * pace rather than a fixed number of clients each waiting for its answer. autocannon's own rate
 * option sends each connection's share of a second in one burst at the second's start, which
 * measures bursts, so this does it with node's HTTP client.
 */
export function loadAtRate(base: string, path: () => string, options: OpenLoopOptions): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const url = new URL(base);
  const method = options.method ?? 'GET';
  const headers = {
    ...options.headers,
    ...(options.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(options.body)) }),
  };
  const total = Math.round(options.rate * options.seconds);
  const latencies: number[] = [];
  let errors = 0;
  let sent = 0;
  let pending = 0;
  const start = performance.now();
  let last = start;
  return new Promise((resolve) => {
    const finish = () => {
      agent.destroy();
      latencies.sort((a, b) => a - b);
      const at = (q: number) =>
        Math.round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))] ?? NaN);
      resolve({
        requests: latencies.length,
        requestsPerSecond: (latencies.length * 1000) / (last - start),
        p50: at(0.5),
        p99: at(0.99),
        max: Math.round(latencies[latencies.length - 1] ?? NaN),
        errors,
        loadAverage: loadavg()[0],
      });
    };
    const answered = (due: number, ok: boolean) => {
      last = performance.now();
      if (ok) latencies.push(last - due);
      else errors++;
      if (--pending === 0 && sent === total) finish();
    };
    const send = (due: number) => {
      pending++;
      const outgoing = request(
        { agent, host: url.hostname, port: url.port, path: path(), method, headers },
        (response) => {
          response.resume();
          const ok = response.statusCode !== undefined && response.statusCode >= 200 && response.statusCode < 300;
          response.on('end', () => answered(due, ok));
          response.on('error', () => answered(due, false));
        },
      );
      outgoing.on('error', () => answered(due, false));
      outgoing.end(options.body);
    };
    // Every millisecond or so, what has fallen due since: a few requests at a time at thousands a second.
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - start) * options.rate) / 1000));
      while (sent < due) send(start + (sent++ * 1000) / options.rate);
      if (sent === total) clearInterval(timer);
    }, 1);
  });
}
