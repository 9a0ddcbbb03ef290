/**
 * POST /v1/births (a new citizen each request: PIN assigned, one event appended) against the
 * registry as users run it (`npm start`: API, projector and relay in one process, logging at its
 * default level) on a database of N seeded citizens, from a cold start and after warm-up, and in
 * the same run against the ceiling of this machine: a minimal Fastify + pg server inserting one
 * comparable row per request. Every line carries the machine's load average.
 *   npm run bench:register-birth [-- --citizens 100000 --seconds 20 --cold-seconds 20 --connections 32
 *                                    --rate 1000 --rounds 1 --births country --cpu-prof /tmp/birth-profiles]
 * `--rate`: a last measure of each server offered that many births a second (open loop), where
 * their p99 compare at one pace; 0 skips it. `--births country` (the default): births in every
 * province by its own officer, both sexes, born over the last weeks (births-across-the-country.ts);
 * `--births one-prefix`: every birth the same boy of Hà Nội born 2024-03-05, as the bench sent
 * before 2026-11-30, whose PINs all share one prefix. `--settle on` (the default): each paced run
 * starts with the projector caught up and a CHECKPOINT (bench/shared/settle.ts, ADR 0145); `off`:
 * right after the saturating runs, as before 2026-12-01. `--rows-ceiling on` (the default up to 1M citizens): after
 * the ceiling, the same warm load against the ceiling with the registry's rows (a birth writes the
 * six rows the registry writes for one, into copies of their tables: bench/shared/ceiling-rows.ts),
 * which tells the cost of the registry's data from the cost of its code. `--pairs 4 --pair-seconds 5`
 * (the default): after the warm runs, both servers up, that many pairs of short warm slices in turn
 * (R C, C R, ...), each after the projector caught up, and the median of the pairs' ratios (paired-slices.ts,
 * ADR 0162): the machine's drift falls on both sides alike; `--pairs 0` skips them.
 */
import { mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { JwtService } from '@nestjs/jwt';
import { ProjectorLag } from '@registry/read-models';
import { birthApplication } from '../../apps/registry-api/src/test-support/birth-application';
import { birthsAcrossTheCountry } from './births-across-the-country';
import { machineLine } from '../shared/conditions';
import { cpuPerRequest, load, resultLine, secondsLines, type LoadOptions, type LoadResult } from '../shared/http-load';
import { fixedRateLine, ratioLine, startCeiling } from '../shared/ceiling';
import { prepareRowsCeiling } from '../shared/ceiling-rows';
import { loadAtRate } from '../shared/open-loop';
import { pairedLines, pairedSlices, type SlicePair } from '../shared/paired-slices';
import { printProfile, summarizeProfile } from '../shared/cpu-profile';
import { databaseCpuSeconds, walBytes, withCpu } from '../shared/process-cpu';
import { benchRegistryEnv, registryProfile, registryShape, startRegistry } from '../shared/registry-process';
import { seededDatabaseUrl, seededRegistry } from '../shared/seeded-registry';
import { peakRssMiB } from '../shared/server-process';
import { projectorCaughtUp, settleBeforePacedRun } from '../shared/settle';
import { databaseLine } from '../rebuild/bench-conditions';

const { values } = parseArgs({
  options: {
    citizens: { type: 'string', default: '100000' },
    seconds: { type: 'string', default: '20' },
    'cold-seconds': { type: 'string', default: '20' },
    'warm-up-seconds': { type: 'string', default: '5' },
    connections: { type: 'string', default: '32' },
    'pool-size': { type: 'string', default: '20' },
    rounds: { type: 'string', default: '1' },
    rate: { type: 'string', default: '1000' },
    births: { type: 'string', default: 'country' },
    settle: { type: 'string', default: 'on' },
    'rows-ceiling': { type: 'string' },
    pairs: { type: 'string', default: '4' },
    'pair-seconds': { type: 'string', default: '5' },
    'cpu-prof': { type: 'string' },
    database: { type: 'string' },
  },
});
const ROWS_CEILING_CITIZENS_AT_MOST = 1_000_000;
const GOALS = { birthsPerSecond: 1000, p99: 50, ceiling: { throughput: 0.5, p99: 1.5 } };

async function main(): Promise<void> {
  const citizens = Number(values.citizens);
  const rate = Number(values.rate);
  if (!['country', 'one-prefix'].includes(values.births!)) throw new Error('--births: country or one-prefix');
  if (!['on', 'off'].includes(values.settle!)) throw new Error('--settle: on or off');
  // The copies hold as many rows as the registry's tables: about 400 MB at 100k citizens, far more at 10M.
  values['rows-ceiling'] ??= citizens <= ROWS_CEILING_CITIZENS_AT_MOST ? 'on' : 'off';
  if (!['on', 'off'].includes(values['rows-ceiling'])) throw new Error('--rows-ceiling: on or off');
  const url = values.database ?? seededDatabaseUrl(citizens);
  const db = await seededRegistry(citizens, url);
  const secret = randomBytes(32).toString('hex');
  const port = 3100 + Math.floor(Math.random() * 400);
  const token = new JwtService({ secret, signOptions: { expiresIn: '1h' } }).sign({
    sub: 'bench-officer',
    roles: ['officer'],
    office: '001',
  });
  const births: LoadOptions = {
    method: 'POST',
    connections: Number(values.connections),
    seconds: Number(values.seconds),
    body: JSON.stringify(birthApplication()),
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    variant: values.births === 'one-prefix' ? undefined : birthsAcrossTheCountry(secret),
  };
  const env = benchRegistryEnv(url, secret, values['pool-size']!);
  const path = () => '/v1/births';
  const database = new URL(url).pathname.slice(1);
  /** The load, with the CPU its server used and the CPU of PostgreSQL's backends on this database (and the WAL writer). */
  const measured = async (pid: number | undefined, work: () => Promise<LoadResult>) => {
    const before = await databaseCpuSeconds(db.pool, database);
    const walBefore = await walBytes(db.pool);
    const result = await withCpu(pid, work);
    return {
      ...result,
      databaseCpuSeconds: (await databaseCpuSeconds(db.pool, database)) - before,
      walBytes: (await walBytes(db.pool)) - walBefore,
    };
  };
  try {
    console.log('bench/register-birth: POST /v1/births, a new citizen each request; autocannon in this process');
    console.log(machineLine());
    console.log(
      `registry: ${registryShape()}, ` +
        `rate limits raised for the bench's tokens; pool ${values['pool-size']} connections, ceiling pool the same`,
    );
    console.log(
      `data: ${citizens} seeded citizens, ${db.events} events at the start; load: ${births.connections} connections, ` +
        (births.variant
          ? 'births in every current province by its officer, both sexes, born over the last 60 days'
          : 'every birth the same boy of province 001 born 2024-03-05 (one PIN prefix)'),
    );
    console.log(await databaseLine(db.pool));
    if (values['rows-ceiling'] === 'on')
      console.log(`ceiling with the registry's rows: ${await prepareRowsCeiling(db.pool)}`);
    for (let round = 1; round <= Number(values.rounds); round++) {
      const profileDir = values['cpu-prof'] && join(values['cpu-prof'], `birth-round-${round}`);
      if (profileDir) mkdirSync(profileDir, { recursive: true });
      const registry = await startRegistry({ env, port, cpuProfileDir: profileDir });
      let ceilingServer: Awaited<ReturnType<typeof startCeiling>> | undefined;
      let cold: Measured, warm: Measured, ceiling: Measured, rss: number, lag: { events: number; seconds: number };
      let registryAtRate: LoadResult | undefined, ceilingAtRate: LoadResult | undefined;
      let slices: SlicePair[] = [];
      const settled: string[] = [];
      const projectorLag = new ProjectorLag(db.pool, db.store);
      const eventsBehind = async () => (await projectorLag.lag()).events;
      const settle = async () => {
        if (values.settle === 'on') settled.push(await settleBeforePacedRun(db.pool, eventsBehind));
      };
      try {
        const pid = registry.nodePid();
        cold = await measured(pid, () =>
          load(registry.base, path, { ...births, seconds: Number(values['cold-seconds']), perSecondOf: pid }),
        );
        await load(registry.base, path, { ...births, seconds: Number(values['warm-up-seconds']) });
        warm = await measured(pid, () => load(registry.base, path, births));
        // The ceiling starts beside the idle registry, once the registry's projector has caught up.
        await projectorCaughtUp(eventsBehind);
        const ceilingUp = (ceilingServer = await startCeiling(env, port + 1));
        await load(ceilingUp.base, path, { ...births, seconds: Number(values['warm-up-seconds']) });
        ceiling = await measured(ceilingUp.pid, () => load(ceilingUp.base, path, births));
        const slice = (base: string, server: number | undefined) => async () => {
          await projectorCaughtUp(eventsBehind);
          return measured(server, () => load(base, path, { ...births, seconds: Number(values['pair-seconds']) }));
        };
        slices = await pairedSlices(
          Number(values.pairs),
          slice(registry.base, pid),
          slice(ceilingUp.base, ceilingUp.pid),
        );
        if (rate > 0) {
          await settle();
          registryAtRate = await loadAtRate(registry.base, path, { ...births, rate, perSecondOf: pid });
          await settle();
          ceilingAtRate = await loadAtRate(ceilingUp.base, path, { ...births, rate, perSecondOf: ceilingUp.pid });
        }
        lag = await projectorLag.lag();
        rss = pid ? peakRssMiB(pid) : NaN;
      } finally {
        await ceilingServer?.stop();
        await registry.stop();
      }
      let rowsCeiling: Measured | undefined;
      if (values['rows-ceiling'] === 'on') {
        const rowsServer = await startCeiling({ ...env, CEILING_BIRTH: 'rows' }, port + 2);
        try {
          await load(rowsServer.base, path, { ...births, seconds: Number(values['warm-up-seconds']) });
          rowsCeiling = await measured(rowsServer.pid, () => load(rowsServer.base, path, births));
        } finally {
          await rowsServer.stop();
        }
      }
      console.log(`\nround ${round}: npm start answered /health/live after ${(registry.startMs / 1000).toFixed(1)} s`);
      console.log(resultLine(`registry, first ${values['cold-seconds']} s after start`, cold));
      console.log(secondsLines(cold));
      console.log(resultLine(`registry, after ${values['warm-up-seconds']} s warm-up`, warm));
      console.log(resultLine('ceiling (Fastify + pg, one insert)', ceiling));
      console.log(
        `PostgreSQL CPU per birth (its backends on this database and the WAL writer): registry first ${values['cold-seconds']} s ` +
          `${databasePerBirth(cold)} µs, warm ${databasePerBirth(warm)} µs; ceiling ${databasePerBirth(ceiling)} µs`,
      );
      // Every write's WAL is flushed before its answer, and what the WAL carries the disk writes again at checkpoints.
      console.log(
        `WAL per birth (server-wide): registry first ${values['cold-seconds']} s ${walPerBirth(cold)} kB, ` +
          `warm ${walPerBirth(warm)} kB; ceiling ${walPerBirth(ceiling)} kB`,
      );
      console.log(ratioLine('registry cold / ceiling', cold, ceiling, GOALS.ceiling));
      console.log(ratioLine('registry warm / ceiling', warm, ceiling, GOALS.ceiling));
      if (slices.length > 0)
        console.log(
          `warm, in ${slices.length} pairs of ${values['pair-seconds']} s slices (both servers up, each slice after the projector caught up):\n` +
            pairedLines('registry warm / ceiling, paired', slices, GOALS.ceiling),
        );
      if (rowsCeiling) printRowsCeiling(rowsCeiling, warm, ceiling);
      if (registryAtRate && ceilingAtRate) {
        if (settled.length > 0) console.log(`before the paced runs: registry ${settled[0]}; ceiling ${settled[1]}`);
        console.log(fixedRateLine(rate, registryAtRate, ceilingAtRate, GOALS.ceiling.p99));
        console.log(`registry at ${rate}/s, by the second the births fell due:\n${secondsLines(registryAtRate)}`);
        // The ceiling's seconds beside them: a second slow for both is the machine's or the pacer's, not the registry's.
        console.log(`ceiling at ${rate}/s, by the second the births fell due:\n${secondsLines(ceilingAtRate)}`);
      }
      const ok = (r: LoadResult) => r.requestsPerSecond >= GOALS.birthsPerSecond && r.p99 < GOALS.p99 && r.errors === 0;
      console.log(
        `absolute goal: >= ${GOALS.birthsPerSecond}/s and p99 < ${GOALS.p99} ms, cold and warm: ` +
          `${ok(cold) && ok(warm) ? 'met' : 'NOT met'} (floors on a shared machine)`,
      );
      console.log(
        `projector at the end of the last load: ${lag.events} events behind (${lag.seconds.toFixed(1)} s); registry peak RSS ${rss.toFixed(0)} MiB`,
      );
      const profile = profileDir && registryProfile(profileDir);
      if (profile) printProfile(`CPU profile of the registry (${profile})`, summarizeProfile(profile));
    }
  } finally {
    await db.close();
  }
}

type Measured = LoadResult & { databaseCpuSeconds: number; walBytes: number };

/**
 * The ceiling with the registry's rows beside the other two: what the registry's data costs this
 * machine written by a bare handler (one statement and one commit a birth), and so how much of the
 * registry's distance from the one-insert ceiling is its data and how much its code. No goal: the
 * issue's goal is read against the one-insert ceiling.
 */
function printRowsCeiling(rows: Measured, warm: Measured, ceiling: Measured): void {
  console.log(resultLine("ceiling with the registry's rows", rows));
  console.log(
    `  its PostgreSQL CPU per birth ${databasePerBirth(rows)} µs, WAL per birth ${walPerBirth(rows)} kB; ` +
      `throughput ${(rows.requestsPerSecond / ceiling.requestsPerSecond).toFixed(2)} of the one-insert ceiling`,
  );
  console.log(
    `${'registry warm / rows ceiling'.padEnd(34)} throughput ${(warm.requestsPerSecond / rows.requestsPerSecond).toFixed(2)}, ` +
      `p99 ${(warm.p99 / Math.max(1, rows.p99)).toFixed(2)}x, server CPU per request ` +
      `${(cpuPerRequest(warm) / cpuPerRequest(rows)).toFixed(1)}x (no goal: where the distance is)`,
  );
}

function walPerBirth(result: Measured): string {
  return (result.walBytes / 1024 / Math.max(1, result.requests)).toFixed(1);
}

function databasePerBirth(result: Measured): string {
  return ((result.databaseCpuSeconds * 1e6) / Math.max(1, result.requests)).toFixed(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
