import { loadavg } from 'node:os';
import autocannon from 'autocannon';
import { cpuSeconds } from './process-cpu';

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
  /** Second by second, when asked for (LoadOptions.perSecondOf): where a cold start shows. */
  readonly seconds?: readonly SecondResult[];
  /** Open loop (loadAtRate) only: when the first request fell due, in milliseconds since the epoch. */
  readonly firstDueAt?: number;
}

/** One second of a run: its 2xx answers, their p99, and the server's CPU per answer in it. */
export interface SecondResult {
  readonly requests: number;
  readonly p99: number;
  readonly cpuMicrosPerRequest: number;
  /**
   * The main thread's alone: the rest is V8's compiler and collector threads (and libuv's pool),
   * which in a cold second compile what the main thread runs, on the core the database needs.
   */
  readonly mainThreadMicrosPerRequest: number;
}

/** One request's body and the headers it adds (its caller's token, say), for loads of varied requests. */
export interface RequestVariant {
  readonly body: string;
  readonly headers?: Record<string, string>;
}

export interface LoadOptions {
  readonly connections: number;
  readonly seconds: number;
  readonly method?: 'GET' | 'POST';
  readonly body?: string;
  readonly headers?: Record<string, string>;
  /** Each request's body and added headers, instead of `body`. */
  readonly variant?: () => RequestVariant;
  /** The server's pid: the run is also reported second by second, with its CPU per answer. */
  readonly perSecondOf?: number;
}

/** Drives requests (autocannon) at paths chosen by `path()` and reports throughput of 2xx and latency. */
export async function load(base: string, path: () => string, options: LoadOptions): Promise<LoadResult> {
  const method = options.method ?? 'GET';
  const { variant, headers } = options;
  const varied = (): Partial<autocannon.Request> => {
    if (!variant) return {};
    const next = variant();
    return { body: next.body, headers: { ...headers, ...next.headers } };
  };
  const run = autocannon({
    url: base,
    connections: options.connections,
    duration: options.seconds,
    headers: options.headers,
    requests: [{ method, body: options.body, setupRequest: (request) => ({ ...request, path: path(), ...varied() }) }],
    // Without a callback autocannon answers its instance, which is also a promise of the result.
  }) as unknown as autocannon.Instance & Promise<autocannon.Result>;
  const seconds = options.perSecondOf === undefined ? undefined : bySecond(run, options.perSecondOf);
  const result = await run;
  return {
    seconds: seconds?.(),
    requests: result['2xx'],
    requestsPerSecond: result['2xx'] / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    errors: result.non2xx + result.errors + result.timeouts,
    loadAverage: loadavg()[0],
  };
}

/**
 * Latencies of 2xx answers and the server's CPU (from /proc), in buckets of one second from now:
 * the call returns the buckets' summary once the run has ended.
 */
function bySecond(run: autocannon.Instance, pid: number): () => SecondResult[] {
  const started = performance.now();
  const latencies: number[][] = [];
  const cpu: number[] = [cpuSeconds(pid)];
  const main: number[] = [cpuSeconds(pid, pid)];
  run.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (statusCode < 200 || statusCode >= 300) return;
    const second = Math.floor((performance.now() - started) / 1000);
    (latencies[second] ??= []).push(responseTime);
  });
  const sample = () => {
    cpu.push(cpuSeconds(pid));
    main.push(cpuSeconds(pid, pid));
  };
  const sampler = setInterval(sample, 1000);
  return () => {
    clearInterval(sampler);
    sample();
    return Array.from({ length: cpu.length - 1 }, (_, i) => {
      const answered = (latencies[i] ?? []).sort((a, b) => a - b);
      return {
        requests: answered.length,
        p99: answered.length === 0 ? NaN : answered[Math.min(answered.length - 1, Math.floor(answered.length * 0.99))],
        cpuMicrosPerRequest: ((cpu[i + 1] - cpu[i]) * 1e6) / Math.max(1, answered.length),
        mainThreadMicrosPerRequest: ((main[i + 1] - main[i]) * 1e6) / Math.max(1, answered.length),
      };
    }).filter((second) => second.requests > 0);
  };
}

/** The seconds of a run on one line each: answers, p99 and server CPU per answer. */
export function secondsLines(result: LoadResult): string {
  return (result.seconds ?? [])
    .map(
      (s, i) =>
        `  second ${String(i + 1).padStart(2)}: ${String(s.requests).padStart(6)} answers, p99 ${s.p99.toFixed(0)} ms, ` +
        `server CPU ${s.cpuMicrosPerRequest.toFixed(0)} µs/request (main thread ${s.mainThreadMicrosPerRequest.toFixed(0)})`,
    )
    .join('\n');
}

/** Drives GET requests with a bearer token over paths chosen by `path()`. */
export function loadGet(
  base: string,
  token: string,
  path: () => string,
  options: { connections: number; seconds: number; headers?: Record<string, string>; perSecondOf?: number },
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
