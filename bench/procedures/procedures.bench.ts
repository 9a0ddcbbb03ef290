/**
 * The birth procedure end to end: births with a residence are appended to the PostgreSQL store at
 * a steady rate; apps/procedure-runner (its own process, as deployed) registers each residence,
 * asks the reference agency (kafkajs, real broker) for the card and applies its reply. Prints
 * completions per second and the time from each birth's commit to its procedure's completion.
 * Starts a real Apache Kafka (one KRaft node) unless KAFKA_BROKERS points at one.
 *   npm run bench:procedures [-- --births 10000 --rate 200]
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';
import { freshPins, lifeOf, toAppend } from '@registry/change-feed/test-support/citizen-lives';
import { citizenStream } from '@registry/domain';
import { EVENT_STORE_MIGRATIONS, migrate, PostgresEventStore } from '@registry/event-store';
import { ensureDatabase } from '@registry/platform';
import { startKafkaCluster } from '@registry/testing/kafka-server';
import { ReferenceAgency } from '@registry/procedures/reference-agency/reference-agency';
import { machineLine, percentile } from '../shared/conditions';

const { values } = parseArgs({
  options: {
    births: { type: 'string', default: '10000' },
    rate: { type: 'string', default: '200' },
    database: {
      type: 'string',
      default: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/registry_bench_procedures',
    },
  },
});
const BIRTHS = Number(values.births);
const RATE = Number(values.rate);
const ROOT = join(__dirname, '..', '..');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  console.log(machineLine());
  const cluster = process.env.KAFKA_BROKERS
    ? null
    : await startKafkaCluster({ name: 'bench-procedures', fullJit: true });
  const brokers = cluster?.brokers ?? process.env.KAFKA_BROKERS!.split(',');
  await ensureDatabase(values.database!, true);
  const pool = new Pool({ connectionString: values.database, max: 8 });
  await migrate(pool, EVENT_STORE_MIGRATIONS);
  const store = new PostgresEventStore(pool);
  const agency = new ReferenceAgency(
    new Kafka({ clientId: 'bench-agency', brokers, logLevel: logLevel.NOTHING }),
    'vss',
  );
  await agency.start();
  const runner = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/procedure-runner/src/main.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      DATABASE_URL: values.database,
      KAFKA_BROKERS: brokers.join(','),
      LOG_LEVEL: 'warn',
      REGISTRY_JWT_SECRET: 'unused',
    },
  });

  const pins = freshPins(BIRTHS);
  const started = Date.now();
  for (let i = 0; i < pins.length; i++) {
    void store.append(citizenStream(pins[i]), [toAppend(lifeOf(pins[i])[0])], 'no_stream');
    const due = started + ((i + 1) * 1000) / RATE;
    if (due > Date.now()) await sleep(due - Date.now());
  }
  const count = () =>
    pool
      .query<{ n: number }>("SELECT count(*)::int AS n FROM es_events WHERE type = 'ProcedureCompleted'")
      .then((r) => r.rows[0].n);
  while ((await count()) < BIRTHS) await sleep(200);

  // Latency: from the birth's commit to the procedure's ProcedureCompleted commit (the store's clock for both).
  const { rows } = await pool.query<{ ms: number }>(
    `SELECT extract(epoch FROM (c.recorded_at - b.recorded_at)) * 1000 AS ms
       FROM es_events b JOIN es_events s ON s.type = 'ProcedureStarted' AND s.data->>'startedBy' = b.event_id::text
       JOIN es_events c ON c.stream_id = s.stream_id AND c.type = 'ProcedureCompleted'
      WHERE b.type = 'BirthRegistered'`,
  );
  const { rows: span } = await pool.query<{ seconds: number }>(
    `SELECT extract(epoch FROM (max(recorded_at) FILTER (WHERE type = 'ProcedureCompleted') - min(recorded_at) FILTER (WHERE type = 'BirthRegistered'))) AS seconds FROM es_events`,
  );
  const latencies = rows.map((row) => Number(row.ms)).sort((a, b) => a - b);
  console.log(
    `birth procedures: ${BIRTHS} births offered at ${RATE}/s, all completed: ` +
      `${(BIRTHS / Number(span[0].seconds)).toFixed(0)} completions/s; birth to completed p50 ${percentile(latencies, 50).toFixed(0)} ms, ` +
      `p99 ${percentile(latencies, 99).toFixed(0)} ms (${latencies.length} measured; runner: apps/procedure-runner, agency: reference, Kafka: ${cluster ? `Apache Kafka ${cluster.version} KRaft, 1 node` : brokers.join(',')})`,
  );
  const exited = once(runner, 'exit');
  runner.kill('SIGTERM');
  await exited;
  await agency.stop();
  await store.close();
  await pool.end();
  await cluster?.stop();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
