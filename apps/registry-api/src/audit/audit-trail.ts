import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { HttpProblem, REGISTRY_CONFIG, type RegistryConfig } from '@registry/platform';

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
 * The audit log's writer, by group commit (ADR 0040): a read's answer waits until its record is
 * committed durably (synchronous_commit on, the WAL flushed: neither a crash of the registry nor
 * one of the database server loses the record of an answered read), but the records of all reads
 * that arrive while the INSERTs in flight and their flushes run go into the next INSERT together.
 * So a read costs one share of a flush, not a flush of its own, and the flush rate stays bounded
 * however many reads there are.
 */
@Injectable()
export class AuditTrail implements OnApplicationShutdown {
  private waiting: Waiting[] = [];
  private readonly writers = new Set<Promise<void>>();

  private readonly pool: Pool;
  /**
   * Batches in flight at once (AUDIT_WRITERS, 2 by default): while one waits for its WAL flush,
   * the next is already sent, so a read arriving then waits for one flush (PostgreSQL merges
   * concurrent flushes), not for two. Fewer writers make larger batches: less CPU, longer waits.
   */
  private readonly writerCount: number;

  constructor(@Inject(REGISTRY_CONFIG) config: RegistryConfig) {
    // One connection per writer. The commit is durable whatever the server's default: an
    // answered read's record must survive a crash of the server.
    this.writerCount = config.auditWriters;
    this.pool = new Pool({
      connectionString: config.databaseUrl,
      max: this.writerCount,
      options: '-c synchronous_commit=on',
    });
    this.pool.on('error', (error) => logger.warn(`idle audit connection lost: ${error.message}`));
  }

  record(record: AuditRecord): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ record, done: (error) => (error ? reject(error) : resolve()) });
      if (this.writers.size < this.writerCount) this.startWriter();
    });
  }

  /** Opens the writers' connections ahead of the first read (the API's warm-up, ADR 0031). */
  async connect(): Promise<void> {
    await Promise.all(Array.from({ length: this.writerCount }, () => this.pool.query('SELECT 1')));
  }

  /** After the HTTP server has closed: records of the last reads are written, then the connection closes. */
  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.writers);
    await this.pool.end();
  }

  private startWriter(): void {
    const writer: Promise<void> = this.writeAll().finally(() => this.writers.delete(writer));
    this.writers.add(writer);
  }

  private async writeAll(): Promise<void> {
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0, MAX_BATCH);
      try {
        await this.insert(batch.map((w) => w.record));
        for (const w of batch) w.done();
      } catch (error) {
        // An unrecorded read is not answered (ADR 0016): the callers are told to retry. The
        // database's message stays in the log, which carries no PIN: it names the failure only.
        logger.error(`audit records not written: ${(error as Error).message}`);
        const unavailable = new HttpProblem(
          503,
          'SERVICE_UNAVAILABLE',
          'The read cannot be recorded now; retry shortly',
          [],
          {
            'retry-after': '1',
          },
        );
        for (const w of batch) w.done(unavailable);
      }
    }
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
