import { loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { LoadResult, RequestVariant } from './http-load';
import { cpuSeconds } from './process-cpu';

export interface OpenLoopOptions {
  /** Requests a second, sent on schedule whatever the answers' pace. */
  readonly rate: number;
  readonly seconds: number;
  /** Connections at most; a request due when all are busy waits for one, and that wait counts. */
  readonly connections: number;
  readonly method?: 'GET' | 'POST';
  readonly body?: string;
  readonly headers?: Record<string, string>;
  /** Each request's body and added headers, instead of `body`. */
  readonly variant?: () => RequestVariant;
  /** The server's pid: the run is also reported second by second (of when requests fell due), with its CPU per answer. */
  readonly perSecondOf?: number;
}

interface Paced {
  /** Milliseconds from when each answered request fell due to its answer's end, sorted. */
  readonly latencies: number[];
  readonly errors: number;
  /** Milliseconds from the first request's due time to the last answer. */
  readonly elapsed: number;
  /** By the second in which requests fell due: answers and their p99. */
  readonly seconds: Array<{ requests: number; p99: number }>;
  /** When the first request fell due, in milliseconds since the epoch (the thread's own clock is its own). */
  readonly firstDueAt: number;
}

/**
 * Offers `rate` requests a second, evenly spaced, and measures each from the moment it was due, not
 * from when it left (no coordinated omission): the latency users see when traffic arrives at a
 * pace rather than a fixed number of clients each waiting for its answer. autocannon's own rate
 * option sends each connection's share of a second in one burst at the second's start, which
 * measures bursts, so this does it with node's HTTP client. The pacing runs in a worker thread of
 * its own: a pause of the bench's thread (its collector after autocannon's runs: 15 to 40 ms seen)
 * would send requests late and charge the server under test for it.
 */
export async function loadAtRate(base: string, path: () => string, options: OpenLoopOptions): Promise<LoadResult> {
  const total = Math.round(options.rate * options.seconds);
  const workerData = {
    base,
    paths: Array.from({ length: total }, path),
    rate: options.rate,
    connections: options.connections,
    method: options.method ?? 'GET',
    body: options.body,
    headers: options.headers ?? {},
    // Drawn ahead, as the paths are: the pacing thread only sends.
    variants: options.variant && Array.from({ length: total }, options.variant),
  };
  const worker = new Worker(PACER, { eval: true, workerData });
  const cpu = options.perSecondOf === undefined ? undefined : cpuBySecond(worker, options.perSecondOf);
  const paced = await new Promise<Paced>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    // Settles nothing once the message has come; else the thread ended without its figures.
    worker.once('exit', (code) => reject(new Error(`the pacing thread ended (${code}) without its figures`)));
  });
  await worker.terminate();
  const cpuSamples = cpu?.();
  const { latencies } = paced;
  const at = (q: number) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))] ?? NaN);
  return {
    requests: latencies.length,
    requestsPerSecond: (latencies.length * 1000) / paced.elapsed,
    p50: at(0.5),
    p99: at(0.99),
    max: Math.round(latencies[latencies.length - 1] ?? NaN),
    errors: paced.errors,
    loadAverage: loadavg()[0],
    firstDueAt: paced.firstDueAt,
    seconds:
      cpuSamples &&
      paced.seconds.map((second, i) => ({
        ...second,
        cpuMicrosPerRequest: ((cpuSamples[i + 1][0] - cpuSamples[i][0]) * 1e6) / Math.max(1, second.requests),
        mainThreadMicrosPerRequest: ((cpuSamples[i + 1][1] - cpuSamples[i][1]) * 1e6) / Math.max(1, second.requests),
      })),
  };
}

/**
 * The server's CPU seconds, the whole process's and its main thread's, at each second of the pace,
 * from when the pacing thread starts it.
 */
function cpuBySecond(worker: Worker, pid: number): () => [number, number][] {
  const samples: [number, number][] = [];
  const sample = () => samples.push([cpuSeconds(pid), cpuSeconds(pid, pid)]);
  let sampler: NodeJS.Timeout | undefined;
  worker.once('online', () => {
    sample();
    sampler = setInterval(sample, 1000);
  });
  return () => {
    clearInterval(sampler);
    sample();
    return samples;
  };
}

/** The pacing thread (plain JavaScript: it runs without the TypeScript loader). */
const PACER = `
const { Agent, request } = require('node:http');
const { parentPort, workerData: w } = require('node:worker_threads');
const agent = new Agent({ keepAlive: true, maxSockets: w.connections });
const url = new URL(w.base);
const withLength = (headers, body) => body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) };
const headers = withLength(w.headers, w.body);
const total = w.paths.length;
const latencies = [];
const bySecond = [];
let errors = 0, sent = 0, pending = 0, last = 0;
const start = performance.now();
const answered = (due, ok) => {
  last = performance.now();
  if (ok) {
    latencies.push(last - due);
    (bySecond[Math.floor((due - start) / 1000)] ??= []).push(last - due);
  } else errors++;
  if (--pending === 0 && sent === total) {
    agent.destroy();
    latencies.sort((a, b) => a - b);
    const seconds = Array.from(bySecond, (inSecond = []) => {
      inSecond.sort((a, b) => a - b);
      return { requests: inSecond.length, p99: inSecond[Math.min(inSecond.length - 1, Math.floor(inSecond.length * 0.99))] ?? NaN };
    });
    parentPort.postMessage({ latencies, errors, elapsed: last - start, seconds, firstDueAt: performance.timeOrigin + start });
  }
};
const send = (i) => {
  const due = start + (i * 1000) / w.rate;
  pending++;
  const variant = w.variants && w.variants[i];
  const body = variant ? variant.body : w.body;
  const sending = variant ? withLength({ ...w.headers, ...variant.headers }, body) : headers;
  const outgoing = request({ agent, host: url.hostname, port: url.port, path: w.paths[i], method: w.method, headers: sending }, (response) => {
    response.resume();
    const ok = response.statusCode >= 200 && response.statusCode < 300;
    response.on('end', () => answered(due, ok));
    response.on('error', () => answered(due, false));
  });
  outgoing.on('error', () => answered(due, false));
  outgoing.end(body);
};
// Every millisecond or so, what has fallen due since: a few requests at a time at thousands a second.
// Request i falls due at start + i / rate, so requests 0 to floor(elapsed x rate) are due now. (Until
// 2026-12-01 the + 1 was missing: each request left one interval after it fell due and was charged
// for it, 50 ms at 20/s, 1.4 ms at 700/s, on the registry and the ceiling alike.)
const timer = setInterval(() => {
  const due = Math.min(total, Math.floor(((performance.now() - start) * w.rate) / 1000) + 1);
  while (sent < due) send(sent++);
  if (sent === total) clearInterval(timer);
}, 1);
`;
