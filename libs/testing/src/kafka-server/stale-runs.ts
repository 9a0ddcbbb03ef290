import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readPid(file: string): number | null {
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

/** Only a JVM started on this run directory is ours to kill (a reused pid may be anyone's). */
function isOurJvm(pid: number, runDir: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(runDir);
  } catch {
    return false;
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
}

/**
 * Cleans up after runs whose owner died without stopping its brokers (a SIGKILLed test run or
 * dev:kafka): kills their JVMs (only those started on that directory) and deletes their files.
 * Each run directory holds `owner` (pid of the process that started it) and node-N/pid.
 */
export async function removeStaleRuns(root: string, isStale: (name: string, owner: number | null) => boolean) {
  if (!existsSync(root)) return;
  for (const name of readdirSync(root)) {
    const runDir = join(root, name);
    const owner = readPid(join(runDir, 'owner'));
    if (owner === process.pid || !isStale(name, owner)) continue;
    for (const nodeDir of readdirSync(runDir).filter((entry) => entry.startsWith('node-'))) {
      const pid = readPid(join(runDir, nodeDir, 'pid'));
      if (pid !== null && isAlive(pid) && isOurJvm(pid, runDir)) {
        process.kill(pid, 'SIGKILL');
        await waitForExit(pid, 10_000);
      }
    }
    rmSync(runDir, { recursive: true, force: true });
  }
}

export function ownerIsGone(_name: string, owner: number | null): boolean {
  return owner === null || !isAlive(owner);
}
