import { Pool, type QueryResultRow } from 'pg';

interface Waiting {
  readonly entry: string;
  readonly pin: string;
  readonly done: (error?: unknown) => void;
}

export interface CeilingStatement {
  readonly name: string;
  readonly text: string;
  readonly values: unknown[];
}

const TABLE = 'bench_ceiling_audit_batches';

/**
 * The least a lookup's audit can cost on this machine, for the ceiling server: the registry's
 * storage (a group commit's records as one row, a GIN index on its PINs as numbers: ADR 0100, 0120), its
 * durability (synchronous_commit on; the answer waits for the commit: ADR 0040) and its way of
 * sending (the records waiting travel in the statement of a lookup when a writer is free, else
 * alone as soon as one is: ADR 0085), on AUDIT_WRITERS connections of its own (2 by default, as
 * the registry), with nothing else: no token, policy, Nest or merged lookups. What it costs the
 * ceiling is what a durable record per read costs a bare handler here.
 */
export class CeilingAudit {
  private waiting: Waiting[] = [];
  private busy = 0;
  private scheduled = false;

  private constructor(
    private readonly writers: Pool,
    private readonly writerCount: number,
  ) {}

  static async open(url: string, writerCount = 2): Promise<CeilingAudit> {
    const writers = new Pool({ connectionString: url, max: writerCount, options: '-c synchronous_commit=on' });
    // The registry's PINs are indexed as numbers (ADR 0120); a table of an earlier run had them as text.
    await writers.query(`CREATE TABLE IF NOT EXISTS ${TABLE} (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, pin_numbers bigint[], records json NOT NULL)`);
    await writers.query(`ALTER TABLE ${TABLE} ADD COLUMN IF NOT EXISTS pin_numbers bigint[]`);
    await writers.query(`ALTER TABLE ${TABLE} DROP COLUMN IF EXISTS pins`);
    await writers.query(`CREATE INDEX IF NOT EXISTS ${TABLE}_pin_numbers ON ${TABLE} USING gin (pin_numbers)`);
    return new CeilingAudit(writers, writerCount);
  }

  /**
   * The lookup of `pin` and its audit record: with the records waiting when a writer is free (one
   * statement, durable before its rows come back), else on `pool`; answers once the record is durable.
   */
  async lookup<R extends QueryResultRow>(pool: Pool, pin: string, statement: CeilingStatement): Promise<R[]> {
    const recorded = new Promise<void>((resolve, reject) =>
      this.waiting.push({
        entry: `[${Date.now()},"bench-ceiling","historian",null,null,"lookup",["${pin}"],null]`,
        pin,
        done: (error) => (error ? reject(error) : resolve()),
      }),
    );
    if (this.busy < this.writerCount) {
      // A writer is free: this lookup takes it, and leaves at the end of the turn with every
      // record opened in the turn (as the registry's merged lookups do), not with its own alone.
      this.busy++;
      await new Promise((resolve) => setImmediate(resolve));
      const [rows] = await Promise.all([this.write<R>(statement), recorded]);
      return rows;
    }
    const [{ rows }] = await Promise.all([pool.query<R>(statement), recorded]);
    return rows;
  }

  close(): Promise<void> {
    return this.writers.end();
  }

  /** The records waiting, alone or with a lookup's statement, on a writer taken by the caller; the lookup's rows. */
  private async write<R extends QueryResultRow>(lookup?: CeilingStatement): Promise<R[]> {
    const batch = this.waiting.splice(0, 500);
    if (batch.length === 0 && lookup) {
      // Its records went alone meanwhile: the lookup alone.
      this.busy--;
      return (await this.writers.query<R>(lookup)).rows;
    }
    const columns = [`{${batch.map((r) => r.pin).join(',')}}`, `[${batch.map((r) => r.entry).join(',')}]`];
    try {
      const { rows } = await this.writers.query<R>(
        lookup
          ? {
              name: `${lookup.name}+audit`,
              text: `WITH audit_appended AS (INSERT INTO ${TABLE} (pin_numbers, records) VALUES ($${lookup.values.length + 1}::bigint[], $${lookup.values.length + 2}::json)) ${lookup.text}`,
              values: [...lookup.values, ...columns],
            }
          : {
              name: 'ceiling_audit_append',
              text: `INSERT INTO ${TABLE} (pin_numbers, records) VALUES ($1::bigint[], $2::json)`,
              values: columns,
            },
      );
      batch.forEach((r) => r.done());
      return rows;
    } catch (error) {
      batch.forEach((r) => r.done(error));
      throw error;
    } finally {
      this.busy--;
      // Left behind by lookups that found every writer busy: alone, unless a lookup of the next turn takes them.
      if (this.waiting.length > 0 && !this.scheduled) {
        this.scheduled = true;
        setImmediate(this.flush);
      }
    }
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    while (this.waiting.length > 0 && this.busy < this.writerCount) {
      this.busy++;
      void this.write().catch(() => undefined);
    }
  };
}
