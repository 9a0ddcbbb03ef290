/**
 * Timeline and "as of" reads of citizens with 200 events each, against the API in its own
 * process: prints p50/p99 of each.
 *   npm run bench:timeline [-- --citizens 200 --events 200 --connections 8 --seconds 10]
 */
import { JwtService } from '@nestjs/jwt';
import { randomBytes, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Pool } from 'pg';
import { EVENT_STORE_MIGRATIONS, PostgresEventStore, migrate, type EventToAppend } from '@registry/event-store';
import { ensureDatabase } from '@registry/platform';
import { machineLine } from '../shared/conditions';
import { loadGet } from '../shared/http-load';
import { startServer } from '../shared/server-process';
import { citizenStream } from '@registry/domain';

const { values } = parseArgs({
  options: {
    citizens: { type: 'string', default: '200' },
    events: { type: 'string', default: '200' },
    connections: { type: 'string', default: '8' },
    seconds: { type: 'string', default: '10' },
    database: {
      type: 'string',
      default: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/registry_bench_timeline',
    },
  },
});

function dayAfter(start: string, days: number): string {
  const d = new Date(`${start}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** A birth in 1960 followed by moves every 60 days: a long, valid life in the registry. */
function lifeOf(pin: string, count: number): EventToAppend[] {
  const meta = (effectiveAt: string) => ({
    commandId: randomUUID(),
    correlationId: randomUUID(),
    actor: { sub: 'bench', office: '001' },
    effectiveAt,
    schemaVersion: 1,
  });
  const name = { familyName: 'Nguyễn', middleName: 'Văn', givenName: 'An' };
  const birth = {
    pin,
    name,
    sex: 'male',
    dateOfBirth: '1960-01-01',
    placeOfBirth: { provinceCode: '001', detail: null },
    nationality: 'VN',
    ethnicity: 'Kinh',
    motherPin: null,
    fatherPin: null,
    registrationProvinceCode: '001',
    permanentResidence: null,
  };
  const events: EventToAppend[] = [
    { eventId: randomUUID(), type: 'BirthRegistered', data: birth, metadata: meta('1960-01-01') },
  ];
  for (let i = 1; i < count; i++) {
    const effectiveDate = dayAfter('1961-01-01', i * 60);
    const address = { provinceCode: '001', communeCode: '00004', line: `${i} Phố Huế` };
    events.push({
      eventId: randomUUID(),
      type: 'PermanentResidenceRegistered',
      data: { pin, address, effectiveDate, previous: null },
      metadata: meta(effectiveDate),
    });
  }
  return events;
}

async function seed(url: string, citizens: number, events: number): Promise<string[]> {
  const pool = new Pool({ connectionString: url, max: 4 });
  await migrate(pool, EVENT_STORE_MIGRATIONS);
  const store = new PostgresEventStore(pool);
  const pins = Array.from({ length: citizens }, (_, i) => `001060${String(i).padStart(6, '0')}`);
  for (const pin of pins) await store.append(citizenStream(pin), lifeOf(pin, events), 'no_stream');
  await store.close();
  await pool.end();
  return pins;
}

async function main(): Promise<void> {
  const [citizens, events] = [Number(values.citizens), Number(values.events)];
  await ensureDatabase(values.database!, true);
  const pins = await seed(values.database!, citizens, events);
  const secret = randomBytes(32).toString('hex');
  const port = 3600 + Math.floor(Math.random() * 300);
  const server = await startServer(
    'apps/registry-api/src/main.ts',
    { DATABASE_URL: values.database!, REGISTRY_JWT_SECRET: secret, LOG_LEVEL: 'warn', PROJECTOR_ENABLED: 'false' },
    port,
  );
  const token = new JwtService({ secret, signOptions: { expiresIn: '1h' } }).sign({
    sub: 'bench-historian',
    roles: ['historian'],
  });
  const seconds = Number(values.seconds);
  const pick = () => pins[Math.floor(Math.random() * pins.length)];
  const reads = {
    timeline: () => `/v1/citizens/${pick()}/timeline`,
    'as-of read': () => `/v1/citizens/${pick()}?validAt=1990-06-01&knownAt=2030-01-01T00:00:00Z`,
  };
  try {
    const base = `http://127.0.0.1:${port}`;
    console.log(`bench/timeline: citizens with ${events} events each, read from their streams`);
    console.log(machineLine());
    console.log(
      `server: registry-api in its own process, PostgreSQL event store; ${citizens} citizens (${citizens * events} events); ${seconds} s per line`,
    );
    await loadGet(base, token, reads.timeline, { connections: 2, seconds: 2 }); // warm-up, not measured
    for (const connections of [1, Number(values.connections)]) {
      for (const [name, path] of Object.entries(reads)) {
        const r = await loadGet(base, token, path, { connections, seconds });
        console.log(
          `${name.padEnd(12)} concurrency ${String(connections).padStart(2)}  requests/s ${r.requestsPerSecond.toFixed(0).padStart(6)}   p50 ${r.p50} ms   p99 ${r.p99} ms   errors ${r.errors}`,
        );
      }
    }
  } finally {
    server.kill('SIGTERM');
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
