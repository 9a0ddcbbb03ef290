/**
 * Drives GET /v1/citizens/{pin} over random PINs of the seeded citizens at concurrency 64, then
 * GET /v1/citizens?name= with names of seeded citizens typed without diacritics, against the
 * query API in its own process; prints requests/s and p50/p99 of each. Then lookups again with
 * the audit of reads left out, alternating with it on, and the ratio of their throughputs.
 *   npm run bench:lookup [-- --citizens 1000000 --seconds 20 --connections 64 --rounds 2]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { JwtService } from '@nestjs/jwt';
import type { Pool } from 'pg';
import { ALL_PROJECTIONS, ProjectorLag, ReadModelRebuild } from '@registry/read-models';
import { machineLine } from '../shared/conditions';
import { loadGet, type LoadResult } from '../shared/http-load';
import { databaseLine } from '../rebuild/bench-conditions';
import { benchDatabase } from '../rebuild/bench-database';

const { values } = parseArgs({
  options: {
    citizens: { type: 'string', default: '1000000' },
    seconds: { type: 'string', default: '20' },
    connections: { type: 'string', default: '64' },
    'pool-size': { type: 'string', default: '16' },
    rounds: { type: 'string', default: '2' },
  },
});
const GOALS = { lookupsPerSecond: 5000, lookupP99: 20, searchP99: 50, auditRatio: 0.9 };

async function main(): Promise<void> {
  const citizens = Number(values.citizens);
  const db = await benchDatabase(citizens);
  const secret = randomBytes(32).toString('hex');
  const port = 3600 + Math.floor(Math.random() * 300);
  let server: ChildProcess | undefined;
  try {
    await readModelsCaughtUp(db.pool, db.store);
    const pins = await sample(db.pool, 'SELECT pin FROM citizen_names TABLESAMPLE SYSTEM (5) LIMIT 20000');
    const names = await sample(db.pool, 'SELECT search_name FROM citizen_names TABLESAMPLE SYSTEM (5) LIMIT 5000');
    const env = { DATABASE_URL: db.url, REGISTRY_JWT_SECRET: secret, DATABASE_POOL_SIZE: values['pool-size']! };
    server = await startQueryApi(env, port);
    // A historian reads every province (an officer would need X-Purpose outside the office's).
    const token = new JwtService({ secret, signOptions: { expiresIn: '1h' } }).sign({
      sub: 'bench-historian',
      roles: ['historian'],
    });
    const base = `http://127.0.0.1:${port}`;
    const load = { connections: Number(values.connections), seconds: Number(values.seconds) };
    const pick = (items: string[]) => items[Math.floor(Math.random() * items.length)];
    await loadGet(base, token, () => `/v1/citizens/${pick(pins)}`, { ...load, seconds: 3 }); // warm-up
    const lookups = await loadGet(base, token, () => `/v1/citizens/${pick(pins)}`, load);
    await loadGet(base, token, () => `/v1/citizens?name=${encodeURIComponent(pick(names))}`, { ...load, seconds: 3 });
    const searches = await loadGet(base, token, () => `/v1/citizens?name=${encodeURIComponent(pick(names))}`, load);
    await stopped(server);
    const audit = await compareAudit(env, port + 1, token, () => `/v1/citizens/${pick(pins)}`, load);
    console.log(
      'bench/lookup: the query API (Fastify, read models in PostgreSQL) in its own process, autocannon in this one',
    );
    console.log(machineLine());
    console.log(await databaseLine(db.pool));
    console.log(
      `data: ${citizens} citizens, ${db.events} events; API pool ${values['pool-size']} connections; load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
    console.log(`load: ${load.connections} connections, ${load.seconds} s each, after 3 s of warm-up`);
    console.log(
      line('GET /v1/citizens/{pin}   ', lookups, `goal >= ${GOALS.lookupsPerSecond}/s, p99 < ${GOALS.lookupP99} ms`),
    );
    console.log(line('GET /v1/citizens?name=   ', searches, `goal p99 < ${GOALS.searchP99} ms`));
    console.log(
      `audit of reads: lookups ${audit.on.toFixed(0)}/s with it, ${audit.off.toFixed(0)}/s without ` +
        `(best of ${values.rounds} alternating rounds each): ratio ${(audit.on / audit.off).toFixed(2)} (goal >= ${GOALS.auditRatio})`,
    );
    console.log(`search plan for "${names[0]}": ${await searchPlan(db.pool, names[0])}`);
  } finally {
    server?.kill('SIGTERM');
    await db.close();
  }
}

/** Lookups with the audit on and off, in alternating rounds (the machine is shared: load drifts). */
async function compareAudit(
  env: Record<string, string>,
  port: number,
  token: string,
  path: () => string,
  load: { connections: number; seconds: number },
): Promise<{ on: number; off: number }> {
  const best = { on: 0, off: 0 };
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const mode of ['off', 'on'] as const) {
      const server = await startQueryApi({ ...env, AUDIT: mode }, port);
      try {
        const base = `http://127.0.0.1:${port}`;
        await loadGet(base, token, path, { ...load, seconds: 3 }); // warm-up
        const result = await loadGet(base, token, path, load);
        if (result.errors > 0) throw new Error(`${result.errors} failed lookups with the audit ${mode}`);
        best[mode] = Math.max(best[mode], result.requestsPerSecond);
      } finally {
        await stopped(server);
      }
    }
  }
  return best;
}

async function stopped(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exit = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exit;
}

function line(label: string, result: LoadResult, goal: string): string {
  return `${label} ${result.requestsPerSecond.toFixed(0)} requests/s, p50 ${result.p50} ms, p99 ${result.p99} ms, errors ${result.errors} (${goal})`;
}

/** Builds the read models when the seed is newer than them (a rebuild is the fastest way). */
async function readModelsCaughtUp(pool: Pool, store: ConstructorParameters<typeof ReadModelRebuild>[1]): Promise<void> {
  const lag = await new ProjectorLag(pool, store).lag();
  if (lag.events === 0) return;
  process.stderr.write(`read models ${lag.events} events behind: rebuilding\n`);
  await new ReadModelRebuild(pool, store, ALL_PROJECTIONS, { batchSize: 10_000 }).run();
  await pool.query('VACUUM ANALYZE citizen_records, citizen_names, residence_history');
}

async function sample(pool: Pool, sql: string): Promise<string[]> {
  const { rows } = await pool.query(sql);
  return rows.map((row) => String(Object.values(row)[0]));
}

/** The plan nodes of one search, to show the trigram index at work. */
async function searchPlan(pool: Pool, name: string): Promise<string> {
  const { rows } = await pool.query(
    `EXPLAIN SELECT pin FROM citizen_names WHERE search_name >= search_fold($1) AND search_name < search_fold($1) || chr(1114111)
      ORDER BY search_name, pin LIMIT 21`,
    [name],
  );
  return rows
    .map((row) => String(row['QUERY PLAN']).trim())
    .filter((node) => /Scan|Sort|Limit/.test(node) && !/Cond/.test(node))
    .map((node) => node.replace(/\s+\(cost.*$/, '').replace(/^->\s+/, ''))
    .join(' <- ');
}

async function startQueryApi(env: Record<string, string>, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'lookup-server.ts')], {
    cwd: join(__dirname, '..', '..'),
    env: { ...process.env, ...env, PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 900; i++) {
    try {
      await fetch(`http://127.0.0.1:${port}/v1/citizens/000000000000`); // 401: listening
      return child;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  child.kill();
  throw new Error('the query API did not start');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
