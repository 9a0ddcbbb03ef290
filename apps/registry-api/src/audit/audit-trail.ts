import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { PG_POOL } from '@registry/platform';

/** One read of personal data (API.md "Reads": who, role, office or agency, action, PINs, purpose, when). */
export interface AuditRecord {
  readonly at: Date;
  readonly sub: string;
  readonly role: string;
  readonly office: string | null;
  readonly agency: string | null;
  readonly action: string;
  readonly pins: readonly string[];
  readonly purpose: string | null;
}

interface Waiting {
  readonly record: AuditRecord;
  readonly done: (error?: unknown) => void;
}

const MAX_BATCH = 500;

/**
 * The audit log's writer, by group commit: a read waits until its record is stored (no answer
 * leaves unaudited, a crash loses none), but the records of all reads that arrive while one
 * INSERT runs go into the next INSERT together, so concurrent reads share one round trip.
 */
@Injectable()
export class AuditTrail {
  private waiting: Waiting[] = [];
  private writing = false;

  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  record(record: AuditRecord): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ record, done: (error) => (error ? reject(error) : resolve()) });
      if (!this.writing) void this.writeAll();
    });
  }

  private async writeAll(): Promise<void> {
    this.writing = true;
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0, MAX_BATCH);
      try {
        await this.insert(batch.map((w) => w.record));
        for (const w of batch) w.done();
      } catch (error) {
        for (const w of batch) w.done(error);
      }
    }
    this.writing = false;
  }

  private async insert(records: readonly AuditRecord[]): Promise<void> {
    await this.pool.query({
      name: 'audit_log_append',
      text: `INSERT INTO audit_log (at, sub, role, office, agency, action, pins, purpose)
             SELECT at, sub, role, office, agency, action, pins, purpose
               FROM jsonb_to_recordset($1::jsonb) AS r(at timestamptz, sub text, role text, office text,
                                                      agency text, action text, pins text[], purpose text)`,
      values: [JSON.stringify(records)],
    });
  }
}
