import { Worker } from 'node:worker_threads';
import { extname, join } from 'node:path';
import { workerStart } from '@registry/platform/worker/worker-start';
import type { NewStreamsCopy } from '@registry/event-store';
import type { LegacyBatch } from './legacy-file';

/** What every worker of an import knows. */
export interface EncoderSettings {
  /** The export's file name, as the events' metadata names their source. */
  readonly file: string;
  readonly today: string;
}

export type EncoderJob =
  | {
      readonly id: number;
      readonly kind: 'check';
      readonly runId: string;
      readonly batch: LegacyBatch;
      readonly after: number;
    }
  | { readonly id: number; readonly kind: 'append'; readonly batch: LegacyBatch; readonly skip: readonly number[] };

export type EncoderResult =
  | { readonly id: number; readonly kind: 'check'; readonly count: number; readonly copy: Uint8Array }
  | { readonly id: number; readonly kind: 'append'; readonly count: number; readonly encoded: NewStreamsCopy | null }
  | { readonly id: number; readonly kind: 'error'; readonly message: string; readonly stack?: string };

type Job = EncoderJob extends infer J ? (J extends EncoderJob ? Omit<J, 'id'> : never) : never;

/**
 * The import's worker threads (legacy-encoder.worker.ts), given batches in turn. Each answer is
 * a promise; the caller takes them in order while the workers run ahead on the next batches,
 * so parsing, checking and encoding (most of the import's CPU) run beside the main thread's
 * COPY and on both cores.
 */
export class LegacyEncoders {
  private readonly workers: Worker[];
  private readonly waiting = new Map<number, { resolve: (r: EncoderResult) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private failure?: Error;

  constructor(count: number, settings: EncoderSettings) {
    // The worker runs from source (.ts) or from a build (.js), like this module.
    const start = workerStart(join(__dirname, `legacy-encoder.worker${extname(__filename)}`));
    this.workers = Array.from({ length: Math.max(1, count) }, () => {
      const worker = new Worker(start.code, { eval: true, execArgv: start.execArgv, workerData: settings });
      worker.on('message', (result: EncoderResult) => this.settle(result));
      worker.on('error', (error) => this.fail(error));
      worker.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`An import worker stopped with exit code ${code}`));
      });
      return worker;
    });
  }

  run(job: Omit<Extract<EncoderJob, { kind: 'check' }>, 'id'>): Promise<Extract<EncoderResult, { kind: 'check' }>>;
  run(job: Omit<Extract<EncoderJob, { kind: 'append' }>, 'id'>): Promise<Extract<EncoderResult, { kind: 'append' }>>;
  run(job: Job): Promise<EncoderResult> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const answer = new Promise<EncoderResult>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    answer.catch(() => undefined); // awaited in turn by the caller; not unhandled meanwhile
    this.workers[id % this.workers.length].postMessage({ ...job, id });
    return answer;
  }

  async close(): Promise<void> {
    this.failure ??= new Error('The import workers are closed');
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }

  private settle(result: EncoderResult): void {
    const waiting = this.waiting.get(result.id);
    if (!waiting) return;
    this.waiting.delete(result.id);
    if (result.kind !== 'error') return waiting.resolve(result);
    const error = new Error(result.message);
    if (result.stack) error.stack = result.stack;
    waiting.reject(error);
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    for (const { reject } of this.waiting.values()) reject(error);
    this.waiting.clear();
  }
}
