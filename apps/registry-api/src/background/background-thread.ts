import { once } from 'node:events';
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { workerStart } from '@registry/platform/worker/worker-start';

export type ToBackground = { readonly kind: 'stop' };
export type FromBackground = { readonly kind: 'started' };

/** The switches that keep the projector, the procedure runner and the relay out of a thread. */
const BACKGROUND_OFF = { PROJECTOR_ENABLED: 'false', PROCEDURES: 'off', CHANGE_FEED_RELAY: 'off' } as const;
/** How the background thread's connections show in pg_stat_activity, unless PGAPPNAME says otherwise. */
export const BACKGROUND_APPLICATION_NAME = 'registry-background';

const logger = new Logger('BackgroundThread');

/**
 * `BACKGROUND_THREAD`: `on` runs the projector, the procedure runner and the relay in a worker
 * thread of `npm start`'s process; `off` (the default: on two cores it answered more births but
 * with a longer tail, ADR 0135) on the API's own thread. No thread either when the environment
 * turns all three off (an API replica beside their own processes): nothing to run.
 */
export function backgroundThreadWanted(env: Record<string, string | undefined> = process.env): boolean {
  const setting = env.BACKGROUND_THREAD ?? 'off';
  if (setting !== 'on' && setting !== 'off') throw new Error(`BACKGROUND_THREAD must be on or off, not ${setting}`);
  const anyWork = (Object.keys(BACKGROUND_OFF) as (keyof typeof BACKGROUND_OFF)[]).some(
    (name) => env[name] !== BACKGROUND_OFF[name],
  );
  return setting === 'on' && anyWork;
}

/**
 * The projector, the procedure runner and the relay in a thread of their own (ADR 0135). On the
 * API's thread, their batches (decoding events, building rows, the checkpoints' commits) hold
 * the event loop between requests: about a third of a birth's CPU there. In their own thread they
 * can use another core, and the API's loop runs requests only. A thread, not a process: `npm
 * start` stays one process to run and to stop.
 */
export class BackgroundThread {
  /** Resolves once the thread's modules are up; rejects if it ends before. */
  readonly started: Promise<void>;
  private stopping = false;
  private readonly exited: Promise<unknown>;

  private constructor(private readonly worker: Worker) {
    this.exited = once(worker, 'exit');
    this.started = new Promise((resolve, reject) => {
      worker.once('message', (message: FromBackground) => message.kind === 'started' && resolve());
      worker.once('exit', (code) => reject(new Error(`the background thread ended (${code}) before it started`)));
    });
    worker.on('error', (error) => logger.error(`the background thread failed: ${error.message}`));
    worker.on('exit', (code) => {
      if (this.stopping) return;
      // An API whose read models silently stop moving is worse than a restart by the supervisor.
      logger.error(`the background thread ended (${code}): the registry stops`);
      process.exit(1);
    });
  }

  /**
   * Starts the thread with this process's environment; from then on, modules created on this
   * thread leave the projector, the procedure runner and the relay to it.
   */
  static start(): BackgroundThread {
    const start = workerStart(join(__dirname, `background.worker${extname(__filename)}`));
    const env = { PGAPPNAME: BACKGROUND_APPLICATION_NAME, ...process.env };
    const worker = new Worker(start.code, { eval: true, execArgv: start.execArgv, env });
    Object.assign(process.env, BACKGROUND_OFF);
    return new BackgroundThread(worker);
  }

  /** The batches in flight end and commit, then the thread ends. */
  async stop(): Promise<void> {
    if (this.stopping) return this.exited.then(() => undefined);
    this.stopping = true;
    this.worker.postMessage({ kind: 'stop' } satisfies ToBackground);
    await this.exited;
  }
}

/** Stops the background thread when the API stops, after its HTTP server has closed. */
@Injectable()
export class BackgroundThreadShutdown implements OnApplicationShutdown {
  private thread?: BackgroundThread;

  attach(thread: BackgroundThread | undefined): void {
    this.thread = thread;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.thread?.stop();
  }
}
