/**
 * GET /v1/citizens/{pin} against the registry as users run it (`npm start`: API, projector and
 * relay in one process, logging at its default level), from a cold start and after warm-up, and
 * in the same run against the ceiling of this machine: a minimal Fastify + pg server running the
 * same one query. Then search by name on both, and lookups with the audit of reads on and off
 * (the query API alone, alternating rounds). Every line carries the machine's load average.
 *   npm run bench:lookup [-- --citizens 100000 --seconds 20 --cold-seconds 20 --connections 64
 *                            --rate 5000 --rounds 1 --audit-rounds 2 --audit-ceiling on --cpu-prof /tmp/lookup-profiles]
 * `--rate`: a last lookup measure of each server offered that many lookups a second (open loop),
 * where their p99 compare at one pace; 0 skips it. `--audit-ceiling off`: the audit rounds on the
 * query API alone. `--settle on` (the default): each paced run starts after a CHECKPOINT
 * (bench/shared/settle.ts, ADR 0145); `off`: right after the saturating runs. `--pairs 4
 * --pair-seconds 5` (the default): then, both servers up, that many pairs of short warm slices in
 * turn (R C, C R, ...) and the median of the pairs' ratios (paired-slices.ts, ADR 0162); `--pairs 0` skips them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { JwtService } from '@nestjs/jwt';
import type { Pool } from 'pg';
import { machineLine } from '../shared/conditions';
import { loadGet, resultLine, secondsLines, type LoadResult } from '../shared/http-load';
import { fixedRateLine, ratioLine, startCeiling } from '../shared/ceiling';
import { loadAtRate } from '../shared/open-loop';
import { pairedLines, pairedSlices, type SlicePair } from '../shared/paired-slices';
import { settleBeforePacedRun } from '../shared/settle';
import { printProfile, summarizeProfile } from '../shared/cpu-profile';
import { cpuSeconds, databaseCpuSeconds, withCpu } from '../shared/process-cpu';
import { benchRegistryEnv, registryProfile, registryShape, startRegistry } from '../shared/registry-process';
import { sample, seededDatabaseUrl, seededRegistry } from '../shared/seeded-registry';
import { databaseLine } from '../rebuild/bench-conditions';

const { values } = parseArgs({
  options: {
    citizens: { type: 'string', default: '100000' },
    settle: { type: 'string', default: 'on' },
    seconds: { type: 'string', default: '20' },
    'cold-seconds': { type: 'string', default: '20' },
    'warm-up-seconds': { type: 'string', default: '5' },
    connections: { type: 'string', default: '64' },
    'pool-size': { type: 'string', default: '20' },
    rounds: { type: 'string', default: '1' },
    rate: { type: 'string', default: '5000' },
    'audit-rounds': { type: 'string', default: '2' },
    search: { type: 'string', default: 'on' },
    // off: the audit rounds run the query API only, not the ceiling beside it (half the time).
    'audit-ceiling': { type: 'string', default: 'on' },
    pairs: { type: 'string', default: '4' },
    'pair-seconds': { type: 'string', default: '5' },
    'cpu-prof': { type: 'string' },
    database: { type: 'string' },
  },
});
const GOALS = {
  lookupsPerSecond: 5000,
  lookupP99: 20,
  searchP99: 50,
  auditRatio: 0.9,
  ceiling: { throughput: 0.7, p99: 1.5 },
};

async function main(): Promise<void> {
  const citizens = Number(values.citizens);
  const rate = Number(values.rate);
  const url = values.database ?? seededDatabaseUrl(citizens);
  const db = await seededRegistry(citizens, url);
  const secret = randomBytes(32).toString('hex');
  const port = 3600 + Math.floor(Math.random() * 300);
  const load = { connections: Number(values.connections), seconds: Number(values.seconds) };
  const warmUp = { ...load, seconds: Number(values['warm-up-seconds']) };
  try {
    const pins = await sample(db.pool, 'SELECT pin FROM citizen_names TABLESAMPLE SYSTEM (5) LIMIT 20000');
    const names = await sample(db.pool, 'SELECT search_name FROM citizen_names TABLESAMPLE SYSTEM (5) LIMIT 5000');
    const pick = (items: string[]) => items[Math.floor(Math.random() * items.length)];
    const lookup = () => `/v1/citizens/${pick(pins)}`;
    const search = () => `/v1/citizens?name=${encodeURIComponent(pick(names))}`;
    // A historian reads every province (an officer would need X-Purpose outside the office's).
    const token = new JwtService({ secret, signOptions: { expiresIn: '1h' } }).sign({
      sub: 'bench-historian',
      roles: ['historian'],
    });
    const env = benchRegistryEnv(url, secret, values['pool-size']!);
    printConditions(citizens, db.events, load);
    console.log(await databaseLine(db.pool));
    // The ceiling runs after the registry, on a database cache the registry filled; the registry's
    // first seconds get the same cache (a restarted registry meets a running database), so they
    // measure its own start, not PostgreSQL reading the sampled records from the disk.
    await warmDatabaseCache(db.pool, pins);
    for (let round = 1; round <= Number(values.rounds); round++) {
      const profileDir = values['cpu-prof'] && join(values['cpu-prof'], `lookup-round-${round}`);
      if (profileDir) mkdirSync(profileDir, { recursive: true });
      const registry = await startRegistry({ env, port, cpuProfileDir: profileDir });
      let ceilingServer: Awaited<ReturnType<typeof startCeiling>> | undefined;
      let cold: LoadResult, warm: LoadResult, searches: LoadResult | undefined;
      let ceiling: LoadResult, ceilingSearches: LoadResult | undefined;
      let registryAtRate: LoadResult | undefined, ceilingAtRate: LoadResult | undefined;
      let slices: SlicePair[] = [];
      const settled: string[] = [];
      try {
        const pid = registry.nodePid();
        cold = await withCpu(pid, () =>
          loadGet(registry.base, token, lookup, { ...load, seconds: Number(values['cold-seconds']), perSecondOf: pid }),
        );
        await loadGet(registry.base, token, lookup, warmUp);
        warm = await withCpu(pid, () => loadGet(registry.base, token, lookup, load));
        if (rate > 0) {
          if (values.settle === 'on') settled.push(await settleBeforePacedRun(db.pool));
          registryAtRate = await loadAtRate(registry.base, lookup, {
            ...load,
            rate,
            headers: { authorization: `Bearer ${token}` },
          });
        }
        if (values.search === 'on') searches = await measureSearches(registry.base, pid, token, search, load);
        // The ceiling starts beside the idle registry: both are up for the paired slices below.
        const ceilingUp = (ceilingServer = await startCeiling(env, port + 1));
        await loadGet(ceilingUp.base, token, lookup, warmUp);
        ceiling = await withCpu(ceilingUp.pid, () => loadGet(ceilingUp.base, token, lookup, load));
        if (rate > 0) {
          if (values.settle === 'on') settled.push(await settleBeforePacedRun(db.pool));
          ceilingAtRate = await loadAtRate(ceilingUp.base, lookup, {
            ...load,
            rate,
            headers: { authorization: `Bearer ${token}` },
          });
        }
        if (values.search === 'on')
          ceilingSearches = await measureSearches(ceilingUp.base, ceilingUp.pid, token, search, load);
        const slice = (base: string, server: number | undefined) => () =>
          withCpu(server, () => loadGet(base, token, lookup, { ...load, seconds: Number(values['pair-seconds']) }));
        slices = await pairedSlices(
          Number(values.pairs),
          slice(registry.base, pid),
          slice(ceilingUp.base, ceilingUp.pid),
        );
      } finally {
        await ceilingServer?.stop();
        await registry.stop();
      }
      console.log(`\nround ${round}: npm start answered /health/live after ${(registry.startMs / 1000).toFixed(1)} s`);
      console.log(resultLine(`registry, first ${values['cold-seconds']} s after start`, cold));
      console.log(secondsLines(cold));
      console.log(resultLine(`registry, after ${warmUp.seconds} s warm-up`, warm));
      console.log(resultLine('ceiling (Fastify + pg, same query)', ceiling));
      console.log(ratioLine('registry cold / ceiling', cold, ceiling, GOALS.ceiling));
      console.log(ratioLine('registry warm / ceiling', warm, ceiling, GOALS.ceiling));
      if (slices.length > 0)
        console.log(
          `warm, in ${slices.length} pairs of ${values['pair-seconds']} s slices (both servers up):\n` +
            pairedLines('registry warm / ceiling, paired', slices, GOALS.ceiling),
        );
      if (registryAtRate && ceilingAtRate) {
        if (settled.length > 0) console.log(`before the paced runs: registry ${settled[0]}; ceiling ${settled[1]}`);
        console.log(fixedRateLine(rate, registryAtRate, ceilingAtRate, GOALS.ceiling.p99));
      }
      console.log(
        `absolute goal: >= ${GOALS.lookupsPerSecond}/s and p99 < ${GOALS.lookupP99} ms, cold and warm: ` +
          `${met(cold, GOALS.lookupsPerSecond, GOALS.lookupP99) && met(warm, GOALS.lookupsPerSecond, GOALS.lookupP99) ? 'met' : 'NOT met'} (floors on a shared machine)`,
      );
      if (searches && ceilingSearches) printSearches(searches, ceilingSearches);
      const profile = profileDir && registryProfile(profileDir);
      if (profile) printProfile(`CPU profile of the registry (${profile})`, summarizeProfile(profile));
    }
    if (Number(values['audit-rounds']) > 0) {
      const audit = await compareAudit(
        { ...env, LOG_LEVEL: 'warn' },
        port + 2,
        token,
        lookup,
        load,
        warmUp,
        db.pool,
        rate,
      );
      const ratio = (mode: AuditModes) => mode.on / mode.off;
      const ceilingLines = audit.cpu['ceiling on']
        ? `  ceiling (Fastify + pg, the same durable group-committed batches): ${audit.ceiling.on.toFixed(0)}/s with it, ` +
          `${audit.ceiling.off.toFixed(0)}/s without: ratio ${ratio(audit.ceiling).toFixed(2)}\n` +
          `  the registry's ratio is ${(ratio(audit.registry) / ratio(audit.ceiling)).toFixed(2)} of the ceiling's\n`
        : '';
      console.log(
        `\naudit of reads (${load.seconds} s each after ${warmUp.seconds} s warm-up, best of ${values['audit-rounds']} alternating rounds):\n` +
          `  query API alone: lookups ${audit.registry.on.toFixed(0)}/s with it, ${audit.registry.off.toFixed(0)}/s without: ` +
          `ratio ${ratio(audit.registry).toFixed(2)} (goal >= ${GOALS.auditRatio})\n` +
          ceilingLines +
          cpuLine('query API', audit.cpu['registry on'], audit.cpu['registry off']) +
          (ceilingLines ? '\n' + cpuLine('ceiling', audit.cpu['ceiling on'], audit.cpu['ceiling off']) : '') +
          (rate > 0
            ? `\n  at ${rate} lookups/s offered (open loop): p99 ${audit.atRate.on} ms with it, ${audit.atRate.off} ms without (best of the rounds)`
            : ''),
      );
    }
    if (values.search === 'on') console.log(`search plan for "${names[0]}": ${await searchPlan(db.pool, names[0])}`);
  } finally {
    await db.close();
  }
}

function printConditions(citizens: number, events: number, load: { connections: number; seconds: number }): void {
  console.log('bench/lookup: GET /v1/citizens/{pin} over random seeded PINs; autocannon in this process');
  console.log(machineLine());
  console.log(
    `registry: ${registryShape()}, ` +
      `rate limits raised for the one bench token; API pool ${values['pool-size']} connections, ceiling pool the same`,
  );
  console.log(`data: ${citizens} citizens, ${events} events`);
  console.log(`load: ${load.connections} connections, ${load.seconds} s per measure`);
}

/** Reads the sampled citizens' rows once, so that they are in PostgreSQL's and the system's cache. */
async function warmDatabaseCache(pool: Pool, pins: string[]): Promise<void> {
  await pool.query('SELECT count(length(record::text)) FROM citizen_records WHERE pin = ANY($1)', [pins]);
  await pool.query('SELECT count(*) FROM citizen_names WHERE pin = ANY($1)', [pins]);
}

