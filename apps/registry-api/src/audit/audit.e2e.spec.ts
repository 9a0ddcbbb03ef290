import { randomUUID } from 'node:crypto';
import { EVENT_STORE, type EventStore } from '@registry/event-store';
import { PG_POOL } from '@registry/platform';
import { projectionsNamed, ReadModelRebuild } from '@registry/read-models';
import { caughtUp, headPosition } from '@registry/read-models/test-support/catch-up';
import type { Pool } from 'pg';
import { ApiHarness } from '../test-support/api-harness';
import { birthApplication } from '../test-support/birth-application';

interface Read {
  url: (pin: string) => string;
  claims: { roles: string[]; office?: string; agency?: string };
  action: string;
  purpose?: string;
  accept?: string;
}

/** The kinds of reads of personal data, each by the kind of caller that may make it. */
const READS: Read[] = [
  { url: (pin) => `/v1/citizens/${pin}`, claims: { roles: ['officer'], office: '001' }, action: 'lookup' },
  {
    url: (pin) => `/v1/citizens/${pin}`,
    claims: { roles: ['officer'], office: '079' },
    action: 'lookup',
    purpose: 'case 17',
  },
  { url: (pin) => `/v1/citizens/${pin}`, claims: { roles: ['historian'] }, action: 'lookup' },
  {
    url: (pin) => `/v1/citizens/${pin}`,
    claims: { roles: ['agency'], agency: 'vss' },
    action: 'lookup',
    purpose: 'card',
  },
  {
    url: (pin) => `/v1/citizens/${pin}/timeline`,
    claims: { roles: ['supervisor'], office: '001' },
    action: 'timeline',
  },
  { url: () => '/v1/citizens?name=Audit&limit=100', claims: { roles: ['historian'] }, action: 'search' },
  { url: () => '/v1/provinces/001/residents', claims: { roles: ['officer'], office: '001' }, action: 'residents' },
  // As-of answers, exports and agencies' searches are reads of personal data too (API.md "Reads").
  { url: (pin) => `/v1/citizens/${pin}?validAt=2024-07-01`, claims: { roles: ['historian'] }, action: 'lookup' },
  {
    url: (pin) => `/v1/citizens/${pin}/timeline`,
    claims: { roles: ['historian'] },
    action: 'timeline',
    accept: 'application/x-ndjson',
  },
  {
    url: (pin) => `/v1/citizens/${pin}/timeline`,
    claims: { roles: ['officer'], office: '001' },
    action: 'timeline',
    accept: 'text/csv',
  },
  {
    url: () => '/v1/citizens?name=Audit&limit=100',
    claims: { roles: ['agency'], agency: 'vss' },
    action: 'search',
    purpose: 'card',
  },
];

