import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const MAIN = join(__dirname, '..', 'main.ts');
const ROOT = join(__dirname, '..', '..', '..', '..', '..');

export interface ImportExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `npm run import` as its own process (no npm in between: the test kills this very pid). */
export function startImport(
  databaseUrl: string,
  args: readonly string[],
): { child: ChildProcess; exit: Promise<ImportExit> } {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', MAIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, EVENT_STORE: 'postgresql' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exit = new Promise<ImportExit>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, exit };
}

export async function runImport(databaseUrl: string, args: readonly string[]): Promise<ImportExit> {
  return startImport(databaseUrl, args).exit;
}
