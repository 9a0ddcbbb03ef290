import { parseArgs } from 'node:util';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Pool } from 'pg';
import { civilDateIn } from '@registry/app';
import { EVENT_STORE, migrate, type EventStore } from '@registry/event-store';
import { IMPORT_MIGRATIONS } from './import-migrations';
import { DatabaseModule, EventStoreModule, PG_POOL, RegistryConfigModule } from '@registry/platform';
import { ImportProgressDisplay } from './import-progress';
import { DEFAULT_BATCH, defaultWorkers, LegacyImport, type ImportSummary } from './legacy-import';

const USAGE = `npm run import -- <file.csv> [--resume] [--batch-size N] [--workers N]
  file.csv      a legacy register export (../shared/reference/legacy-register.md)
  --resume      continue an interrupted import of this file from its checkpoint
  --batch-size  rows per transaction: checkpoint and streams opened together (default 10000)
  --workers     threads that read, check and encode rows (default ${defaultWorkers()}: one per core, at most 2)`;

/** Configuration, database and event store as the apps have them. */
@Module({ imports: [RegistryConfigModule, DatabaseModule, EventStoreModule] })
class ImportModule {}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      resume: { type: 'boolean', default: false },
      'batch-size': { type: 'string', default: String(DEFAULT_BATCH) },
      workers: { type: 'string', default: String(defaultWorkers()) },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return void console.log(USAGE);
  const batchSize = Number(values['batch-size']);
  const workers = Number(values.workers);
  const valid = (n: number, max: number) => Number.isInteger(n) && n >= 1 && n <= max;
  if (positionals.length !== 1 || !valid(batchSize, 100_000) || !valid(workers, 16)) throw new Error(USAGE);
  const app = await NestFactory.createApplicationContext(ImportModule, { logger: ['error', 'warn'] });
  const display = new ImportProgressDisplay();
  try {
    const pool = app.get<Pool>(PG_POOL);
    await migrate(pool, IMPORT_MIGRATIONS);
    const legacyImport = new LegacyImport(pool, app.get<EventStore>(EVENT_STORE), {
      file: positionals[0],
      resume: values.resume,
      today: civilDateIn(new Date()),
      batchSize,
      workers,
      onProgress: (progress) => display.update(progress),
    });
    const summary = await legacyImport.run().finally(() => display.stop());
    console.log(summaryText(summary));
  } finally {
    await app.close();
  }
}

function summaryText(summary: ImportSummary): string {
  const codes = [...summary.rejectedByCode].map(([code, count]) => `  ${code}: ${count}`);
  return [
    `${summary.imported} of ${summary.rows} rows are in the registry (imported now or by an earlier run) after ${summary.seconds.toFixed(1)} s ` +
      `(${Math.round(summary.rows / Math.max(summary.seconds, 0.001))} rows/s); rejected ${summary.rejected}` +
      (summary.rejected > 0 ? ` (${summary.rejectsFile}):` : '.'),
    ...codes,
  ].join('\n');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
