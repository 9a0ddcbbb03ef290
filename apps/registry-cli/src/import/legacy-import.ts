import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { once } from 'node:events';
import type { Pool } from 'pg';
import { citizenStream } from '@registry/domain';
import { PostgresEventStore, StreamNotFoundError, type EventStore, type NewStreamTexts } from '@registry/event-store';
import { ImportRuns, type ImportPhase, type ImportRun, type StagedRow } from './import-runs';
import { legacyRowBatches, type LegacyRow } from './legacy-file';
import { LegacyEvents } from './legacy-event';
import { importedFromRow, RowRejected } from './legacy-row';

export interface ImportProgress {
  readonly phase: ImportPhase;
  /** Data rows read in this phase (or rejects written). */
  readonly rows: number;
  readonly bytesRead: number;
  readonly fileBytes: number;
}

export interface ImportOptions {
  readonly file: string;
  readonly resume: boolean;
  /** The civil date of the import (the events' `importedOn`). */
  readonly today: string;
  /** Rows per transaction: staged rows or opened streams, with their checkpoint. */
  readonly batchSize?: number;
  readonly onProgress?: (progress: ImportProgress) => void;
}

export interface ImportSummary {
  readonly rows: number;
  /** Rows whose citizen is in the store (written now or by an earlier run of this file). */
  readonly imported: number;
  readonly rejected: number;
  readonly rejectedByCode: ReadonlyMap<string, number>;
  readonly rejectsFile: string;
  readonly seconds: number;
}

const REGISTRY_LOOKUPS = 8;
/** Rows per transaction: large enough that a commit is rare, small enough that readers wait little (DESIGN §4). */
export const DEFAULT_BATCH = 10_000;

/**
 * `npm run import -- <file.csv>`: the legacy register into the event store, one CitizenImported
 * opening each citizen's stream. Phases, each resumable from a checkpoint in import_runs:
 * check (every row against the rules, staged), parents (duplicates and parents over the whole
 * file, in SQL), append (the accepted rows in bulk), rejects (the rejects file).
 */
export class LegacyImport {
  private readonly runs: ImportRuns;
  private readonly events: LegacyEvents;

  constructor(
    pool: Pool,
    private readonly store: EventStore,
    private readonly options: ImportOptions,
  ) {
    this.runs = new ImportRuns(pool);
    this.events = new LegacyEvents(basename(options.file), options.today);
  }

  async run(): Promise<ImportSummary> {
    const started = performance.now();
    let run = await this.runs.open(this.options.file, this.options.resume);
    if (run.phase === 'check') run = await this.check(run);
    if (run.phase === 'parents') run = await this.resolveParents(run);
    if (run.phase === 'append') run = await this.append(run);
    const rejectedByCode = await this.runs.rejectionCounts(run.runId);
    const rejected = [...rejectedByCode.values()].reduce((a, b) => a + b, 0);
    await this.writeRejects(run);
    await this.runs.finish(run.runId, rejected);
    return {
      rows: run.rowsTotal ?? 0,
      imported: run.rowsImported,
      rejected,
      rejectedByCode,
      rejectsFile: this.rejectsFile,
      seconds: (performance.now() - started) / 1000,
    };
  }

  private get batchSize(): number {
    return this.options.batchSize ?? DEFAULT_BATCH;
  }

  get rejectsFile(): string {
    return `${this.options.file}.rejected.csv`;
  }

  /**
   * Every row against the rules a row meets on its own; staged with its PIN, parents and
   * verdict. The next batch is read and checked while the last one is being staged.
   */
  private async check(run: ImportRun): Promise<ImportRun> {
    let last = run.checkedThrough;
    const staging = new OneAtATime();
    for await (const rows of this.rows('check', this.batchSize)) {
      const through = rows[rows.length - 1].rowNumber;
      last = through;
      const staged = rows.filter((row) => row.rowNumber > run.checkedThrough).map((row) => this.verdict(row));
      if (staged.length > 0) await staging.next(() => this.runs.stage(run.runId, staged, through));
    }
    await staging.done();
    await this.runs.setPhase(run.runId, 'parents', { rowsTotal: last });
    return this.runs.reload(run.runId);
  }

  private verdict({ rowNumber, record }: LegacyRow): StagedRow {
    if (!record) return { rowNumber, pin: null, motherPin: null, fatherPin: null, code: 'ROW_MALFORMED' };
    const pin = record.pin.trim().slice(0, 64) || null;
    try {
      const { data } = importedFromRow(record, this.options.today);
      return { rowNumber, pin, motherPin: data.motherPin, fatherPin: data.fatherPin, code: null };
    } catch (error) {
      if (!(error instanceof RowRejected)) throw error;
      return { rowNumber, pin, motherPin: null, fatherPin: null, code: error.code };
    }
  }

  /** Duplicates in the file, then parents: an accepted row of the file or a citizen of the registry. */
  private async resolveParents(run: ImportRun): Promise<ImportRun> {
    this.options.onProgress?.({ phase: 'parents', rows: 0, bytesRead: 0, fileBytes: 0 });
    await this.runs.analyze(run.runId);
    await this.runs.rejectDuplicatePins(run.runId);
    for (;;) {
      const outside = await this.runs.parentsOutsideFile(run.runId);
      if (outside.length > 0) {
        await this.runs.rememberRegistryParents(run.runId, outside, await this.inRegistry(outside));
      }
      const rejected = await this.runs.rejectMissingParents(run.runId);
      if (rejected === 0 && outside.length === 0) break;
    }
    await this.runs.setPhase(run.runId, 'append');
    return this.runs.reload(run.runId);
  }

