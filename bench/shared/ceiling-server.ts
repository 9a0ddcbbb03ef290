/**
 * The ceiling of this machine for the registry's two hottest requests: a minimal Fastify + pg
 * server with no framework, guard, validation, logging or audit. GET /v1/citizens/:pin runs the
 * same one primary-key query as the registry's lookup; GET /v1/citizens?name= the same name-range
 * query as the registry's search (names that start with the text, their records by primary key,
 * one page of 20); POST /v1/births inserts one row shaped
 * like an event (the body as jsonb, metadata, a new UUID) into a table of its own, one commit.
 * With CEILING_AUDIT=on, a lookup also writes an audit record the registry's way (ADR 0040, 0100)
 * and answers only once it is durable: see CeilingAudit. With CEILING_BIRTH=rows, a birth writes
 * the six rows the registry writes for one (its stream, its event and four read-model rows) into
 * copies of their tables, in one statement: see birthWithTheRegistryRows.
 *   DATABASE_URL=... PORT=... DATABASE_POOL_SIZE=20 [CEILING_AUDIT=on] [CEILING_BIRTH=rows] node -r @swc-node/register bench/shared/ceiling-server.ts
 */
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import { Pool } from 'pg';
import { CeilingAudit } from './ceiling-audit';
import { birthWithTheRegistryRows } from './ceiling-rows';

async function main(): Promise<void> {
  const pool = new Pool({
    connectionString: process.env.DATABASE_URL,
    max: Number(process.env.DATABASE_POOL_SIZE ?? '20'),
    // The registry's default (DATABASE_IDLE_TIMEOUT_MS): idle connections stay open.
    idleTimeoutMillis: Number(process.env.DATABASE_IDLE_TIMEOUT_MS ?? '0'),
  });
  await pool.query(`CREATE TABLE IF NOT EXISTS bench_ceiling_births (
    position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, stream_id text NOT NULL, event_id uuid NOT NULL,
    type text NOT NULL, data jsonb NOT NULL, metadata jsonb NOT NULL, recorded_at timestamptz NOT NULL DEFAULT now())`);
  const audit =
    process.env.CEILING_AUDIT === 'on'
      ? await CeilingAudit.open(process.env.DATABASE_URL!, Number(process.env.AUDIT_WRITERS ?? '2'))
      : undefined;
  const app = Fastify({ logger: false });
  app.get<{ Params: { pin: string } }>('/v1/citizens/:pin', async (request, reply) => {
    const statement = {
      name: 'read_model_citizen_record',
      text: 'SELECT revision, replaced_by AS "reestablishedAs", record::text AS json FROM citizen_records WHERE pin = $1',
      values: [request.params.pin],
    };
    // With the audit, the answer waits for its durable record too.
    const rows = audit
      ? await audit.lookup<{ json: string }>(pool, request.params.pin, statement)
      : (await pool.query<{ json: string }>(statement)).rows;
    if (!rows[0]) return reply.status(404).send({ error: { code: 'CITIZEN_NOT_FOUND' } });
    return reply.type('application/json; charset=utf-8').send(rows[0].json);
  });
  app.get<{ Querystring: { name: string } }>('/v1/citizens', async (request, reply) => {
    const { rows } = await pool.query<{ json: string }>({
      name: 'ceiling_search',
      text: `SELECT r.record::text AS json
               FROM (SELECT pin, search_name FROM citizen_names
                      WHERE search_name >= search_fold($1) AND search_name < search_fold($1) || chr(1114111)
                      ORDER BY search_name, pin LIMIT 21) AS n
               JOIN citizen_records r ON r.pin = n.pin
              ORDER BY n.search_name, n.pin`,
      values: [request.query.name],
    });
    const items = rows.slice(0, 20).map((row) => row.json);
    const nextCursor = rows.length > 20 ? 'more' : null;
    return reply
      .type('application/json; charset=utf-8')
      .send(`{"items":[${items.join(',')}],"nextCursor":${JSON.stringify(nextCursor)}}`);
  });
  // Read once: an environment lookup per request would be the ceiling's own overhead.
  const registryRows = process.env.CEILING_BIRTH === 'rows';
  app.post<{ Body: Parameters<typeof birthWithTheRegistryRows>[1] }>('/v1/births', async (request, reply) => {
    if (registryRows) {
      const pin = await birthWithTheRegistryRows(pool, request.body);
      return reply.status(201).send({ pin, revision: 0 });
    }
    const eventId = randomUUID();
    await pool.query({
      name: 'ceiling_birth',
      text: `INSERT INTO bench_ceiling_births (stream_id, event_id, type, data, metadata) VALUES ($1, $2, 'BirthRegistered', $3, $4)`,
      values: [
        `citizen-${eventId}`,
        eventId,
        JSON.stringify(request.body),
        JSON.stringify({ commandId: randomUUID() }),
      ],
    });
    return reply.status(201).send({ pin: eventId, revision: 0 });
  });
  app.get('/health/live', async () => ({ status: 'ok' }));
  await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
  const stop = () =>
    void app
      .close()
      .then(() => Promise.all([pool.end(), audit?.close()]))
      .then(() => process.exit(0));
  process.on('SIGTERM', stop).on('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
