import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Pool, type QueryResultRow } from 'pg';
import { HttpProblem, REGISTRY_CONFIG, type RegistryConfig } from '@registry/platform';
import type { LookupCarrier, LookupStatement } from '@registry/read-models';

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

/**
 * A record on its way to the log. Whoever answers the read waits for it with a callback, not a
 * promise: a lookup's answer waits for one of these, and promises (with their microtasks) were a
 * measurable share of what the audit cost the server per lookup.
 *
 * The record is encoded once, as it is opened, into its part of the batch's three parameters (ADR
 * 0100, 0120): its element of the batch's JSON array, its PINs of digits as elements of a bigint[]
 * literal and any other PIN as an element of a text[] literal. A batch is then strings joined,
 * which pg sends as they are.
 */
export class Recording {
  private settled = false;
  private error: unknown;
  private waiter?: (error?: unknown) => void;
  /** `[at, sub, role, office, agency, action, [pins], purpose]`, JSON (audit_batches.records). */
  readonly entry: string;
  /** The PINs of 1 to 18 digits, comma-separated, as bigint[] elements; '' for none (audit_batches.pin_numbers). */
  readonly pinNumbers: string;
  /** Any other PIN, quoted, comma-separated, as text[] elements; '' for none, as for every real PIN (audit_batches.pins). */
  readonly otherPins: string;

  constructor(record: AuditRecord) {
    this.entry = entryOf(record);
    if (record.pins.length === 1 && isPinNumber(record.pins[0])) {
      this.pinNumbers = record.pins[0];
      this.otherPins = '';
    } else {
      this.pinNumbers = record.pins.filter(isPinNumber).join(',');
      this.otherPins = record.pins
        .filter((pin) => !isPinNumber(pin))
        .map((text) => `"${text.replace(/[\\"]/g, '\\$&')}"`)
        .join(',');
    }
  }

  /** `done()` once the record is durable, `done(error)` if it cannot be written; at once if that is known already. One waiter. */
  whenWritten(done: (error?: unknown) => void): void {
    if (this.settled) done(this.error);
    else this.waiter = done;
  }

  settle(error?: unknown): void {
    this.settled = true;
    this.error = error;
    const waiter = this.waiter;
    this.waiter = undefined;
    try {
      waiter?.(error);
    } catch (thrown) {
      // One reader's failure to answer must not keep the others of the batch waiting.
      logger.error(`a read waiting for its audit record failed: ${(thrown as Error).message}`);
    }
  }
}

type Waiting = Recording;

/** Lookups that may carry the records waiting (CitizenRecords). */
interface Lookups {
  /** Lookups wait to go out: the next query leaves soon and may carry what waits here. */
  readonly queued: boolean;
  carryWith(carrier: LookupCarrier): void;
}

const MAX_BATCH = 500;
const logger = new Logger('AuditTrail');

/**
 * A batch as one row of audit_batches (ADR 0100, 0120), its three parameters numbered from
 * `$first`: the PINs that are not numbers as a text[] literal, the others as a bigint[] literal,
 * the records as a JSON array, all built by the server as text.
 */
function appendFrom(first: number): string {
  return `INSERT INTO audit_batches (pins, pin_numbers, records) VALUES ($${first}::text[], $${first + 1}::bigint[], $${first + 2}::json)`;
}
const APPEND = { name: 'audit_batches_append', text: appendFrom(1) };

/**
 * The audit log's writer, by group commit (ADR 0040): a read's answer waits until its record is
 * committed durably (synchronous_commit on, the WAL flushed: neither a crash of the registry nor
 * one of the database server loses the record of an answered read), but the records of all reads
 * that arrive while the batches in flight and their flushes run go into the next batch together.
 * So a read costs one share of a flush, not a flush of its own, and the flush rate stays bounded
 * however many reads there are.
 *
 * A batch travels with a lookup when one is about to go out (ADR 0085): the lookup's statement and
 * the INSERT become one statement, sent on the writer's connection and committed durably there,
 * so the records cost no round trip of their own. Records wait for a lookup while one waits to go
 * out (CitizenRecords.queued); else, or when every writer was busy as it left, they go alone as
 * soon as a writer is free.
 */
