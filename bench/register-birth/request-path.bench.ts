/**
 * The CPU of one birth's request path alone: `POST /v1/births` through Fastify's `inject` (no
 * socket) into the whole API (guards, validation, command handler, domain, event texts), with the
 * event store's append answered at once and no projector or procedure runner, so that what the
 * path itself costs shows without the database. Profile it with `node --cpu-prof`. It needs a
 * database for the API's start (migrations, warm-up): MICRO_DATABASE_URL or the default below.
 *   node -r @swc-node/register bench/register-birth/request-path.bench.ts [-- --births 20000 --rounds 5]
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { JwtService } from '@nestjs/jwt';
import { EVENT_STORE, type EventStore } from '@registry/event-store';
import { ensureDatabase } from '@registry/platform';
import { createRegistryApi } from '../../apps/registry-api/src/bootstrap';
import { birthApplication } from '../../apps/registry-api/src/test-support/birth-application';
import { machineLine } from '../shared/conditions';

const { values } = parseArgs({
  options: { births: { type: 'string', default: '20000' }, rounds: { type: 'string', default: '5' } },
});
const CONCURRENCY = 32;

async function main(): Promise<void> {
  const secret = randomBytes(32).toString('hex');
  const url = process.env.MICRO_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/registry_bench_request_path';
  await ensureDatabase(url);
  Object.assign(process.env, {
    DATABASE_URL: url,
    REGISTRY_JWT_SECRET: secret,
    PROJECTOR_ENABLED: 'false',
    PROCEDURES: 'off',
    RATE_LIMIT_PER_MINUTE: '1000000000',
    RATE_LIMIT_PER_MINUTE_PER_ADDRESS: '1000000000',
  });
  const app = await createRegistryApi({ logger: false });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  app.get<EventStore>(EVENT_STORE).append = async () => ({ nextRevision: 0, position: { commit: 1n, prepare: 1n } });
  const token = new JwtService({ secret, signOptions: { expiresIn: '1h' } }).sign({
    sub: 'bench-officer',
    roles: ['officer'],
    office: '001',
  });
  const payload = JSON.stringify(birthApplication());
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const births = async (n: number) => {
    for (let i = 0; i < n; i += CONCURRENCY) {
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          const answer = await app.inject({ method: 'POST', url: '/v1/births', headers, payload });
          if (answer.statusCode !== 201) throw new Error(`${answer.statusCode} ${answer.body}`);
        }),
      );
    }
  };
  console.log('bench/register-birth/request-path: POST /v1/births by inject, the append answered at once');
  console.log(machineLine());
  const n = Number(values.births);
  await births(n); // warm-up
  for (let round = 1; round <= Number(values.rounds); round++) {
    const before = process.cpuUsage();
    await births(n);
    const cpu = process.cpuUsage(before);
    console.log(
      `round ${round}: ${((cpu.user + cpu.system) / n).toFixed(1)} µs CPU per birth over ${n} births ` +
        `(load average ${loadavg()[0].toFixed(1)})`,
    );
  }
  await app.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
