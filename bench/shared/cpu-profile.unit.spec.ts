import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summarizeProfile } from './cpu-profile';

/** A profile of four nodes: idle, a native socket write, and two functions of the registry. */
function profileFile(): string {
  const frame = (id: number, functionName: string, url = '') => ({
    id,
    callFrame: { functionName, url, lineNumber: 0 },
  });
  const profile = {
    nodes: [
      frame(1, '(idle)'),
      frame(2, 'writev'),
      frame(3, 'decideCitizen', 'file:///work/main/libs/registry-domain/src/citizen/citizen.decider.ts'),
      frame(4, 'parseRow', 'file:///work/main/node_modules/pg/lib/result.js'),
    ],
    // 100 µs each: idle 2, writev 4, decideCitizen 3, parseRow 1.
    samples: [1, 1, 2, 2, 2, 2, 3, 3, 3, 4],
    timeDeltas: Array.from({ length: 10 }, () => 100),
  };
  const file = join(mkdtempSync(join(tmpdir(), 'cpu-profile-')), 'test.cpuprofile');
  writeFileSync(file, JSON.stringify(profile));
  return file;
}

describe('summarizeProfile', () => {
  it('reports socket writes apart and ranks the rest among themselves', () => {
    const summary = summarizeProfile(profileFile());
    expect(summary.busyMs).toBeCloseTo(0.8);
    expect(summary.idleShare).toBeCloseTo(0.2);
    expect(summary.socketWritesShare).toBeCloseTo(0.5);
    expect(summary.functions.map((f) => [f.name.split(' ')[0], Number(f.share.toFixed(2))])).toEqual([
      ['decideCitizen', 0.75],
      ['parseRow', 0.25],
    ]);
    expect(summary.packages.map((p) => p.name)).toEqual(['registry: libs/registry-domain', 'pg']);
  });
});