@Injectable()
export class AuditTrail implements OnApplicationShutdown, LookupCarrier {
  private waiting: Waiting[] = [];
  /** Batches being written, alone or with a lookup: at most writerCount. */
  private readonly writers = new Set<Promise<void>>();
  private flushScheduled = false;
  private lookups?: Lookups;
  /** The statement of a lookup with a batch, by the lookup's statement name. */
  private readonly withLookup = new Map<string, string>();
  /** The warm-up's rehearsal runs (rehearse): batches go out with no rows. */
  private rehearsing = false;

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
      idleTimeoutMillis: config.databaseIdleTimeoutMs,
      options: '-c synchronous_commit=on',
    });
    this.pool.on('error', (error) => logger.warn(`idle audit connection lost: ${error.message}`));
  }

  /** From now on, the records waiting travel with the lookups of `lookups` when they can. */
  travelWith(lookups: Lookups): void {
    this.lookups = lookups;
    lookups.carryWith(this);
  }

  /** The record, written durably: resolves once it is, rejects (503) if it cannot be. */
  record(record: AuditRecord): Promise<void> {
    return new Promise((resolve, reject) =>
      this.open(record).whenWritten((error) => (error ? reject(error) : resolve())),
    );
  }

  /** The record, on its way: the caller waits for it with `whenWritten` before the read's answer leaves. */
  open(record: AuditRecord): Recording {
    const recording = new Recording(record);
    this.waiting.push(recording);
    // Not at once: a lookup asked for in this turn (the guard opens a lookup's record before
    // the controller asks for the citizen) goes out at the end of the turn and carries it.
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flush);
    }
    return recording;
  }

  /** LookupCarrier: the lookup goes out with the records waiting when a writer is free. */
  carry<R extends QueryResultRow>(lookup: LookupStatement): Promise<R[]> | undefined {
    if (this.waiting.length === 0 || this.writers.size >= this.writerCount) return undefined;
    const rows = this.write<R>(this.waiting.splice(0, MAX_BATCH), lookup);
    this.occupy(rows);
    return rows;
  }

  /** Opens the writers' connections ahead of the first read (the API's warm-up, ADR 0031). */
  async connect(): Promise<void> {
    await Promise.all(Array.from({ length: this.writerCount }, () => this.pool.query('SELECT 1')));
  }

  /**
   * Runs `work`, the requests the process sends itself before it listens (the warm-up's rehearsal,
   * ADR 0115), with every batch built but not written: this code runs as under load (a lookup a
   * batch carries goes out alone, on the writer's connection), yet no synthetic read is recorded.
   * `work` must have had every request answered; the batches still in flight end before this
   * does, and only then are records written again.
   */
  async rehearse<T>(work: () => Promise<T>): Promise<T> {
    this.rehearsing = true;
    try {
      return await work();
    } finally {
      while (this.writers.size > 0 || this.waiting.length > 0) {
        this.flush();
        await (this.writers.size > 0 ? Promise.all(this.writers) : new Promise((turn) => setImmediate(turn)));
      }
      this.rehearsing = false;
    }
  }

  /** After the HTTP server has closed: records of the last reads are written, then the connection closes. */
  async onApplicationShutdown(): Promise<void> {
    this.lookups = undefined;
    this.flush();
    while (this.writers.size > 0) await Promise.all(this.writers);
    await this.pool.end();
  }

  /** Batches alone for what waits, unless a lookup waiting to go out will carry it. */
  private readonly flush = (): void => {
    this.flushScheduled = false;
    if (this.lookups?.queued) return;
    while (this.waiting.length > 0 && this.writers.size < this.writerCount) {
      this.occupy(this.write<QueryResultRow>(this.waiting.splice(0, MAX_BATCH)));
    }
  };

  private occupy(batch: Promise<unknown>): void {
    const writer: Promise<void> = batch.then(
      () => this.release(writer),
      () => this.release(writer),
    );
    this.writers.add(writer);
  }

  private release(writer: Promise<void>): void {
    this.writers.delete(writer);
    this.flush();
  }

  /** Writes a batch, alone or in one statement with a lookup; answers the lookup's rows either way. */
  private async write<R extends QueryResultRow>(batch: readonly Waiting[], lookup?: LookupStatement): Promise<R[]> {
    try {
      const columns = columnsOf(batch);
      // A rehearsal builds the batch but writes nothing: a lookup it carries goes alone (ADR 0115).
      const statement = this.rehearsing
        ? lookup
        : lookup
          ? { name: `${lookup.name}+audit`, text: this.textWith(lookup), values: [...lookup.values, ...columns] }
          : { ...APPEND, values: columns };
      const rows = statement ? (await this.pool.query<R>(statement)).rows : [];
      for (const w of batch) w.settle();
      return rows;
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
      for (const w of batch) w.settle(unavailable);
      // The lookup is answered whatever became of the records (its own failure fails it).
      return lookup ? (await this.pool.query<R>(lookup)).rows : [];
    }
  }

  /** The lookup's statement with a batch's INSERT as a data-modifying WITH: run once, whatever the lookup finds. */
  private textWith(lookup: LookupStatement): string {
    let text = this.withLookup.get(lookup.name);
    if (text === undefined) {
      text = `WITH audit_appended AS (${appendFrom(lookup.values.length + 1)}) ${lookup.text}`;
      this.withLookup.set(lookup.name, text);
    }
    return text;
  }
}

/** The batch's three parameters: its other PINs as a text[] literal, its PIN numbers as a bigint[] one, its records as a JSON array. */
function columnsOf(batch: readonly Waiting[]): [string, string, string] {
  let others = '';
  let numbers = '';
  let records = '';
  for (let i = 0; i < batch.length; i++) {
    const { entry, pinNumbers, otherPins } = batch[i];
    records = i === 0 ? entry : `${records},${entry}`;
    if (pinNumbers) numbers = numbers ? `${numbers},${pinNumbers}` : pinNumbers;
    if (otherPins) others = others ? `${others},${otherPins}` : otherPins;
  }
  return [`{${others}}`, `{${numbers}}`, `[${records}]`];
}

/** One record as its element of the batch's JSON array (`at` in milliseconds: no date to format). */
function entryOf(r: AuditRecord): string {
  const pins = r.pins.length === 1 && isPinNumber(r.pins[0]) ? `["${r.pins[0]}"]` : JSON.stringify(r.pins);
  return (
    `[${r.at.getTime()},${JSON.stringify(r.sub)},${JSON.stringify(r.role)},${nullable(r.office)},` +
    `${nullable(r.agency)},${JSON.stringify(r.action)},${pins},${nullable(r.purpose)}]`
  );
}

function nullable(text: string | null): string {
  return text === null ? 'null' : JSON.stringify(text);
}

/**
 * A PIN indexed as a number: 1 to 18 digits (always within a bigint). Leading zeros are lost, so the number
 * only narrows the search: GET /v1/audit then matches the PIN as written (ADR 0120).
 */
export function isPinNumber(text: string): boolean {
  return /^[0-9]{1,18}$/.test(text);
}
