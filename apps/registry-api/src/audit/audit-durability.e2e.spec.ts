import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { ensureDatabase } from '@registry/testing';
import { OwnCluster } from '../faults/test-support/own-cluster';
import { ApiHarness } from '../test-support/api-harness';
import { birthApplication } from '../test-support/birth-application';

/**
 * An answered read's audit record survives a crash of the database server (ADR 0040): reads are
 * answered, then PostgreSQL is stopped the way a crash stops it (`pg_ctl -m immediate`: WAL not
 * yet written is lost), restarted, and every answered read has its record. The server runs with
 * its WAL writer asleep for 10 s, so a record committed without waiting for its flush
 * (synchronous_commit off, as the writer once did) would be in memory only when the crash comes.
 * On a cluster of this test's own: the shared server is never stopped.
 */
describe('audit of reads across a crash of the database server', () => {
  const saved = { ...process.env };
  let cluster: OwnCluster;
  let api: ApiHarness;

  beforeAll(async () => {
    cluster = await OwnCluster.create({ wal_writer_delay: '10s' });
    await ensureDatabase(cluster.url, true);
    api = await ApiHarness.start('postgresql', { env: { DATABASE_URL: cluster.url, PROJECTOR_ENABLED: 'false' } });
  }, 120_000);

  afterAll(async () => {
    await api?.stop();
    cluster?.stop();
    process.env = saved;
  });

  it('keeps the record of every answered read', async () => {
    const birth = await api.call('POST', '/v1/births', { body: birthApplication({}, { givenName: 'Bền' }) });
    expect(birth.status).toBe(201);
    const pin = birth.body.pin;
    const sub = `durable-${randomUUID()}`;
    const token = api.token({ roles: ['historian'], sub } as never);
    // Timelines (their records written alone) and lookups (their records carried in the lookup's
    // statement, ADR 0085; 404 with the projector off here, and recorded all the same), in waves:
    // each wave's records are a batch of their own (ADR 0100), committed while the WAL writer sleeps
    // (the first commit may wake it once), so that a commit not flushed at once would be lost.
    const reads: Array<{ status: number }> = [];
    for (let wave = 0; wave < 5; wave++) {
      const timelines = Array.from({ length: 5 }, () => api.call('GET', `/v1/citizens/${pin}/timeline`, { token }));
      const lookups = Array.from({ length: 5 }, () => api.call('GET', `/v1/citizens/${pin}`, { token }));
      const answered = await Promise.all([...timelines, ...lookups]);
      expect(answered.map((read) => read.status)).toEqual([...timelines.map(() => 200), ...lookups.map(() => 404)]);
      reads.push(...answered);
    }

    cluster.restart('immediate');

    const client = new Client({ connectionString: cluster.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM audit_records WHERE sub = $1 AND $2 = ANY(pins)',
        [sub, pin],
      );
      expect(rows[0].n).toBe(reads.length);
    } finally {
      await client.end();
    }
  });
});
