import { Pool } from 'pg';
import { testDatabaseUrl } from '@registry/testing';
import { describeEventStoreContract } from './contract/event-store.contract';
import { PostgresEventStore } from './postgres/postgres-event-store';
import { EVENT_STORE_MIGRATIONS, migrate } from './postgres/postgres-schema';

const pool = new Pool({ connectionString: testDatabaseUrl(), max: 30 });

describeEventStoreContract('postgresql', {
  async create() {
    await migrate(pool, EVENT_STORE_MIGRATIONS);
    return new PostgresEventStore(pool);
  },
  async destroy(store) {
    await store.close();
    await pool.end();
  },
  async holdOpenAppend(streamId, events) {
    const client = await pool.connect();
    await client.query('BEGIN');
    await client.query('SELECT * FROM es_append($1, -1, $2::uuid[], $3::text[], $4::jsonb[], $5::jsonb[])', [
      streamId,
      events.map((e) => e.eventId),
      events.map((e) => e.type),
      events.map((e) => JSON.stringify(e.data)),
      events.map((e) => JSON.stringify(e.metadata)),
    ]);
    return {
      async commit() {
        await client.query('COMMIT');
        client.release();
      },
    };
  },
});
