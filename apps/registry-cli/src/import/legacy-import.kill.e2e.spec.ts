import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { citizenStream } from '@registry/domain';
import { useScratchDatabase } from '@registry/read-models/test-support/scratch-database';
import { runImport, startImport } from './test-support/import-process';
import { legacyFamilies, writeLegacyExport } from './test-support/legacy-export';

const db = useScratchDatabase('legacy_import_kill');
const dir = mkdtempSync(join(tmpdir(), 'legacy-import-kill-'));
const running = new Set<ChildProcess>();
afterAll(() => {
  for (const child of running) child.kill('SIGKILL'); // a failed test leaves no import behind
  rmSync(dir, { recursive: true, force: true });
});

const ROWS = 8_000;
const BATCH = ['--batch-size', '200'];

async function progress(): Promise<{ phase: string; checked: number; appended: number } | undefined> {
  const { rows } = await db()
    .pool.query<{ phase: string; checked: string; appended: string }>(
      `SELECT phase, checked_through AS checked, appended_through AS appended FROM import_runs ORDER BY run_id DESC LIMIT 1`,
    )
    .catch(() => ({ rows: [] })); // the import creates its tables when it starts
  const row = rows[0];
  return row && { phase: row.phase, checked: Number(row.checked), appended: Number(row.appended) };
}

/** Kills the import with SIGKILL as soon as `reached` holds of its stored checkpoint. */
async function killWhen(args: string[], reached: (p: NonNullable<Awaited<ReturnType<typeof progress>>>) => boolean) {
  const { child, exit } = startImport(db().url, args);
  running.add(child);
  void exit.then(() => running.delete(child));
  let exited = false;
  void exit.then(() => (exited = true));
  for (;;) {
    const now = await progress();
    if (now && reached(now)) break;
    if (exited) throw new Error(`the import ended before the kill point: ${(await exit).stderr}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
  child.kill('SIGKILL');
  expect((await exit).signal).toBe('SIGKILL');
  return progress();
}

describe('npm run import killed with SIGKILL, then --resume', () => {
  it('ends with every valid row imported exactly once', async () => {
    const file = join(dir, 'big.csv');
    const people = [...legacyFamilies(ROWS)];
    await writeLegacyExport(file, people);

    const inCheck = await killWhen([file, ...BATCH], (p) => p.phase === 'check' && p.checked >= 1600);
    expect(inCheck).toMatchObject({ phase: 'check' });
    expect(inCheck!.checked).toBeLessThan(ROWS);

    const inAppend = await killWhen([file, '--resume', ...BATCH], (p) => p.phase === 'append' && p.appended >= 1600);
    expect(inAppend!.appended).toBeLessThan(ROWS);
    // Each batch commits with its checkpoint: the store holds exactly the rows up to it.
    const { rows: partial } = await db().pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM es_events`);
    expect(partial[0].n).toBe(inAppend!.appended);

    const resumed = await runImport(db().url, [file, '--resume', ...BATCH]);
    expect(resumed.code).toBe(0);

    const { rows: streams } = await db().pool.query<{ stream_id: string; events: number; revisions: number[] }>(
      `SELECT stream_id, count(*)::int AS events, array_agg(revision::int) AS revisions FROM es_events GROUP BY stream_id`,
    );
    expect(streams).toHaveLength(ROWS);
    expect(streams.every((s) => s.events === 1 && s.revisions[0] === 0)).toBe(true);
    expect(new Set(streams.map((s) => s.stream_id))).toEqual(new Set(people.map((p) => citizenStream(p.pin))));
    const { rows: runs } = await db().pool.query(`SELECT phase, rows_total::int, rows_imported::int FROM import_runs`);
    expect(runs).toEqual([{ phase: 'done', rows_total: ROWS, rows_imported: ROWS }]);
  }, 300_000);
});
