/**
 * Appends per second: our PostgreSQL event store against Emmett's PostgreSQL event store
 * (@event-driven-io/emmett-postgresql), same database, same run, same pool size; then the
 * single-event appends against pgbench's single-row insert (the ceiling of this database server
 * for one committed row per transaction), in the same run.
 *   npm run bench:append [-- --appends 5000 --batches 300 --pgbench-seconds 10]
 */
import { citizenStream } from '@registry/domain';
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Pool } from 'pg';
import { getPostgreSQLEventStore } from '@event-driven-io/emmett-postgresql';
import { STREAM_DOES_NOT_EXIST } from '@event-driven-io/emmett';
import { EVENT_STORE_MIGRATIONS, PostgresEventStore, migrate } from '@registry/event-store';
import { ensureDatabase } from '@registry/platform';
import { drive, machineLine } from '../shared/conditions';
import { pgbenchInserts } from './pgbench-ceiling';

const { values } = parseArgs({
  options: {
    appends: { type: 'string', default: '5000' },
    batches: { type: 'string', default: '300' },
    'pgbench-seconds': { type: 'string', default: '10' },
    database: {
      type: 'string',
      default: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/registry_bench_append',
    },
  },
});
const APPENDS = Number(values.appends);
const BATCHES = Number(values.batches);
const POOL_SIZE = 20;

type Append = (stream: string, events: number) => Promise<unknown>;

const payload = () => ({
  pin: '001224001234',
  name: { familyName: 'Nguyễn', middleName: 'Văn', givenName: 'An' },
  sex: 'male',
  dateOfBirth: '2024-03-05',
  placeOfBirth: { provinceCode: '001', detail: 'Bệnh viện Bạch Mai' },
});
const metadata = () => ({
  commandId: randomUUID(),
  correlationId: randomUUID(),
  actor: { sub: 'bench', office: '001' },
  schemaVersion: 1,
});

async function ours(url: string): Promise<{ append: Append; close: () => Promise<void> }> {
  const pool = new Pool({ connectionString: url, max: POOL_SIZE });
  await migrate(pool, EVENT_STORE_MIGRATIONS);
  const store = new PostgresEventStore(pool);
  const append: Append = (stream, n) =>
    store.append(
      stream,
      Array.from({ length: n }, () => ({
        eventId: randomUUID(),
        type: 'BirthRegistered',
        data: payload(),
        metadata: metadata(),
      })),
      'no_stream',
    );
  return {
    append,
    close: async () => {
      await store.close();
      await pool.end();
    },
  };
}

async function emmett(url: string): Promise<{ append: Append; close: () => Promise<void> }> {
  const pool = new Pool({ connectionString: url, max: POOL_SIZE });
  const store = getPostgreSQLEventStore(url, { connectionOptions: { pool, pooled: true } });
  await store.schema.migrate();
  const append: Append = (stream, n) =>
    store.appendToStream(
      stream,
      Array.from({ length: n }, () => ({ type: 'BirthRegistered', data: payload(), metadata: metadata() })),
      {
        expectedStreamVersion: STREAM_DOES_NOT_EXIST,
      },
    );
  return {
    append,
    close: async () => {
      await store.close();
      await pool.end();
    },
  };
}

interface Scenario {
  name: string;
  concurrency: number;
  operations: number;
  eventsPerAppend: number;
}

const SCENARIOS: Scenario[] = [
  {
    name: 'single-event appends, concurrency 1',
    concurrency: 1,
    operations: Math.ceil(APPENDS / 4),
    eventsPerAppend: 1,
  },
  { name: 'single-event appends, concurrency 16', concurrency: 16, operations: APPENDS, eventsPerAppend: 1 },
  { name: '100-event batch appends, concurrency 1', concurrency: 1, operations: BATCHES, eventsPerAppend: 100 },
  { name: '100-event batch appends, concurrency 4', concurrency: 4, operations: BATCHES, eventsPerAppend: 100 },
];

/** The single-event scenarios, compared with pgbench's single-row insert at the same concurrency. */
const CEILING_GOAL = 0.45;

async function measure(append: Append, scenario: Scenario): Promise<number> {
  const prefix = citizenStream(randomUUID());
  await drive(50, scenario.concurrency, (i) => append(`${prefix}-warm-${i}`, scenario.eventsPerAppend));
  const seconds = await drive(scenario.operations, scenario.concurrency, (i) =>
    append(`${prefix}-${i}`, scenario.eventsPerAppend),
  );
  return scenario.operations / seconds;
}

async function main(): Promise<void> {
  await ensureDatabase(values.database!, true);
  const stores = { registry: await ours(values.database!), emmett: await emmett(values.database!) };
  console.log('bench/append: appends per second to distinct new streams');
  console.log(machineLine());
  console.log(
    `database: PostgreSQL at ${new URL(values.database!).host}, synchronous_commit on, pool ${POOL_SIZE} connections each`,
  );
  console.log(`peer: @event-driven-io/emmett-postgresql 0.42.0 on the same database, same run (alternating)\n`);
  console.log(
    'scenario'.padEnd(42),
    'registry/s'.padStart(12),
    'emmett/s'.padStart(12),
    'ratio'.padStart(8),
    'registry events/s'.padStart(18),
  );
  const singles: { scenario: Scenario; registry: number }[] = [];
  for (const scenario of SCENARIOS) {
    const registry = await measure(stores.registry.append, scenario);
    const peer = await measure(stores.emmett.append, scenario);
    if (scenario.eventsPerAppend === 1) singles.push({ scenario, registry });
    console.log(
      scenario.name.padEnd(42),
      registry.toFixed(0).padStart(12),
      peer.toFixed(0).padStart(12),
      `${(registry / peer).toFixed(2)}x`.padStart(8),
      (registry * scenario.eventsPerAppend).toFixed(0).padStart(18),
    );
  }
  await stores.registry.close();
  await stores.emmett.close();
  console.log(
    `\nceiling: pgbench single-row insert (one event-shaped row per transaction), ${values['pgbench-seconds']} s, same database, right after`,
  );
  for (const { scenario, registry } of singles) {
    const ceiling = await pgbenchInserts(values.database!, scenario.concurrency, Number(values['pgbench-seconds']));
    const share = registry / ceiling.tps;
    console.log(
      `${scenario.name.padEnd(42)} registry ${registry.toFixed(0)}/s, pgbench ${ceiling.tps.toFixed(0)}/s: ` +
        `${(share * 100).toFixed(0)}% of the ceiling (goal >= ${CEILING_GOAL * 100}% at concurrency 16; load average ${loadavg()[0].toFixed(1)})`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
