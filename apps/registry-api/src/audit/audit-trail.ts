import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { REGISTRY_CONFIG, type RegistryConfig } from '@registry/platform';

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
const logger = new Logger('AuditTrail');

/**
 * The audit log's writer, by group commit: a read waits until its record is committed and flushed
 * to disk (no answer leaves unaudited; a crash of the registry or of the database server loses
 * none), but the records of all reads that arrive while one INSERT runs go into the next INSERT
 * together, so one WAL flush covers a whole batch of reads (ADR 0032).
 */
@Injectable()
export class AuditTrail implements OnApplicationShutdown {
  private waiting: Waiting[] = [];
  private writing: Promise<void> | null = null;

  private readonly pool: Pool;

  constructor(@Inject(REGISTRY_CONFIG) config: RegistryConfig) {
    // Writes are serialized by the group commit: one connection is all it uses.
    this.pool = new Pool({ connectionString: config.databaseUrl, max: 1 });
    this.pool.on('error', (error) => logger.warn(`idle audit connection lost: ${error.message}`));
  }

  record(record: AuditRecord): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ record, done: (error) => (error ? reject(error) : resolve()) });
      this.writing ??= this.writeAll();
    });
  }

  /** Opens the audit's connection ahead of the first read (the API's warm-up). */
  async connect(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  /** After the HTTP server has closed: records of the last reads are written, then the connection closes. */
  async onApplicationShutdown(): Promise<void> {
    await this.writing;
    await this.pool.end();
  }

  private async writeAll(): Promise<void> {
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0, MAX_BATCH);
      try {
        await this.insert(batch.map((w) => w.record));
        for (const w of batch) w.done();
      } catch (error) {
        for (const w of batch) w.done(error);
      }
    }
    this.writing = null;
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
