import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';

const ROOT = join(__dirname, '..', '..', '..');

export interface AppProcessOptions {
  /** The app's entry, relative to the repository (e.g. apps/change-feed/src/main.ts). */
  readonly entry: string;
  /** The whole environment of the child (PATH is added): nothing leaks in from the test's own. */
  readonly env: Record<string, string>;
  /** A log line saying the app does its work (relaying, leading...). */
  readonly readyLine: RegExp;
  /** Names the process in errors. */
  readonly name: string;
  /** When set, every stdout line goes to `<logDir>/<name>-<pid>.log` (what each life did). */
  readonly logDir?: string;
}

/**
 * An app of this repository as a child process, for the kill tests: started from its TypeScript
 * entry like `npm run start:*`, killed with a real signal. `ready` resolves on the app's ready
 * line and rejects if it exits first.
 */
export class AppProcess {
  readonly child: ChildProcess;
  readonly started = Date.now();
  readonly ready: Promise<void>;
  private readonly lines: Interface;
  private stderr = '';

  constructor(private readonly options: AppProcessOptions) {
    this.child = spawn(process.execPath, ['-r', '@swc-node/register', options.entry], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH, ...options.env },
    });
    this.child.stderr!.on('data', (chunk) => (this.stderr += chunk));
    this.lines = createInterface({ input: this.child.stdout! });
    if (options.logDir) {
      const file = join(options.logDir, `${options.name}-${this.child.pid}.log`);
      this.lines.on('line', (line) => appendFileSync(file, `${Date.now()} ${line}\n`));
    }
    this.ready = this.logged(options.readyLine);
  }

  /** `ready`, or a rejection naming the app after `timeoutMs`. */
  async readyWithin(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${this.options.name} not ready within ${timeoutMs} ms: ${this.stderr}`)),
        timeoutMs,
      );
    });
    try {
      await Promise.race([this.ready, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves when the app logs a line matching `pattern`; rejects if it exits first. */
  logged(pattern: RegExp): Promise<void> {
    const seen = new Promise<void>((resolve, reject) => {
      this.lines.on('line', (line) => pattern.test(line) && resolve());
      // 'close', not 'exit': every line the app wrote has been read by then.
      this.child.once('close', (code, signal) =>
        reject(new Error(`${this.options.name} exited (${code ?? signal}) before logging ${pattern}: ${this.stderr}`)),
      );
    });
    seen.catch(() => undefined); // a line never awaited must not end the test run
    return seen;
  }

  /** Sends the signal and waits for the exit; a process that already died is an error of the test. */
  async kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (!this.alive) throw new Error(`${this.options.name} died on its own: ${this.stderr}`);
    const exited = once(this.child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    this.child.kill(signal);
    const [code, by] = await exited;
    return { code, signal: by };
  }
}