describe('audit log of reads of personal data', () => {
  let api: ApiHarness;
  const pins: string[] = [];

  beforeAll(async () => {
    api = await ApiHarness.start();
    for (const givenName of ['Audit Một', 'Audit Hai', 'Audit Ba']) {
      const address = { provinceCode: '001', communeCode: '00004', line: '9 Phố Huế' };
      const born = await api.call('POST', '/v1/births', { body: birthApplication({}, { givenName }) });
      pins.push(born.body.pin);
      await api.call('POST', `/v1/citizens/${born.body.pin}/permanent-residence`, {
        body: { address, effectiveDate: '2024-06-01' },
      });
      expect((await api.projected(born.body.pin, 1)).status).toBe(200);
    }
  }, 120_000);
  afterAll(() => api.stop());

  const rowsOf = async (subs: string[]) =>
    (
      await api.pool.query(
        'SELECT sub, role, office, agency, action, pins, purpose, at FROM audit_records WHERE sub = ANY($1) ORDER BY position',
        [subs],
      )
    ).rows;

  it('appends exactly one record with the right fields for each of N random reads by random callers', async () => {
    const made: Array<{ sub: string; read: Read; pin: string }> = [];
    const started = new Date();
    for (let i = 0; i < 60; i++) {
      // Every kind of read at least once, then kinds at random.
      const read = READS[i < READS.length ? i : Math.floor(Math.random() * READS.length)];
      const pin = pins[Math.floor(Math.random() * pins.length)];
      const sub = `auditee-${randomUUID()}`;
      made.push({ sub, read, pin });
    }
    // Concurrently, so that records share group-committed INSERTs.
    const answers = await Promise.all(
      made.map(({ sub, read, pin }) =>
        api.call('GET', read.url(pin), {
          token: api.token({ ...read.claims, sub } as never),
          headers: {
            ...(read.purpose ? { 'x-purpose': read.purpose } : {}),
            ...(read.accept ? { accept: read.accept } : {}),
          },
        }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(made.map(() => 200));
    const rows = await rowsOf(made.map((m) => m.sub));
    expect(rows).toHaveLength(made.length);
    made.forEach(({ sub, read, pin }, i) => {
      const row = rows.find((r) => r.sub === sub);
      expect(row).toMatchObject({
        role: read.claims.roles[0],
        office: read.claims.office ?? null,
        agency: read.claims.agency ?? null,
        action: read.action,
        purpose: read.purpose ?? null,
      });
      expect(row.at.getTime()).toBeGreaterThanOrEqual(started.getTime() - 1000);
      // The PINs read: the one looked up, or exactly those on the page answered.
      const answered = answers[i].body.items?.map((item: { pin: string }) => item.pin) ?? [pin];
      expect([...row.pins].sort()).toEqual([...new Set<string>(answered)].sort());
    });
  });

  it("orders records as reads were answered: a read made after another's answer has the later record", async () => {
    // Chains of reads run side by side, each read of a chain sent once the one before is answered:
    // its record was committed before that answer left (ADR 0016), so it is readable when the answer
    // arrives and holds an earlier position than the next read's, whichever batches, writers and
    // carried lookups they went through.
    const kinds = [
      ...READS.filter((read) => read.claims.roles[0] !== 'agency'),
      { url: (pin: string) => `/v1/citizens/${pin}?minRevision=0`, claims: { roles: ['historian'] }, action: 'lookup' },
      { url: () => '/v1/citizens/001099999998', claims: { roles: ['historian'] }, action: 'lookup' },
    ];
    const chains = await Promise.all(
      Array.from({ length: 8 }, async (_, chain) => {
        const subs: string[] = [];
        for (let i = 0; i < 25; i++) {
          const read = kinds[Math.floor(Math.random() * kinds.length)];
          const sub = `chain-${chain}-${i}-${randomUUID()}`;
          const answer = await api.call('GET', read.url(pins[i % pins.length]), {
            token: api.token({ ...read.claims, sub } as never),
            headers: { ...(read.purpose ? { 'x-purpose': read.purpose } : {}) },
          });
          expect([200, 404]).toContain(answer.status);
          // Committed before the answer left: visible to anyone the moment it arrives.
          expect(await rowsOf([sub])).toHaveLength(1);
          subs.push(sub);
        }
        return subs;
      }),
    );
    const { rows } = await api.pool.query<{ sub: string; position: string }>(
      'SELECT sub, position::text FROM audit_records WHERE sub = ANY($1)',
      [chains.flat()],
    );
    const position = new Map(rows.map((row) => [row.sub, BigInt(row.position)]));
    expect(position.size).toBe(chains.flat().length);
    for (const subs of chains) {
      const positions = subs.map((sub) => position.get(sub)!);
      const outOfOrder = positions.flatMap((p, i) => (i > 0 && p <= positions[i - 1] ? [subs[i]] : []));
      expect(outOfOrder).toEqual([]);
    }
  });

  it('records nothing for a refused read', async () => {
    const sub = `refused-${randomUUID()}`;
    const answer = await api.call('GET', `/v1/citizens/${pins[0]}`, {
      token: api.token({ roles: ['officer'], office: '079', sub } as never),
    });
    expect(answer.body.error.code).toBe('PURPOSE_REQUIRED');
    expect(await rowsOf([sub])).toEqual([]);
  });

  it('records a lookup of a named PIN as it is made: an unknown PIN (404) is recorded too', async () => {
    const sub = `unknown-${randomUUID()}`;
    const unknown = '001099999999';
    const answer = await api.call('GET', `/v1/citizens/${unknown}`, {
      token: api.token({ roles: ['historian'], sub }),
    });
    expect(answer.status).toBe(404);
    expect(await rowsOf([sub])).toEqual([expect.objectContaining({ action: 'lookup', pins: [unknown] })]);
    const malformed = `malformed-${randomUUID()}`;
    const refused = await api.call('GET', '/v1/citizens/12345', {
      token: api.token({ roles: ['historian'], sub: malformed }),
    });
    expect(refused.status).toBe(400);
    expect(await rowsOf([malformed])).toEqual([]);
  });

  it('answers 503 and no personal data when the read cannot be recorded', async () => {
    // A trigger refuses this test's records alone; every other record of the batch fails with them.
    await api.pool.query(`CREATE OR REPLACE FUNCTION audit_log_refuse_test() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.records::text LIKE '%"unrecordable-%' THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$`);
    await api.pool.query(`CREATE TRIGGER audit_log_refuse_test BEFORE INSERT ON audit_batches
      FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_test()`);
    try {
      for (const claims of [{ roles: ['historian'] }, { roles: ['officer'], office: '001' }]) {
        // The historian's record is opened beside the read; the officer's after it (the province is checked first).
        const token = api.token({ ...claims, sub: `unrecordable-${randomUUID()}` } as never);
        const answer = await api.call('GET', `/v1/citizens/${pins[0]}`, { token });
        expect(answer.status).toBe(503);
        expect(answer.body.error.code).toBe('SERVICE_UNAVAILABLE');
        expect(answer.headers['retry-after']).toBe('1');
        expect(JSON.stringify(answer.body)).not.toContain('Audit');
        expect(answer.headers.etag).toBeUndefined();
      }
    } finally {
      await api.pool.query('DROP TRIGGER audit_log_refuse_test ON audit_batches');
    }
    const read = await api.call('GET', `/v1/citizens/${pins[0]}`, { token: api.token({ roles: ['historian'] }) });
    expect(read.status).toBe(200);
  });

  it('answers GET /v1/audit?pin= to supervisors, newest first, page by page; to no one else', async () => {
    // A citizen of this test alone: the records of other tests' reads cannot interleave with its readers'.
    const born = await api.call('POST', '/v1/births', { body: birthApplication({}, { givenName: 'Audit Bốn' }) });
    const pin = born.body.pin as string;
    // Waited for through the projector's checkpoints, not by reading the citizen: no read of this
    // PIN but the readers' below may be in its audit log.
    await caughtUp(api.pool, await headPosition(api.pool));
    // A record as written before batches were rows (ADR 0100): older than the reads below, read with them.
    const earlier = `earlier-reader-${randomUUID()}`;
    await api.pool.query(
      `INSERT INTO audit_log (at, sub, role, action, pins) VALUES (now(), $1, 'historian', 'lookup', ARRAY[$2])`,
      [earlier, pin],
    );
    const subs = [0, 1, 2].map((i) => `reader-${i}-${randomUUID()}`);
    for (const sub of subs) {
      const read = await api.call('GET', `/v1/citizens/${pin}`, {
        token: api.token({ roles: ['historian'], sub } as never),
      });
      expect(read.status).toBe(200);
    }
    const supervisor = api.token({ roles: ['supervisor'], office: '001' });
    const first = await api.call('GET', `/v1/audit?pin=${pin}&limit=2`, { token: supervisor });
    expect(first.status).toBe(200);
    expect(first.body.items.map((i: { sub: string }) => i.sub)).toEqual([subs[2], subs[1]]);
    expect(first.body.items[0]).toEqual({
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      sub: subs[2],
      role: 'historian',
      office: null,
      agency: null,
      action: 'lookup',
      purpose: null,
    });
    const second = await api.call('GET', `/v1/audit?pin=${pin}&limit=2&cursor=${first.body.nextCursor}`, {
      token: supervisor,
    });
    expect(second.body.items.map((i: { sub: string }) => i.sub)).toEqual([subs[0], earlier]);
    for (const roles of [['officer'], ['historian'], ['agency'], ['operator']]) {
      const refused = await api.call('GET', `/v1/audit?pin=${pin}`, {
        token: api.token({ roles, office: '001', agency: 'vss' } as never),
      });
      expect(refused.status).toBe(403);
    }
  });

  it('is append-only: SQL can neither change nor delete a record, in either table', async () => {
    // Both tables hold records here (the test above wrote one into audit_log).
    const counts = await api.pool.query(
      'SELECT (SELECT count(*) FROM audit_log)::int AS rows, (SELECT count(*) FROM audit_batches)::int AS batches',
    );
    expect(counts.rows[0].rows).toBeGreaterThan(0);
    expect(counts.rows[0].batches).toBeGreaterThan(0);
    await expect(api.pool.query("UPDATE audit_log SET sub = 'someone else'")).rejects.toThrow(/append-only/);
    await expect(api.pool.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
    await expect(api.pool.query('TRUNCATE audit_log')).rejects.toThrow(/append-only/);
    await expect(api.pool.query("UPDATE audit_batches SET records = '[]'")).rejects.toThrow(/append-only/);
    await expect(api.pool.query('DELETE FROM audit_batches')).rejects.toThrow(/append-only/);
    await expect(api.pool.query('TRUNCATE audit_batches')).rejects.toThrow(/append-only/);
  });

  it('survives a rebuild of the read models unchanged', async () => {
    const digest = async () =>
      (
        await api.pool.query(
          "SELECT count(*)::int AS n, md5(string_agg(position::text || sub || action, ',' ORDER BY position)) AS d FROM audit_records",
        )
      ).rows[0];
    const before = await digest();
    expect(before.n).toBeGreaterThan(60);
    const pool = api.app.get<Pool>(PG_POOL);
    await new ReadModelRebuild(pool, api.app.get<EventStore>(EVENT_STORE), projectionsNamed([]), {
      batchSize: 1000,
      resume: false,
    }).run();
    expect(await digest()).toEqual(before);
  });
});
