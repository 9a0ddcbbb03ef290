import { Pool } from 'pg';

/**
 * The least a lookup's audit can cost on this machine, for the ceiling server: the registry's
 * storage (one row of a batch's records and PINs, a GIN index on the PINs: ADR 0100) and its
 * durability (synchronous_commit on, the answer waits for the commit: ADR 0040), written by group
 * commit on two connections of its own (AUDIT_WRITERS' default), with nothing else: no token,
 * policy or merged lookups. What it costs the ceiling bounds what the audit can cost the registry.
 */
export class CeilingAudit {
  private waiting: Array<{ entry: string; pin: string; done: () => void; failed: (error: unknown) => void }> = [];
  private busy = 0;
  private scheduled = false;

  private constructor(
    private readonly pool: Pool,
    private readonly writers: number,
  ) {}

  static async open(url: string, writers = 2): Promise<CeilingAudit> {
    const pool = new Pool({ connectionString: url, max: writers, options: '-c synchronous_commit=on' });
    await pool.query(`CREATE TABLE IF NOT EXISTS bench_ceiling_audit_batches (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, pins text[] NOT NULL, records json NOT NULL)`);
    await pool.query(
      'CREATE INDEX IF NOT EXISTS bench_ceiling_audit_batches_pins ON bench_ceiling_audit_batches USING gin (pins)',
    );
    return new CeilingAudit(pool, writers);
  }

  /** Resolves once the record of a lookup of `pin` is durable. */
  record(pin: string): Promise<void> {
    const entry = `[${Date.now()},"bench-ceiling","historian",null,null,"lookup",["${pin}"],null]`;
    return new Promise((done, failed) => {
      this.waiting.push({ entry, pin, done, failed });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(this.flush);
      }
    });
  }

  close(): Promise<void> {
    return this.pool.end();
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    while (this.waiting.length > 0 && this.busy < this.writers) {
      const batch = this.waiting.splice(0, 500);
      this.busy++;
      this.pool
        .query({
          name: 'ceiling_audit_append',
          text: 'INSERT INTO bench_ceiling_audit_batches (pins, records) VALUES ($1::text[], $2::json)',
          values: [`{${batch.map((r) => r.pin).join(',')}}`, `[${batch.map((r) => r.entry).join(',')}]`],
        })
        .then(
          () => batch.forEach((r) => r.done()),
          (error: unknown) => batch.forEach((r) => r.failed(error)),
        )
        .finally(() => {
          this.busy--;
          this.flush();
        });
    }
  };
}