/** Name searches after a short warm-up, as fast as the server answers. */
async function measureSearches(
  base: string,
  pid: number | undefined,
  token: string,
  search: () => string,
  load: { connections: number; seconds: number },
): Promise<LoadResult> {
  await loadGet(base, token, search, { ...load, seconds: 3 });
  return withCpu(pid, () => loadGet(base, token, search, load));
}

function printSearches(registry: LoadResult, ceiling: LoadResult): void {
  console.log(resultLine('GET /v1/citizens?name= (warm)', registry) + ` goal p99 < ${GOALS.searchP99} ms`);
  console.log(resultLine('ceiling search (same query, page)', ceiling));
  console.log(ratioLine('registry search / ceiling', registry, ceiling, GOALS.ceiling));
}

function met(result: LoadResult, perSecond: number, p99: number): boolean {
  return result.requestsPerSecond >= perSecond && result.p99 < p99 && result.errors === 0;
}

interface AuditModes {
  on: number;
  off: number;
}

/** CPU seconds and answered lookups summed over the rounds of one target and mode. */
interface CpuTotals {
  server: number;
  database: number;
  client: number;
  requests: number;
}

/**
 * CPU per lookup with and without the audit, of the server, PostgreSQL and the load generator
 * (this process), over every round: on a shared machine the rates swing with the load of others
 * and the audit's waits for WAL flushes, CPU per lookup far less. Their ratio is the throughput
 * ratio a machine bound by these CPUs would give.
 */
