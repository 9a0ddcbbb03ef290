import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * Builds the page from its current sources (as `npm run build:web` does), so the browser tests
 * never test a page left over from an earlier install.
 */
export async function buildHistorianPage(): Promise<void> {
  const vite = join(process.cwd(), 'node_modules', 'vite', 'bin', 'vite.js');
  await promisify(execFile)(process.execPath, [vite, 'build', '--config', 'apps/historian-web/vite.config.mjs']);
}
