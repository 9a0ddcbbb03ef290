/**
 * Seeds N citizens with realistic streams (births, first residences, moves, temporary stays,
 * deaths and the cancellations that follow) and rebuilds every read model from position 0,
 * as `npm run rebuild` does: prints events/s and the conditions.
 *   npm run bench:rebuild [-- --citizens 1000000 --batch-size 50000 --workers 2]
 * --workers 1 (the default, as `npm run rebuild`) runs the catch-up in the rebuild's own thread;
 * --workers 2 in two worker threads (ADR 0110).
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { ALL_PROJECTIONS, REBUILD_BATCH_SIZE, ReadModelRebuild, type RebuildPhase } from '@registry/read-models';
import { RebuildProgressDisplay } from '@registry/read-models/rebuild/rebuild-progress';
import { machineLine } from '../shared/conditions';
import { databaseLine } from './bench-conditions';
import { benchDatabase } from './bench-database';
import { busiestThread, CpuMeter, type CpuUsed } from './cpu-meter';

const GOAL_EVENTS_PER_SECOND = 20_000;

const { values } = parseArgs({
  options: {
    citizens: { type: 'string', default: '1000000' },
    'batch-size': { type: 'string', default: String(REBUILD_BATCH_SIZE) },
    workers: { type: 'string', default: '1' },
  },
});

async function main(): Promise<void> {
  const citizens = Number(values.citizens);
  const batchSize = Number(values['batch-size']);
  const workers = Number(values.workers);
  const db = await benchDatabase(citizens);
  try {
    const phases = new Map<RebuildPhase, number>();
    const phaseCpu = new Map<RebuildPhase | 'start' | 'end', CpuUsed>();
    const display = new RebuildProgressDisplay(db.events);
    const cpu = new CpuMeter(db.pool);
    await cpu.sample();
    phaseCpu.set('start', cpu.now());
    const report = await new ReadModelRebuild(db.pool, db.store, ALL_PROJECTIONS, {
      batchSize,
      workers: { databaseUrl: db.url, count: workers },
      onProgress: (progress) => {
        if (!phases.has(progress.phase)) {
          phases.set(progress.phase, performance.now());
          phaseCpu.set(progress.phase, cpu.now());
        }
        display.update(progress);
      },
    }).run();
    display.stop();
    const used = await cpu.stop();
    phaseCpu.set('end', used);
    /** CPU µs an event of this process and of PostgreSQL between two phases. */
    const perEvent = (from: RebuildPhase | 'start', to: RebuildPhase | 'end') => {
      const [a, b] = [phaseCpu.get(from)!, phaseCpu.get(to)!];
      const micros = (seconds: number) => ((seconds * 1e6) / report.events).toFixed(1);
      return `${micros(b.process - a.process)} + ${micros(b.postgres - a.postgres)}`;
    };
    /** CPU µs an event of the busiest thread of this process between two phases. */
    const busiest = (from: RebuildPhase | 'start', to: RebuildPhase | 'end') =>
      ((busiestThread(phaseCpu.get(from)!, phaseCpu.get(to)!) * 1e6) / report.events).toFixed(1);
    const seconds = (from: RebuildPhase, to: RebuildPhase) => ((phases.get(to)! - phases.get(from)!) / 1000).toFixed(1);
    console.log('bench/rebuild: every read model (citizens, residences, vital-statistics) rebuilt from position 0');
    console.log(machineLine());
    console.log(await databaseLine(db.pool));
    console.log(
      `data: ${citizens} citizens, ${report.events} events` +
        (db.seedSeconds ? ` (seeded in ${db.seedSeconds.toFixed(0)} s)` : ' (seed of an earlier run)') +
        `; batch ${batchSize} events per transaction; ` +
        (workers > 1 ? `catch-up in ${workers} worker threads` : 'catch-up in the main thread') +
        '; projector and PostgreSQL on the same machine',
    );
    console.log(
      `phases: catch-up ${seconds('catch-up', 'indexes')} s, query indexes ${seconds('indexes', 'swap')} s, swap ${seconds('swap', 'done')} s`,
    );
    console.log(
      `cpu: projector ${used.process.toFixed(1)} s, postgresql ${used.postgres.toFixed(1)} s; load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
    console.log(
      `cpu per event, projector + postgresql: ${perEvent('start', 'end')} µs ` +
        `(catch-up ${perEvent('start', 'indexes')}, query indexes ${perEvent('indexes', 'swap')}, ` +
        `swap ${perEvent('swap', 'end')})`,
    );
    console.log(
      `busiest thread of the rebuild's process: ${busiest('start', 'end')} µs an event (catch-up ${busiest('start', 'indexes')}); ` +
        'with cores to spare it bounds the rate',
    );
    console.log(
      `rebuild: ${report.seconds.toFixed(1)} s, ${Math.round(report.eventsPerSecond)} events/s (goal >= ${GOAL_EVENTS_PER_SECOND})`,
    );
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