  /** Whether each PIN's stream exists, asked through the event store port (a few at a time). */
  private async inRegistry(pins: readonly string[]): Promise<boolean[]> {
    const found = new Array<boolean>(pins.length);
    let next = 0;
    const lookup = async () => {
      while (next < pins.length) {
        const i = next++;
        found[i] = await this.store.readStream(citizenStream(pins[i]), { maxCount: 1 }).then(
          () => true,
          (error: unknown) => {
            if (error instanceof StreamNotFoundError) return false;
            throw error;
          },
        );
      }
    };
    await Promise.all(Array.from({ length: REGISTRY_LOOKUPS }, lookup));
    return found;
  }

  /**
   * The accepted rows in bulk: each batch one transaction that opens its streams and moves the
   * checkpoint (PostgreSQL: COPY, openStreamsInBulk), so after a crash --resume starts exactly
   * after the last batch committed. The next batch is read and built while one is written.
   */
  private async append(run: ImportRun): Promise<ImportRun> {
    const writing = new OneAtATime();
    for await (const rows of this.rows('append', this.batchSize)) {
      const batch = rows.filter((row) => row.rowNumber > run.appendedThrough);
      if (batch.length === 0) continue;
      const through = batch[batch.length - 1].rowNumber;
      const rejected = await this.runs.rejectedBetween(run.runId, batch[0].rowNumber, through);
      const accepted = batch.filter((row) => !rejected.has(row.rowNumber));
      await writing.next(this.batchWriter(run.runId, accepted, through));
    }
    await writing.done();
    await this.runs.setPhase(run.runId, 'rejects');
    return this.runs.reload(run.runId);
  }

  /** The batch's events, built now; written (with its checkpoint) when the returned work runs. */
  private batchWriter(runId: string, accepted: readonly LegacyRow[], through: number): () => Promise<void> {
    if (accepted.length === 0) return () => this.runs.appended(runId, through, 0);
    const store = this.store;
    if (store instanceof PostgresEventStore) {
      // Names now (the streams go in name order); each event's text as COPY writes it.
      const pins = accepted.map((row) => row.record!.pin.trim());
      const streams: NewStreamTexts = {
        count: accepted.length,
        streamId: (i) => citizenStream(pins[i]),
        text: (i) => this.events.text(importedFromRow(accepted[i].record!, this.options.today), accepted[i].rowNumber),
      };
      return async () => {
        await store.openStreamsInBulk(streams, async (tx, { refused }) => {
          // The PIN is already the registry's, with other facts (a birth, another export's row).
          const taken = refused.map(({ index }) => accepted[index].rowNumber);
          await this.runs.reject(runId, taken, 'PIN_ALREADY_REGISTERED', tx);
          await this.runs.appended(runId, through, accepted.length - taken.length, tx);
        });
      };
    }
    // Another store (KurrentDB): the port's bulk append, then the checkpoint; after a crash the
    // batches past the checkpoint are appended again and answered as the duplicates they are.
    const streams = accepted.map((row) =>
      this.events.stream(importedFromRow(row.record!, this.options.today), row.rowNumber),
    );
    return async () => {
      const outcomes = await store.appendToNewStreams(streams);
      const taken = outcomes.flatMap((outcome, i) => ('error' in outcome ? [accepted[i].rowNumber] : []));
      await this.runs.reject(runId, taken, 'PIN_ALREADY_REGISTERED');
      await this.runs.appended(runId, through, accepted.length - taken.length);
    };
  }

  /** `<file>.rejected.csv`: row number, PIN and code of every rejected row, in file order. */
  private async writeRejects(run: ImportRun): Promise<void> {
    const out = createWriteStream(this.rejectsFile);
    out.write('row,pin,code\n');
    let rows = 0;
    for await (const row of this.runs.rejectedRows(run.runId)) {
      if (!out.write(`${row.rowNumber},${csvCell(row.pin ?? '')},${row.code}\n`)) await once(out, 'drain');
      rows += 1;
    }
    out.end();
    await once(out, 'finish');
    this.options.onProgress?.({ phase: 'rejects', rows, bytesRead: 0, fileBytes: 0 });
  }

  private async *rows(phase: ImportPhase, batchSize: number): AsyncGenerator<readonly LegacyRow[]> {
    const fileBytes = (await stat(this.options.file)).size;
    this.options.onProgress?.({ phase, rows: 0, bytesRead: 0, fileBytes });
    for await (const { rows, bytesRead } of legacyRowBatches(this.options.file, batchSize)) {
      yield rows;
      this.options.onProgress?.({ phase, rows: rows[rows.length - 1].rowNumber, bytesRead, fileBytes });
    }
  }
}

/** RFC 4180: a cell with a comma, quote or line break is quoted, quotes doubled. */
function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * Database work one piece at a time, in order, while the caller prepares the next: `next`
 * waits for the piece before (and throws its error), then starts `work`.
 */
class OneAtATime {
  private last: Promise<void> = Promise.resolve();

  async next(work: () => Promise<void>): Promise<void> {
    await this.last;
    this.last = work();
    this.last.catch(() => undefined); // awaited by the next call or done(); not unhandled meanwhile
  }

  done(): Promise<void> {
    return this.last;
  }
}
