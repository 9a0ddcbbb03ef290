import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { migrate } from '@registry/event-store';
import type { RegistryConfig } from '@registry/platform';
import type { LookupCarrier, LookupStatement } from '@registry/read-models';
import { ensureDatabase, testDatabaseUrl } from '@registry/testing';
import { AuditLog } from './audit-log.query';
import { AuditTrail, type AuditRecord } from './audit-trail';
import { AUDIT_MIGRATIONS } from './audit.module';

/** Lookups as the trail sees them (CitizenRecords): queued while the test says so. */
class TestLookups {
  queued = false;
  carrier!: LookupCarrier;
  carryWith(carrier: LookupCarrier): void {
    this.carrier = carrier;
  }
}

const LOOKUP: LookupStatement = { name: 'audit_trail_test_lookup', text: 'SELECT $1::text AS found', values: ['x'] };

/** A few event-loop turns: what the trail sends alone has gone out. */
const turns = async () => {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('AuditTrail: records by group commit, carried by lookups (ADR 0040, 0085)', () => {
  const url = testDatabaseUrl();
  let pool: Pool;
  let trail: AuditTrail;
  let lookups: TestLookups;

  beforeAll(async () => {
    await ensureDatabase(url);
    pool = new Pool({ connectionString: url, max: 2 });
    await migrate(pool, AUDIT_MIGRATIONS);
  });
  afterAll(() => pool.end());

  beforeEach(() => {
    trail = new AuditTrail({ databaseUrl: url, auditWriters: 2 } as RegistryConfig);
    lookups = new TestLookups();
    trail.travelWith(lookups);
  });
  afterEach(() => trail.onApplicationShutdown());

  const recordOf = (sub: string, pins: string[] = ['001000000001']): AuditRecord => ({
    at: new Date(),
    sub,
    role: 'historian',
    office: null,
    agency: 'vss',
    action: 'search',
    pins,
    purpose: 'card, "renewal" \\ 2',
  });
  const rowsOf = async (sub: string) =>
    (
      await pool.query(
        'SELECT sub, role, office, agency, action, pins, purpose, at FROM audit_records WHERE sub = $1',
        [sub],
      )
    ).rows;

  it('writes the records alone when no lookup waits to go out, every field as given', async () => {
    const sub = `alone-${randomUUID()}`;
    const pins = ['001000000001', '079000000002', 'not, a "PIN" \\'];
    const record = recordOf(sub, pins);
    // Text that JSON and array literals must escape, in every free-text field.
    const odd = { ...recordOf(sub), role: 'rôle\n"x"', office: 'Hà Nội\t\\', agency: '\u2028}]', purpose: null };
    await Promise.all([trail.record(record), trail.record(recordOf(sub, [])), trail.record(odd)]);
    const rows = await rowsOf(sub);
    expect(rows).toHaveLength(3);
    expect(rows).toContainEqual({ ...record, pins });
    expect(rows).toContainEqual(expect.objectContaining({ pins: [] }));
    expect(rows).toContainEqual(odd);
    // The records of one group commit are one row of audit_batches, in the order they were opened (ADR 0100).
    const batches = await pool.query(
      "SELECT records, pin_numbers, pins FROM audit_batches WHERE records::text LIKE '%' || $1 || '%'",
      [sub],
    );
    expect(batches.rows).toHaveLength(1);
    expect(batches.rows[0].records.map((entry: unknown[]) => entry[6])).toEqual([pins, [], ['001000000001']]);
    // Indexed: the PINs of digits as numbers, any other PIN as text (ADR 0120).
    expect(batches.rows[0].pin_numbers).toEqual(['1000000001', '79000000002', '1000000001']);
    expect(batches.rows[0].pins).toEqual(['not, a "PIN" \\']);
  });

  it('while a lookup waits to go out, the records wait for it and travel in its statement', async () => {
    lookups.queued = true;
    const sub = `carried-${randomUUID()}`;
    const recorded = Promise.all([trail.record(recordOf(sub)), trail.record(recordOf(sub))]);
    await turns();
    expect(await rowsOf(sub)).toEqual([]);
    const carried = lookups.carrier.carry(LOOKUP);
    expect(carried).toBeDefined();
    expect(await carried).toEqual([{ found: 'x' }]);
    await recorded;
    expect(await rowsOf(sub)).toHaveLength(2);
    // Nothing waits: the next lookup goes alone.
    expect(lookups.carrier.carry(LOOKUP)).toBeUndefined();
  });

  it('records left behind by a lookup that found every writer busy go alone as soon as one is free', async () => {
    // Each batch of `slow-` records holds its writer for a while (a trigger sleeps).
    await pool.query(`CREATE OR REPLACE FUNCTION audit_trail_slow_test() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.records::text LIKE '%"slow-%' THEN PERFORM pg_sleep(0.3); END IF; RETURN NEW; END $$`);
    await pool.query(`CREATE TRIGGER audit_trail_slow_test BEFORE INSERT ON audit_batches
      FOR EACH ROW EXECUTE FUNCTION audit_trail_slow_test()`);
    try {
      const subs = [`slow-${randomUUID()}`, `slow-${randomUUID()}`, `left-${randomUUID()}`];
      const recorded = [trail.record(recordOf(subs[0]))];
      await new Promise((resolve) => setImmediate(resolve)); // the first batch takes one writer
      recorded.push(trail.record(recordOf(subs[1])));
      await new Promise((resolve) => setImmediate(resolve)); // the second takes the other
      lookups.queued = true;
      recorded.push(trail.record(recordOf(subs[2])));
      await turns();
      expect(lookups.carrier.carry(LOOKUP)).toBeUndefined(); // every writer busy: the lookup goes alone
      lookups.queued = false;
      await Promise.all(recorded);
      for (const sub of subs) expect(await rowsOf(sub)).toHaveLength(1);
    } finally {
      await pool.query('DROP TRIGGER audit_trail_slow_test ON audit_batches');
    }
  });

  it('a batch that cannot be written fails its reads with 503, and the lookup that carried it is still answered', async () => {
    await pool.query(`CREATE OR REPLACE FUNCTION audit_trail_refuse_test() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.records::text LIKE '%"refused-%' THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$`);
    await pool.query(`CREATE TRIGGER audit_trail_refuse_test BEFORE INSERT ON audit_batches
      FOR EACH ROW EXECUTE FUNCTION audit_trail_refuse_test()`);
    try {
      lookups.queued = true;
      const sub = `refused-${randomUUID()}`;
      const recorded = trail.record(recordOf(sub));
      await turns();
      const carried = lookups.carrier.carry(LOOKUP);
      await expect(recorded).rejects.toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
      expect(await carried).toEqual([{ found: 'x' }]);
      lookups.queued = false;
      await expect(trail.record(recordOf(sub))).rejects.toMatchObject({ status: 503 });
      expect(await rowsOf(sub)).toEqual([]);
    } finally {
      await pool.query('DROP TRIGGER audit_trail_refuse_test ON audit_batches');
    }
  });

  it("finds a PIN's reads through its number, not those of a PIN that is the same number, and older batches through text", async () => {
    const digits = String(randomUUID().replace(/\D/g, '')).padEnd(10, '7').slice(0, 10);
    const pin = `00${digits}`; // the number loses the zeros: the same as `digits`
    const other = `not-a-pin-${randomUUID()}`;
    const [subs, earlier] = [[`own-${pin}`, `same-number-${digits}`, `text-${other}`], `earlier-${pin}`];
    // A batch written before ADR 0120: its PINs as text only.
    await pool.query(`INSERT INTO audit_batches (pins, records) VALUES (ARRAY[$1], $2::json)`, [
      pin,
      JSON.stringify([[Date.now(), earlier, 'historian', null, null, 'lookup', [pin], null]]),
    ]);
    await Promise.all([
      trail.record(recordOf(subs[0], [pin])),
      trail.record(recordOf(subs[1], [digits])),
      trail.record(recordOf(subs[2], [other])),
    ]);
    const log = new AuditLog(pool);
    const readers = async (of: string) => (await log.readsOf(of, 10)).items.map((item) => item.sub);
    expect(await readers(pin)).toEqual([subs[0], earlier]);
    expect(await readers(digits)).toEqual([subs[1]]);
    expect(await readers(other)).toEqual([subs[2]]);
  });
});
