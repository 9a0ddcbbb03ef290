import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Pool } from 'pg';
import { parseArgs } from 'node:util';
import { EVENT_STORE, type EventStore } from '@registry/event-store';
import {
  DatabaseModule,
  EventStoreModule,
  PG_POOL,
  REGISTRY_CONFIG,
  RegistryConfigModule,
  type RegistryConfig,
} from '@registry/platform';
import {
  EventBacklog,
  MAX_REBUILD_BATCH_SIZE,
  projectionsNamed,
  REBUILD_BATCH_SIZE,
  ReadModelRebuild,
  ReadModelsModule,
} from '@registry/read-models';
import { RebuildProgressDisplay } from '@registry/read-models/rebuild/rebuild-progress';

const USAGE = `npm run rebuild -- [projection ...] [--resume] [--batch-size N] [--workers N]
  projection   citizens | residences | vital-statistics | all (default: all)
  --resume     carry on with the tables a stopped rebuild left
  --batch-size events per transaction (default ${REBUILD_BATCH_SIZE}, at most ${MAX_REBUILD_BATCH_SIZE})
  --workers    worker threads of the catch-up (default 1: none, the catch-up in this thread; 2 pays only
               with cores to spare, see ADR 0110; PostgreSQL event store only)`;

/** Configuration, database and event store as the apps have them; the read-model schema migrated. */
@Module({ imports: [RegistryConfigModule, DatabaseModule, EventStoreModule, ReadModelsModule] })
class RebuildModule {}

/**
 * `npm run rebuild -- [projection...]`: replays every event into fresh read-model tables while
 * the live ones keep serving, then swaps them in (DESIGN.md §5).
 */
async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      resume: { type: 'boolean', default: false },
      'batch-size': { type: 'string', default: String(REBUILD_BATCH_SIZE) },
      workers: { type: 'string', default: '1' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return void console.log(USAGE);
  const batchSize = Number(values['batch-size']);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_REBUILD_BATCH_SIZE) throw new Error(USAGE);
  const workers = Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1) throw new Error(USAGE);
  const projections = projectionsNamed(positionals);

  const app = await NestFactory.createApplicationContext(RebuildModule, { logger: ['error', 'warn'] });
  try {
    const store = app.get<EventStore>(EVENT_STORE);
    const config = app.get<RegistryConfig>(REGISTRY_CONFIG);
    const display = new RebuildProgressDisplay(await new EventBacklog(store).count(undefined));
    const rebuild = new ReadModelRebuild(app.get<Pool>(PG_POOL), store, projections, {
      batchSize,
      resume: values.resume,
      // The workers are fed the log as PostgreSQL's COPY bytes: that store only (ADR 0110).
      workers:
        workers > 1 && config.eventStore === 'postgresql'
          ? { databaseUrl: config.databaseUrl, count: workers }
          : undefined,
      onProgress: (progress) => display.update(progress),
    });
    const report = await rebuild.run().finally(() => display.stop());
    console.log(
      `Rebuilt ${report.projections.join(', ')}: ${report.events} events in ${report.seconds.toFixed(1)} s ` +
        `(${Math.round(report.eventsPerSecond)} events/s), swapped in.`,
    );
  } finally {
    await app.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
