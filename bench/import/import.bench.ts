/**
 * Imports a generated legacy export (families written children first, every column in use)
 * into a fresh database through the same LegacyImport as `npm run import`, then rebuilds every
 * read model from the events. Prints rows/s, peak RSS (and RSS along the way: flat means
 * constant memory), the projected time for 100 million rows, and the rebuild's events/s.
 *   npm run bench:import [-- --rows 1000000 --batch-size 10000 --workers 2 --keep --no-rebuild]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Pool } from 'pg';
import { EVENT_STORE_MIGRATIONS, migrate, PostgresEventStore } from '@registry/event-store';
import { dropDatabase, ensureDatabase } from '@registry/platform';
import { ALL_PROJECTIONS, migrateReadModels, REBUILD_BATCH_SIZE, ReadModelRebuild } from '@registry/read-models';
import { RebuildProgressDisplay } from '@registry/read-models/rebuild/rebuild-progress';
import { ImportProgressDisplay } from '../../apps/registry-cli/src/import/import-progress';
import { defaultWorkers, LegacyImport } from '../../apps/registry-cli/src/import/legacy-import';
import { IMPORT_MIGRATIONS } from '../../apps/registry-cli/src/import/import-migrations';
import { legacyFamilies, writeLegacyExport } from '../../apps/registry-cli/src/import/test-support/legacy-export';
import { databaseLine } from '../rebuild/bench-conditions';
import { CpuMeter, type CpuUsed } from '../rebuild/cpu-meter';
import { machineLine } from '../shared/conditions';

const GOAL_ROWS_PER_SECOND = 30_000;
const URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/registry_bench_import';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    'batch-size': { type: 'string', default: '10000' },
    workers: { type: 'string' },
    keep: { type: 'boolean', default: false },
    'no-rebuild': { type: 'boolean', default: false },
  },
});

/** Peak RSS, and RSS at each tenth of the rows (constant memory shows as a flat series). */
class RssMeter {
  peak = process.memoryUsage.rss();
  readonly series: number[] = [];
  private readonly timer = setInterval(() => (this.peak = Math.max(this.peak, process.memoryUsage.rss())), 200);

  at(share: number): void {
    const tenth = Math.floor(share * 10);
    while (this.series.length < tenth) this.series.push(process.memoryUsage.rss());
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;

async function main(): Promise<void> {
  const rows = Number(values.rows);
  const dir = mkdtempSync(join(tmpdir(), 'bench-import-'));
  const file = join(dir, 'legacy-export.csv');
  let started = performance.now();
  await writeLegacyExport(file, legacyFamilies(rows));
  const generated = (performance.now() - started) / 1000;

  await ensureDatabase(URL, true);
  const pool = new Pool({ connectionString: URL, max: 8 });
  const store = new PostgresEventStore(pool);
  try {
    await migrate(pool, EVENT_STORE_MIGRATIONS);
    await migrateReadModels(pool);
    await migrate(pool, IMPORT_MIGRATIONS);
    const rss = new RssMeter();
    const cpu = new CpuMeter(pool);
    await cpu.sample();
    const display = new ImportProgressDisplay();
    const phases = new Map<string, number>();
    const phaseCpu = new Map<string, CpuUsed>();
    started = performance.now();
    const summary = await new LegacyImport(pool, store, {
      file,
      resume: false,
      today: new Date().toISOString().slice(0, 10),
      batchSize: Number(values['batch-size']),
      workers: values.workers === undefined ? undefined : Number(values.workers),
      onProgress: (progress) => {
        if (!phases.has(progress.phase)) {
          phases.set(progress.phase, performance.now());
          phaseCpu.set(progress.phase, cpu.now());
        }
        if (progress.phase === 'append' && progress.fileBytes > 0) rss.at(progress.bytesRead / progress.fileBytes);
        display.update(progress);
      },
    }).run();
    display.stop();
    rss.stop();
    const used = await cpu.stop();
    const seconds = summary.seconds;
    const rate = summary.rows / seconds;
    const cpuRate = summary.rows / (used.process + used.postgres);
    phaseCpu.set('end', used);
    const phase = (from: string, to: string) => ((phases.get(to)! - phases.get(from)!) / 1000).toFixed(1);
    // CPU per row, each process on its own: on 2 cores, rows/s can reach 1e6 / (import + PostgreSQL)
    // µs per row when both are busy, and never more than 1e6 / the larger of the two.
    const perRow = (seconds: number) => `${((seconds * 1e6) / summary.rows).toFixed(1)} µs`;
    const phaseCpuLine = (from: string, to: string) => {
      const a = phaseCpu.get(from)!;
      const b = phaseCpu.get(to)!;
      return `${from} ${perRow(b.process - a.process)} + ${perRow(b.postgres - a.postgres)}`;
    };

    console.log('bench/import: a generated legacy export through LegacyImport (npm run import) into a fresh database');
    console.log(machineLine());
    console.log(await databaseLine(pool));
    console.log(
      `data: ${summary.rows} rows (${generated.toFixed(0)} s to generate), families of four written children first; ` +
        `batch ${values['batch-size']} rows; ${values.workers ?? defaultWorkers()} worker threads; import and PostgreSQL on the same machine`,
    );
    console.log(
      `phases: check ${phase('check', 'parents')} s, parents ${phase('parents', 'append')} s, append ${phase('append', 'rejects')} s`,
    );
    console.log(
      `cpu: import ${used.process.toFixed(1)} s (${perRow(used.process)} a row), postgresql ${used.postgres.toFixed(1)} s ` +
        `(${perRow(used.postgres)} a row): ${Math.round(cpuRate)} rows per cpu-second of both; load average ${loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')}`,
    );
    console.log(
      `cpu a row by phase (import + postgresql): ${phaseCpuLine('check', 'parents')}, ` +
        `${phaseCpuLine('parents', 'append')}, ${phaseCpuLine('append', 'rejects')}, ${phaseCpuLine('rejects', 'end')}`,
    );
    console.log(
      `memory: peak RSS ${mib(rss.peak)}; RSS at each tenth of the append: ${rss.series.map(mib).join(', ')}`,
    );
    console.log(
      `import: ${summary.imported} imported, ${summary.rejected} rejected in ${seconds.toFixed(1)} s: ` +
        `${Math.round(rate)} rows/s (goal >= ${GOAL_ROWS_PER_SECOND}); 100 million rows would take ` +
        `${(100_000_000 / rate / 3600).toFixed(1)} h at this rate`,
    );

    if (values['no-rebuild']) return;
    const rebuildDisplay = new RebuildProgressDisplay(summary.imported);
    const report = await new ReadModelRebuild(pool, store, ALL_PROJECTIONS, {
      batchSize: REBUILD_BATCH_SIZE,
      onProgress: (progress) => rebuildDisplay.update(progress),
    }).run();
    rebuildDisplay.stop();
    console.log(
      `rebuild of every read model after the import: ${report.events} events in ${report.seconds.toFixed(1)} s, ` +
        `${Math.round(report.eventsPerSecond)} events/s`,
    );
  } finally {
    await store.close();
    await pool.end();
    rmSync(dir, { recursive: true, force: true });
    if (!values.keep) await dropDatabase(URL, { force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
