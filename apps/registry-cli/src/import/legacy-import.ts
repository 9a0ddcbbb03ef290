import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import { once } from 'node:events';
import type { Pool } from 'pg';
import { citizenStream } from '@registry/domain';
import { PostgresEventStore, StreamNotFoundError, type EventStore, type NewStreamsCopy } from '@registry/event-store';
import { ImportRuns, type ImportPhase, type ImportRun } from './import-runs';
import { acceptedStreams } from './legacy-batch';
import { LegacyEncoders } from './legacy-encoders';
import { legacyBatches, rowsOf, type LegacyBatch } from './legacy-file';
import { LegacyEvents } from './legacy-event';
import { importedFromRow } from './legacy-row';

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
  /** Worker threads that read, check and encode the rows (default: one per core, at most 2). */
  readonly workers?: number;
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
/** Batches given to the workers ahead of the one being written: enough to keep every worker busy, few for memory. */
const BATCHES_AHEAD_PER_WORKER = 2;

/** One worker per core, at most two: PostgreSQL's backend needs a core of its own at import speed. */
export function defaultWorkers(): number {
  return Math.min(2, availableParallelism());
}

/**
 * `npm run import -- <file.csv>`: the legacy register into the event store, one CitizenImported
 * opening each citizen's stream. Phases, each resumable from a checkpoint in import_runs:
 * check (every row against the rules, staged), parents (duplicates and parents over the whole
 * file, in SQL), append (the accepted rows in bulk), rejects (the rejects file).
 */
export class LegacyImport {
  private readonly runs: ImportRuns;
  private readonly events: LegacyEvents;
  private workers?: LegacyEncoders;

  constructor(
    pool: Pool,
    private readonly store: EventStore,
    private readonly options: ImportOptions,
  ) {
    this.runs = new ImportRuns(pool);
    this.events = new LegacyEvents(basename(options.file));
  }

