import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

export interface RegistryProcess {
  readonly base: string;
  /** Milliseconds from `npm start` to the first answer of /health/live. */
  readonly startMs: number;
  /** Where the process's stdout and stderr (the registry's own logs) go. */
  readonly logFile: string;
  /** The registry's node process (under npm and its shell), for its RSS. */
  nodePid(): number | undefined;
  stop(): Promise<void>;
}

/** The registry's environment in a benchmark: its database, the token secret, the pool size. */
export function benchRegistryEnv(databaseUrl: string, secret: string, poolSize: string): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    REGISTRY_JWT_SECRET: secret,
    DATABASE_POOL_SIZE: poolSize,
    // One token drives all the load: the per-caller limit (1,200/min by default) would answer 429.
    RATE_LIMIT_PER_MINUTE: '1000000000',
    RATE_LIMIT_PER_MINUTE_PER_ADDRESS: '1000000000',
  };
}

export interface StartOptions {
  readonly env: Record<string, string>;
  readonly port: number;
  /** Writes a V8 CPU profile of the registry's process into this directory when it stops. */
  readonly cpuProfileDir?: string;
}

/**
 * Starts the registry exactly as a user does, `npm start` (web build, database check, then API,
 * projector and relay in one process, logging at its default level), in its own process group;
 * its logs go to a file, as under a service manager. Ready when /health/live answers.
 */
export async function startRegistry(options: StartOptions): Promise<RegistryProcess> {
  const logFile = join('/tmp', `registry-bench-${process.pid}-${options.port}.log`);
  const log = openSync(logFile, 'w');
  const profiling = options.cpuProfileDir
    ? {
        NODE_OPTIONS: `-r ${join(__dirname, 'cpu-profile-preload.js')}`,
        REGISTRY_CPU_PROFILE_DIR: options.cpuProfileDir,
      }
    : {};
  const started = performance.now();
  const child = spawn('npm', ['start', '--silent'], {
    cwd: ROOT,
    env: { ...process.env, ...options.env, PORT: String(options.port), ...profiling },
    stdio: ['ignore', log, log],
    detached: true,
  });
  closeSync(log);
  const base = `http://127.0.0.1:${options.port}`;
  const handle: RegistryProcess = {
    base,
    startMs: 0,
    logFile,
    nodePid: () => registryPid(child.pid!),
    stop: () => stopGroup(child),
  };
  for (let i = 0; i < 1200; i++) {
    if (child.exitCode !== null) break;
    try {
      if ((await fetch(`${base}/health/live`)).ok) return { ...handle, startMs: performance.now() - started };
    } catch {
      /* not listening yet */
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await stopGroup(child);
  throw new Error(`npm start did not become live; see ${logFile}:\n${readFileSync(logFile, 'utf8').slice(-2000)}`);
}

/** SIGTERM to the whole group (npm, its shell, the registry), then waits for npm to exit. */
export async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    process.kill(-child.pid!, 'SIGTERM');
  } catch {
    return;
  }
  const timeout = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* gone */
    }
  }, 15_000);
  await exited;
  // npm may exit before the registry has written its profile: wait for the group to be gone.
  for (let i = 0; i < 300 && groupAlive(child.pid!); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  clearTimeout(timeout);
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The deepest descendant of npm that runs node: the registry itself. */
function registryPid(root: number): number | undefined {
  let pid: number | undefined = root;
  let found: number | undefined;
  for (let depth = 0; pid !== undefined && depth < 6; depth++) {
    const children = childrenOf(pid);
    pid = children.at(-1);
    if (pid !== undefined && /node/.test(readFileSync(`/proc/${pid}/comm`, 'utf8'))) found = pid;
  }
  return found;
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** The registry's CPU profile written into `dir` (cpu-profile-preload.js), the largest if several. */
export function registryProfile(dir: string): string | undefined {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.cpuprofile'))
    .map((file) => join(dir, file))
    .sort((a, b) => statSync(b).size - statSync(a).size)[0];
}

/** How the bench's registry runs, for the conditions line: one thread, or the background's in a thread of its own (ADR 0135). */
export function registryShape(): string {
  const threads =
    process.env.BACKGROUND_THREAD === 'on'
      ? 'projector, procedure runner and relay in a worker thread: BACKGROUND_THREAD=on'
      : 'all on one thread';
  const flags = nodeFlagsOf(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts.start);
  return `npm start (API + projector + procedure runner + relay in one process, ${threads}; node ${flags || 'without flags'}; LOG_LEVEL default, stdout to a file)`;
}

/**
 * The V8 and node flags a start script gives node (before its `-r` preloads), e.g.
 * `--max-semi-space-size=64` (ADR 0159): they change the figures, so the conditions name them.
 */
export function nodeFlagsOf(script: string): string {
  const command = script.split('&&').at(-1)!.trim().split(/\s+/);
  if (command[0] !== 'node') return '';
  const flags: string[] = [];
  for (const word of command.slice(1)) {
    if (!word.startsWith('--')) break;
    flags.push(word);
  }
  return flags.join(' ');
}
