import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeFlagsOf, registryShape } from './registry-process';

describe('the flags the bench names for the registry', () => {
  it('takes the flags before the preloads of the last command', () => {
    expect(nodeFlagsOf('npm run db:create && node --max-semi-space-size=64 --trace-gc -r x main.ts')).toBe(
      '--max-semi-space-size=64 --trace-gc',
    );
    expect(nodeFlagsOf('node -r @swc-node/register main.ts')).toBe('');
    expect(nodeFlagsOf('vite build && tsx main.ts')).toBe('');
  });

  it('names the young generation npm start gives the registry (ADR 0159)', () => {
    const start = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')).scripts.start;
    expect(nodeFlagsOf(start)).toBe('--max-semi-space-size=64');
    expect(registryShape()).toContain('node --max-semi-space-size=64;');
  });
});
