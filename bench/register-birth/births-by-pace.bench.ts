/**
 * What a birth costs the registry at each pace: `npm start` on N seeded citizens, offered births
 * at fixed rates in turn (open loop, after a warm-up), printing for each the answers' p50 and p99
 * and the server's CPU a birth, in all and on its main thread. At a quiet pace a birth costs many
 * times what it costs at saturation (README, 2026-12-01): this is the command behind those figures.
 *   npm run bench:births-by-pace [-- --citizens 100000 --rates 20,100,300,700 --seconds 10
 *                                     --background off --database <url> --cpu-prof DIR]
 * `--background off`: the projector, procedure runner and marriage recovery off, the API alone.
 * `--server ceiling`: the same load against the ceiling (Fastify + pg, one insert a birth), to
 * tell the registry's cost at a pace from what any node server and this machine's TCP pay.
 * `--server rows-ceiling`: against the ceiling with the registry's rows (a birth's six rows in one
 * statement, bench/shared/ceiling-rows.ts), to tell the cost of the registry's data from its code's.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { birthsAcrossTheCountry } from './births-across-the-country';
import { machineLine } from '../shared/conditions';
import { startCeiling } from '../shared/ceiling';
import { loadAtRate } from '../shared/open-loop';
import { cpuSeconds } from '../shared/process-cpu';
import { benchRegistryEnv, registryProfile, registryShape, startRegistry } from '../shared/registry-process';
import { printProfile, summarizeProfile } from '../shared/cpu-profile';
import { seededDatabaseUrl, seededRegistry } from '../shared/seeded-registry';
import { prepareRowsCeiling } from '../shared/ceiling-rows';

const { values } = parseArgs({
  options: {
    citizens: { type: 'string', default: '100000' },
    rates: { type: 'string', default: '20,100,300,700' },
    seconds: { type: 'string', default: '10' },
    'warm-up-rate': { type: 'string', default: '700' },
    'warm-up-seconds': { type: 'string', default: '5' },
    background: { type: 'string', default: 'on' },
    server: { type: 'string', default: 'registry' },
    database: { type: 'string' },
    'cpu-prof': { type: 'string' },
  },
});

const SERVERS = {
  ceiling: 'ceiling: Fastify + pg, one insert a birth',
  'rows-ceiling': "ceiling with the registry's rows: Fastify + pg, a birth's six rows in one statement",
};

const BACKGROUND_OFF = { PROJECTOR_ENABLED: 'false', PROCEDURES: 'off', MARRIAGE_RECOVERY: 'off' };

async function main(): Promise<void> {
  if (!['on', 'off'].includes(values.background!)) throw new Error('--background: on or off');
  if (!['registry', 'ceiling', 'rows-ceiling'].includes(values.server!))
    throw new Error('--server: registry, ceiling or rows-ceiling');
  const cpuProfileDir = values['cpu-prof'];
  if (cpuProfileDir && values.server !== 'registry') throw new Error('--cpu-prof: the registry only');
  const citizens = Number(values.citizens);
  const url = values.database ?? seededDatabaseUrl(citizens);
  const db = await seededRegistry(citizens, url);
  const secret = randomBytes(32).toString('hex');
  const births = {
    connections: 32,
    method: 'POST' as const,
    // Each birth's body and its province officer's token come from the variant.
    headers: { 'content-type': 'application/json' },
    variant: birthsAcrossTheCountry(secret),
  };
  const env = { ...benchRegistryEnv(url, secret, '20'), ...(values.background === 'off' ? BACKGROUND_OFF : {}) };
  const port = 3100 + Math.floor(Math.random() * 400);
  if (values.server === 'rows-ceiling') await prepareRowsCeiling(db.pool);
  if (cpuProfileDir) mkdirSync(cpuProfileDir, { recursive: true });
  const server =
    values.server === 'registry'
      ? await startRegistry({ env, port, cpuProfileDir }).then((r) => ({
          base: r.base,
          pid: r.nodePid(),
          stop: r.stop,
        }))
      : await startCeiling(values.server === 'ceiling' ? env : { ...env, CEILING_BIRTH: 'rows' }, port);
  try {
    const { pid } = server;
    console.log('bench/births-by-pace: POST /v1/births offered at fixed rates (open loop), one rate after another');
    console.log(machineLine());
    console.log(
      `${SERVERS[values.server as keyof typeof SERVERS] ?? `registry: ${registryShape()}`}` +
        `${values.background === 'off' ? ', projector, procedures and recovery off' : ''}; ` +
        `${citizens} seeded citizens; 32 connections at most; warm-up ${values['warm-up-seconds']} s at ${values['warm-up-rate']}/s`,
    );
    const path = () => '/v1/births';
    await loadAtRate(server.base, path, {
      ...births,
      rate: Number(values['warm-up-rate']),
      seconds: Number(values['warm-up-seconds']),
    });
    for (const rate of values.rates!.split(',').map(Number)) {
      const before = { all: cpuSeconds(pid), main: cpuSeconds(pid, pid) };
      const result = await loadAtRate(server.base, path, { ...births, rate, seconds: Number(values.seconds) });
      const all = cpuSeconds(pid) - before.all;
      const main = cpuSeconds(pid, pid) - before.main;
      const perBirth = (seconds: number) => ((seconds * 1e6) / Math.max(1, result.requests)).toFixed(0);
      console.log(
        `offered ${String(rate).padStart(5)}/s: ${result.requestsPerSecond.toFixed(0)}/s answered, p50 ${result.p50} ms, ` +
          `p99 ${result.p99} ms, errors ${result.errors}; server CPU ${perBirth(all)} µs a birth ` +
          `(main thread ${perBirth(main)} µs), ${((all / Number(values.seconds)) * 100).toFixed(0)}% of a core ` +
          `(load average ${result.loadAverage.toFixed(1)})`,
      );
    }
  } finally {
    await server.stop();
    await db.close();
  }
  // The profile spans the warm-up and every rate: run one rate (`--rates 700`) to read that pace.
  const profile = cpuProfileDir && registryProfile(cpuProfileDir);
  if (profile) printProfile(`CPU profile of the registry (${profile})`, summarizeProfile(profile));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