function cpuLine(label: string, on: CpuTotals, off: CpuTotals): string {
  const micros = (total: CpuTotals, part: keyof Omit<CpuTotals, 'requests'>) =>
    (total[part] * 1e6) / Math.max(1, total.requests);
  const all = (total: CpuTotals) => micros(total, 'server') + micros(total, 'database') + micros(total, 'client');
  const pair = (part: keyof Omit<CpuTotals, 'requests'>) =>
    `${micros(on, part).toFixed(0)}/${micros(off, part).toFixed(0)}`;
  return (
    `  ${label} CPU per lookup with/without, µs: server ${pair('server')}, PostgreSQL ${pair('database')}, ` +
    `load generator ${pair('client')}; all ${all(on).toFixed(0)}/${all(off).toFixed(0)}: ratio if CPU-bound ${(all(off) / all(on)).toFixed(2)}`
  );
}

/**
 * Lookups with the audit on and off, in alternating rounds (the machine is shared: load drifts),
 * on the query API and on the ceiling server (with CeilingAudit: what a durable record per read
 * costs a bare handler on this machine, the floor the registry's ratio is read against).
 */
async function compareAudit(
  env: Record<string, string>,
  port: number,
  token: string,
  path: () => string,
  load: { connections: number; seconds: number },
  warmUp: { connections: number; seconds: number },
  pool: Pool,
  rate: number,
): Promise<{ registry: AuditModes; ceiling: AuditModes; atRate: AuditModes; cpu: Record<string, CpuTotals> }> {
  const database = new URL(env.DATABASE_URL).pathname.slice(1);
  const best = { registry: { on: 0, off: 0 }, ceiling: { on: 0, off: 0 } };
  /** The lowest p99 of each mode at the offered rate. */
  const atRate = { on: Infinity, off: Infinity };
  const cpu: Record<string, CpuTotals> = {};
  const servers = {
    registry: (mode: string, profileDir?: string) => startQueryApi({ ...env, AUDIT: mode }, port, profileDir),
    ceiling: async (mode: string) => {
      const ceiling = await startCeiling({ ...env, CEILING_AUDIT: mode }, port + 1);
      return { pid: ceiling.pid, stop: ceiling.stop };
    },
  };
  for (let round = 0; round < Number(values['audit-rounds']); round++) {
    const targets = values['audit-ceiling'] === 'off' ? (['registry'] as const) : (['registry', 'ceiling'] as const);
    for (const target of targets) {
      for (const mode of ['off', 'on'] as const) {
        const profileDir =
          target === 'registry' && values['cpu-prof']
            ? join(values['cpu-prof'], `audit-${mode}-${round + 1}`)
            : undefined;
        if (profileDir) mkdirSync(profileDir, { recursive: true });
        const server = await servers[target](mode, profileDir);
        const base = `http://127.0.0.1:${target === 'registry' ? port : port + 1}`;
        try {
          await loadGet(base, token, path, warmUp);
          const databaseBefore = await databaseCpuSeconds(pool, database);
          const clientBefore = cpuSeconds(process.pid);
          const result = await withCpu(server.pid, () => loadGet(base, token, path, load));
          const clientUsed = cpuSeconds(process.pid) - clientBefore;
          const databaseUsed = (await databaseCpuSeconds(pool, database)) - databaseBefore;
          const totals = (cpu[`${target} ${mode}`] ??= { server: 0, database: 0, client: 0, requests: 0 });
          totals.server += result.cpuSeconds;
          totals.database += databaseUsed;
          totals.client += clientUsed;
          totals.requests += result.requests;
          if (result.errors > 0)
            throw new Error(`${result.errors} failed lookups on the ${target} with the audit ${mode}`);
          const perRequest = ((databaseUsed * 1e6) / Math.max(1, result.requests)).toFixed(0);
          const label = target === 'registry' ? 'query API' : 'ceiling';
          console.error(`${resultLine(`${label}, audit ${mode}`, result)}; PostgreSQL CPU ${perRequest} µs/request`);
          best[target][mode] = Math.max(best[target][mode], result.requestsPerSecond);
          if (target === 'registry' && rate > 0) {
            // At the national peak's pace the audit's cost is a delay, not a rate: the p99 it adds there.
            const paced = await loadAtRate(base, path, {
              ...load,
              rate,
              headers: { authorization: `Bearer ${token}` },
            });
            console.error(`${resultLine(`query API, audit ${mode}, ${rate}/s offered`, paced)}`);
            atRate[mode] = Math.min(atRate[mode], paced.p99);
          }
        } finally {
          await server.stop();
        }
        const profile = profileDir && registryProfile(profileDir);
        if (profile)
          printProfile(`CPU profile of the query API, audit ${mode} (${profile})`, summarizeProfile(profile));
      }
    }
  }
  return { ...best, atRate, cpu };
}

async function stopped(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exit = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exit;
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

async function startQueryApi(
  env: Record<string, string>,
  port: number,
  cpuProfileDir?: string,
): Promise<{ pid: number; stop: () => Promise<void> }> {
  const profiling = cpuProfileDir
    ? {
        NODE_OPTIONS: `-r ${join(__dirname, '..', 'shared', 'cpu-profile-preload.js')}`,
        REGISTRY_CPU_PROFILE_DIR: cpuProfileDir,
      }
    : {};
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'lookup-server.ts')], {
    cwd: join(__dirname, '..', '..'),
    env: { ...process.env, ...env, ...profiling, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 900; i++) {
    try {
      await fetch(`http://127.0.0.1:${port}/v1/citizens/000000000000`); // 401: listening
      return { pid: child.pid!, stop: () => stopped(child) };
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
