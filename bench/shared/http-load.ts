import { loadavg } from 'node:os';
import autocannon from 'autocannon';

export interface LoadResult {
  /** Answers with a 2xx status. */
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly errors: number;
  /** The machine's 1-minute load average when the run ended (the machine may be shared). */
  readonly loadAverage: number;
  /** CPU seconds the server process used during the run, when measured (withCpu). */
  readonly cpuSeconds?: number;
}

export interface LoadOptions {
  readonly connections: number;
  readonly seconds: number;
  readonly method?: 'GET' | 'POST';
  readonly body?: string;
  readonly headers?: Record<string, string>;
}

/** Drives requests (autocannon) at paths chosen by `path()` and reports throughput of 2xx and latency. */
export async function load(base: string, path: () => string, options: LoadOptions): Promise<LoadResult> {
  const method = options.method ?? 'GET';
  const result = await autocannon({
    url: base,
    connections: options.connections,
    duration: options.seconds,
    headers: options.headers,
    requests: [{ method, body: options.body, setupRequest: (request) => ({ ...request, path: path() }) }],
  });
  return {
    requests: result['2xx'],
    requestsPerSecond: result['2xx'] / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    errors: result.non2xx + result.errors + result.timeouts,
    loadAverage: loadavg()[0],
  };
}

/** Drives GET requests with a bearer token over paths chosen by `path()`. */
export function loadGet(
  base: string,
  token: string,
  path: () => string,
  options: { connections: number; seconds: number; headers?: Record<string, string> },
): Promise<LoadResult> {
  return load(base, path, { ...options, headers: { authorization: `Bearer ${token}`, ...options.headers } });
}

/** Server CPU time per answered request, in microseconds. */
export function cpuPerRequest(result: LoadResult): number {
  return ((result.cpuSeconds ?? NaN) * 1e6) / Math.max(1, result.requests);
}

/** One result on one line, with the machine's load. */
export function resultLine(label: string, result: LoadResult): string {
  const cpu = result.cpuSeconds === undefined ? '' : `, server CPU ${cpuPerRequest(result).toFixed(0)} µs/request`;
  return (
    `${label.padEnd(34)} ${result.requestsPerSecond.toFixed(0).padStart(6)} requests/s, p50 ${result.p50} ms, ` +
    `p99 ${result.p99} ms, max ${result.max} ms, errors ${result.errors}${cpu} (load average ${result.loadAverage.toFixed(1)})`
  );
}
