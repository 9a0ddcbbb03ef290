/**
 * Drives POST /v1/births at concurrency 32 for 20 s against the API in its own process on the
 * local PostgreSQL, and prints requests/s, latency p50/p99 and the server's peak RSS.
 *   npm run bench:register-birth [-- --seconds 20 --connections 32]
 */
import autocannon from 'autocannon';
import { JwtService } from '@nestjs/jwt';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { ensureDatabase } from '@registry/platform';
import { birthApplication } from '../../apps/registry-api/src/test-support/birth-application';
import { machineLine } from '../shared/conditions';
import { peakRssMiB, startServer } from '../shared/server-process';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '20' },
    connections: { type: 'string', default: '32' },
    workers: { type: 'string', default: '1' },
    projector: { type: 'string', default: 'on' },
    database: {
      type: 'string',
      default: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/registry_bench_births',
    },
  },
});

const body = JSON.stringify(birthApplication());

async function main(): Promise<void> {
  await ensureDatabase(values.database!, true);
  const secret = randomBytes(32).toString('hex');
  const port = 3100 + Math.floor(Math.random() * 500);
  const server = await startServer(
    'apps/registry-api/src/main.ts',
    {
      DATABASE_URL: values.database!,
      REGISTRY_JWT_SECRET: secret,
      LOG_LEVEL: 'warn',
      API_WORKERS: values.workers!,
      PROJECTOR_ENABLED: String(values.projector === 'on'),
    },
    port,
  );
  const token = new JwtService({ secret, signOptions: { expiresIn: '1h' } }).sign({
    sub: 'bench-officer',
    roles: ['officer'],
    office: '001',
  });
  try {
    const drive = (duration: number) =>
      autocannon({
        url: `http://127.0.0.1:${port}/v1/births`,
        method: 'POST',
        connections: Number(values.connections),
        duration,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body,
      });
    await drive(3); // warm-up (JIT, connection pool), not measured
    const result = await drive(Number(values.seconds));
    const ok = result['2xx'];
    console.log('bench/register-birth: POST /v1/births (new citizen each request, PIN assigned, one event)');
    console.log(machineLine());
    console.log(
      `server: registry-api in its own process, API_WORKERS=${values.workers}, projector ${values.projector} (Fastify, embedded PostgreSQL event store); client autocannon in this process`,
    );
    console.log(
      `load: ${values.connections} connections for ${values.seconds} s; database ${new URL(values.database!).pathname.slice(1)} (fresh)`,
    );
    console.log(
      `requests/s: ${(ok / result.duration).toFixed(0)} (201s: ${ok}, non-2xx: ${result.non2xx}, errors: ${result.errors}, timeouts: ${result.timeouts})`,
    );
    console.log(`latency ms: p50 ${result.latency.p50}  p99 ${result.latency.p99}  max ${result.latency.max}`);
    console.log(`server peak RSS: ${peakRssMiB(server.pid!).toFixed(0)} MiB (all API processes together)`);
  } finally {
    server.kill('SIGTERM');
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