  async run(): Promise<ImportSummary> {
    const started = performance.now();
    let run = await this.runs.open(this.options.file, this.options.resume);
    try {
      if (run.phase === 'check') run = await this.check(run);
      if (run.phase === 'parents') run = await this.resolveParents(run);
      if (run.phase === 'append') run = await this.append(run);
    } finally {
      await this.workers?.close();
    }
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
   * verdict. Workers check the next batches while the last one is being staged.
   */
  private async check(run: ImportRun): Promise<ImportRun> {
    let last = run.checkedThrough;
    const encoders = this.encoders();
    const staging = new OneAtATime();
    const ahead = new InOrder<BatchToStage>(this.batchesAhead);
    const stage = async ({ through, staged }: BatchToStage) => {
      const { count, copy } = await staged;
      if (count > 0) await staging.next(() => this.runs.stage(run.runId, copy, through));
    };
    for await (const batch of this.batches('check')) {
      const through = batch.firstRow + batch.count - 1;
      last = through;
      if (through <= run.checkedThrough) continue;
      const staged = encoders.run({ kind: 'check', runId: run.runId, batch, after: run.checkedThrough });
      const due = ahead.push({ through, staged });
      if (due) await stage(due);
    }
    for (const due of ahead.drain()) await stage(due);
    await staging.done();
    await this.runs.setPhase(run.runId, 'parents', { rowsTotal: last });
    return this.runs.reload(run.runId);
  }

  /** Duplicates in the file, then parents: an accepted row of the file or a citizen of the registry. */
  private async resolveParents(run: ImportRun): Promise<ImportRun> {
    this.options.onProgress?.({ phase: 'parents', rows: 0, bytesRead: 0, fileBytes: 0 });
    await this.runs.analyze(run.runId);
    await this.runs.rejectDuplicatePins(run.runId);
    for (let first = true; ; first = false) {
      const outside = await this.runs.parentsOutsideFile(run.runId);
      // Every parent an accepted row of the file, none looked up before: no row misses a parent
      // (the usual export; the anti join below would scan the whole run for nothing).
      if (first && outside.length === 0 && !(await this.runs.anyRegistryParents(run.runId))) break;
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
   * after the last batch committed. Workers build the next batches while one is written.
   */
  private async append(run: ImportRun): Promise<ImportRun> {
    const encoders = this.encoders();
    const writing = new OneAtATime();
    const ahead = new InOrder<BatchToWrite>(this.batchesAhead);
    const write = async (due: BatchToWrite) => writing.next(await this.batchWriter(run.runId, due));
    for await (const batch of this.batches('append')) {
      const through = batch.firstRow + batch.count - 1;
      if (through <= run.appendedThrough) continue;
      const from = Math.max(batch.firstRow, run.appendedThrough + 1);
      const skip = await this.runs.rejectedBetween(run.runId, from, through);
      // Rows an earlier attempt appended (a batch across the checkpoint) are left out too.
      for (let row = batch.firstRow; row < from; row++) skip.add(row);
      const encoded =
        this.store instanceof PostgresEventStore ? encoders.run({ kind: 'append', batch, skip: [...skip] }) : null;
      const due = ahead.push({ batch, through, skip, encoded });
      if (due) await write(due);
    }
    for (const due of ahead.drain()) await write(due);
    await writing.done();
    await this.runs.setPhase(run.runId, 'rejects');
    return this.runs.reload(run.runId);
  }

  /** The batch's streams and checkpoint, written when the returned work runs. */
  private async batchWriter(runId: string, due: BatchToWrite): Promise<() => Promise<void>> {
    const { batch, through, skip } = due;
    const store = this.store;
    if (store instanceof PostgresEventStore) {
      const { count, encoded } = await due.encoded!;
      if (!encoded) return () => this.runs.appended(runId, through, 0);
      // A worker encoded the streams; their texts are built here only if the bulk falls back to
      // the per-stream path (a stream exists: a re-import), which needs them and their rows.
      let built: ReturnType<typeof acceptedStreams> | undefined;
      const accepted = () => (built ??= acceptedStreams(batch, skip, this.events, this.options.today));
      const streams = {
        count,
        encoded,
        streamId: (i: number) => accepted().streams.streamId(i),
        text: (i: number) => accepted().streams.text(i),
      };
      return async () => {
        await store.openStreamsInBulk(streams, async (tx, { refused }) => {
          // The PIN is already the registry's, with other facts (a birth, another export's row).
          const taken = refused.map(({ index }) => accepted().accepted[index].rowNumber);
          await this.runs.reject(runId, taken, 'PIN_ALREADY_REGISTERED', tx);
          await this.runs.appended(runId, through, count - taken.length, tx);
        });
      };
    }
    // Another store (KurrentDB): the port's bulk append, then the checkpoint; after a crash the
    // batches past the checkpoint are appended again and answered as the duplicates they are.
    const accepted = rowsOf(batch).filter((row) => !skip.has(row.rowNumber));
    if (accepted.length === 0) return () => this.runs.appended(runId, through, 0);
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

  private get batchesAhead(): number {
    return this.workerCount * BATCHES_AHEAD_PER_WORKER;
  }

  private get workerCount(): number {
    return this.options.workers ?? defaultWorkers();
  }

  /**
   * The run's worker threads, started once (loading their code costs about a quarter of a CPU-second each
   * when the import runs from source) and stopped when the run ends or fails.
   */
  private encoders(): LegacyEncoders {
    this.workers ??= new LegacyEncoders(this.workerCount, {
      file: basename(this.options.file),
      today: this.options.today,
    });
    return this.workers;
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

  private async *batches(phase: ImportPhase): AsyncGenerator<LegacyBatch> {
    const fileBytes = (await stat(this.options.file)).size;
    this.options.onProgress?.({ phase, rows: 0, bytesRead: 0, fileBytes });
    for await (const batch of legacyBatches(this.options.file, this.batchSize)) {
      yield batch;
      const rows = batch.firstRow + batch.count - 1;
      this.options.onProgress?.({ phase, rows, bytesRead: batch.bytesRead, fileBytes });
    }
  }
}

/** A batch of the check pass on its way: a worker's verdicts, as COPY rows. */
interface BatchToStage {
  readonly through: number;
  readonly staged: Promise<{ count: number; copy: Uint8Array }>;
}

/** A batch of the append pass on its way: the rows to leave out, and a worker's encoding (PostgreSQL). */
interface BatchToWrite {
  readonly batch: LegacyBatch;
  readonly through: number;
  readonly skip: ReadonlySet<number>;
  readonly encoded: Promise<{ count: number; encoded: NewStreamsCopy | null }> | null;
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

/**
 * Work handed out ahead, taken back in order: `push` returns the oldest piece once more than
 * `ahead` are out, `drain` the rest.
 */
class InOrder<T> {
  private readonly out: T[] = [];

  constructor(private readonly ahead: number) {}

  push(piece: T): T | undefined {
    this.out.push(piece);
    return this.out.length > this.ahead ? this.out.shift() : undefined;
  }

  drain(): T[] {
    return this.out.splice(0);
  }
}
