import { resolve } from 'node:path';
import { stat } from 'node:fs/promises';
import type { Pool, PoolClient } from 'pg';
import { copyIn } from '@registry/event-store';

/** A pool or a transaction's client: the checkpoint goes in the transaction of the work it records. */
type Queryable = Pick<PoolClient, 'query'>;

export type ImportPhase = 'check' | 'parents' | 'append' | 'rejects' | 'done';

/** An import of one file, as stored: its phase and durable checkpoints. */
export interface ImportRun {
  readonly runId: string;
  readonly phase: ImportPhase;
  readonly checkedThrough: number;
  readonly appendedThrough: number;
  readonly rowsTotal: number | null;
  readonly rowsImported: number;
}

/** A row as the checks that need the whole file see it. */
export interface StagedRow {
  readonly rowNumber: number;
  readonly pin: string | null;
  readonly motherPin: string | null;
  readonly fatherPin: string | null;
  readonly code: string | null;
}

interface RunRow {
  run_id: string;
  phase: ImportPhase;
  checked_through: string;
  appended_through: string;
  rows_total: string | null;
  rows_imported: string;
}

/**
 * The import's own tables (import_runs, import_rows): checkpoints that survive a crash, and the
 * rows the whole-file checks (duplicates, parents) run on in SQL, so the process keeps constant
 * memory whatever the file's size.
 */
export class ImportRuns {
  constructor(private readonly pool: Pool) {}

  /** The unfinished run of this very file (same path, size and modification time), or a new one. */
  async open(file: string, resume: boolean): Promise<ImportRun> {
    const { size, mtime } = await stat(file);
    const key = [resolve(file), size, mtime];
    const found = await this.pool.query<RunRow>(
      `SELECT * FROM import_runs WHERE file_path = $1 AND file_size = $2 AND file_modified = $3
          AND phase NOT IN ('done', 'abandoned') ORDER BY run_id DESC LIMIT 1`,
      key,
    );
    if (found.rows[0] && resume) return runOf(found.rows[0]);
    // Starting over is safe: the events' ids come from the rows, so nothing is imported twice.
    if (found.rows[0])
      await this.pool.query(`UPDATE import_runs SET phase = 'abandoned' WHERE run_id = $1`, [found.rows[0].run_id]);
    await this.dropAbandonedRows();
    const { rows } = await this.pool.query<RunRow>(
      `INSERT INTO import_runs (file_path, file_size, file_modified, phase) VALUES ($1, $2, $3, 'check') RETURNING *`,
      key,
    );
    const run = runOf(rows[0]);
    await this.pool.query(`CREATE TABLE ${rowsOf(run.runId)} PARTITION OF import_rows FOR VALUES IN (${run.runId})`);
    return run;
  }

  /** The staged rows of abandoned runs: their tables go. */
  private async dropAbandonedRows(): Promise<void> {
    const { rows } = await this.pool.query<{ run_id: string }>(
      `SELECT run_id FROM import_runs WHERE phase = 'abandoned' AND to_regclass('import_rows_' || run_id) IS NOT NULL`,
    );
    for (const { run_id } of rows) await this.pool.query(`DROP TABLE IF EXISTS ${rowsOf(run_id)}`);
  }

  /**
   * Stages checked rows and moves the checkpoint past them, in one transaction: the rows as
   * COPY rows of import_rows in binary format (stagedRowsCopy, built by a worker thread).
   */
  async stage(runId: string, rows: Uint8Array, checkedThrough: number): Promise<void> {
    await this.inTransaction(async (tx) => {
      // The checkpoint is in the same transaction: rows past it are never staged yet.
      await copyIn(
        tx,
        'COPY import_rows (run_id, row_number, pin, mother_pin, father_pin, code) FROM STDIN (FORMAT binary)',
        rows,
      );
      await tx.query(`UPDATE import_runs SET checked_through = $2, updated_at = now() WHERE run_id = $1`, [
        runId,
        checkedThrough,
      ]);
    });
  }

  async setPhase(runId: string, phase: ImportPhase, fields: { rowsTotal?: number } = {}): Promise<void> {
    await this.pool.query(
      `UPDATE import_runs SET phase = $2, rows_total = coalesce($3, rows_total), updated_at = now(),
              finished_at = CASE WHEN $2 = 'done' THEN now() END
        WHERE run_id = $1`,
      [runId, phase, fields.rowsTotal ?? null],
    );
  }

  /**
   * Statistics of the staged rows, before the whole-file checks: a table just filled by COPY has
   * none, and the planner, taking it for a few rows, would pick nested loops (quadratic in rows).
   */
  async analyze(runId: string): Promise<void> {
    await this.pool.query(`ANALYZE ${rowsOf(runId)}`);
  }

  /**
   * Rejects every row whose PIN appears more than once in the file. A well-formed PIN is that of
   * every row not refused for its PIN's shape (the row's first rule) nor unreadable.
   */
  async rejectDuplicatePins(runId: string): Promise<void> {
    await this.wholeFile((tx) =>
      tx.query(
        `UPDATE import_rows r SET code = 'PIN_DUPLICATE_IN_FILE'
           FROM (SELECT pin FROM import_rows
                  WHERE run_id = $1 AND pin IS NOT NULL AND code IS DISTINCT FROM 'PIN_MALFORMED'
                  GROUP BY pin HAVING count(*) > 1) repeated
          WHERE r.run_id = $1 AND r.code IS NULL AND r.pin = repeated.pin`,
        [runId],
      ),
    );
  }

  /** Parents named by accepted rows but not accepted rows themselves, not yet looked up: the registry must hold them. */
  async parentsOutsideFile(runId: string): Promise<string[]> {
    const { rows } = await this.wholeFile((tx) =>
      tx.query<{ pin: string }>(
        `SELECT DISTINCT p.pin FROM import_rows r
           CROSS JOIN LATERAL (VALUES (r.mother_pin), (r.father_pin)) AS p(pin)
          WHERE r.run_id = $1 AND r.code IS NULL AND p.pin IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM import_rows f WHERE f.run_id = $1 AND f.pin = p.pin AND f.code IS NULL)
            AND NOT EXISTS (SELECT 1 FROM import_registry_parents k WHERE k.run_id = $1 AND k.pin = p.pin)`,
        [runId],
      ),
    );
    return rows.map((row) => row.pin);
  }

  /** Whether parents of this run were looked up in the registry already (a resumed run). */
  async anyRegistryParents(runId: string): Promise<boolean> {
    const { rows } = await this.pool.query(`SELECT 1 FROM import_registry_parents WHERE run_id = $1 LIMIT 1`, [runId]);
    return rows.length > 0;
  }

  async rememberRegistryParents(runId: string, pins: readonly string[], found: readonly boolean[]): Promise<void> {
    await this.pool.query(
      `INSERT INTO import_registry_parents SELECT $1, * FROM unnest($2::text[], $3::boolean[]) ON CONFLICT DO NOTHING`,
      [runId, pins, found],
    );
  }

  /**
   * Rejects rows whose mother or father is neither an accepted row of the file nor in the
   * registry (as looked up so far). Returns how many rows it rejected: a rejected parent takes
   * its children along, so the caller repeats until none. Each row's parents as rows of their
   * own, then one anti join with the accepted PINs: PostgreSQL hashes the run once and probes it
   * per parent. (Four outer joins, one per parent and source, made the planner sort the run four
   * times by PIN for merge joins: four times slower.)
   */
  async rejectMissingParents(runId: string): Promise<number> {
    const { rowCount } = await this.wholeFile((tx) =>
      tx.query(
        `UPDATE import_rows r SET code = 'PARENT_NOT_FOUND'
           FROM (SELECT DISTINCT c.row_number FROM import_rows c
                  CROSS JOIN LATERAL (VALUES (c.mother_pin), (c.father_pin)) AS p(pin)
                  WHERE c.run_id = $1 AND c.code IS NULL AND p.pin IS NOT NULL
                    AND NOT EXISTS (SELECT 1 FROM import_rows a WHERE a.run_id = $1 AND a.pin = p.pin AND a.code IS NULL)
                    AND NOT EXISTS (SELECT 1 FROM import_registry_parents k
                                     WHERE k.run_id = $1 AND k.pin = p.pin AND k.found)) missing
          WHERE r.run_id = $1 AND r.row_number = missing.row_number`,
        [runId],
      ),
    );
    return rowCount ?? 0;
  }

  /** Rows of [from, to] not to append: rejected by the checks or by an earlier attempt. */
  async rejectedBetween(runId: string, from: number, to: number): Promise<Set<number>> {
    const { rows } = await this.pool.query<{ row_number: string }>(
      `SELECT row_number FROM import_rows WHERE run_id = $1 AND row_number BETWEEN $2 AND $3 AND code IS NOT NULL`,
      [runId, from, to],
    );
    return new Set(rows.map((row) => Number(row.row_number)));
  }

  async reject(runId: string, rowNumbers: readonly number[], code: string, tx: Queryable = this.pool): Promise<void> {
    if (rowNumbers.length === 0) return;
    await tx.query(`UPDATE import_rows SET code = $3 WHERE run_id = $1 AND row_number = ANY($2::bigint[])`, [
      runId,
      rowNumbers,
      code,
    ]);
  }

  /** Every row through `appendedThrough` is in the store; `imported` more rows were written (or found). */
  async appended(runId: string, appendedThrough: number, imported: number, tx: Queryable = this.pool): Promise<void> {
    await tx.query(
      `UPDATE import_runs SET appended_through = $2, rows_imported = rows_imported + $3, updated_at = now()
        WHERE run_id = $1`,
      [runId, appendedThrough, imported],
    );
  }

  /** Rejected rows in file order, a page at a time (keyset on the row number). */
  async *rejectedRows(runId: string, pageSize = 10_000): AsyncGenerator<StagedRow> {
    let after = 0;
    for (;;) {
      const { rows } = await this.pool.query<{ row_number: string; pin: string | null; code: string }>(
        `SELECT row_number, pin, code FROM import_rows WHERE run_id = $1 AND code IS NOT NULL AND row_number > $2
          ORDER BY row_number LIMIT $3`,
        [runId, after, pageSize],
      );
      for (const row of rows) {
        yield { rowNumber: Number(row.row_number), pin: row.pin, motherPin: null, fatherPin: null, code: row.code };
      }
      if (rows.length < pageSize) return;
      after = Number(rows[rows.length - 1].row_number);
    }
  }

  async rejectionCounts(runId: string): Promise<Map<string, number>> {
    const { rows } = await this.pool.query<{ code: string; count: string }>(
      `SELECT code, count(*) FROM import_rows WHERE run_id = $1 AND code IS NOT NULL GROUP BY code ORDER BY code`,
      [runId],
    );
    return new Map(rows.map((row) => [row.code, Number(row.count)]));
  }

  /** The run is done: its counts stay in import_runs, its rows go. */
  async finish(runId: string, rejected: number): Promise<void> {
    await this.inTransaction(async (tx) => {
      await tx.query(`UPDATE import_runs SET rows_rejected = $2 WHERE run_id = $1`, [runId, rejected]);
      await tx.query(`DROP TABLE ${rowsOf(runId)}`);
      await tx.query(`DELETE FROM import_registry_parents WHERE run_id = $1`, [runId]);
    });
    await this.setPhase(runId, 'done');
  }

  async reload(runId: string): Promise<ImportRun> {
    const { rows } = await this.pool.query<RunRow>(`SELECT * FROM import_runs WHERE run_id = $1`, [runId]);
    return runOf(rows[0]);
  }

  /**
   * A statement over the whole run: memory to hash and sort it (instead of spilling to disk at
   * the server's few megabytes), and no JIT (compiling took longer than these plans run).
   */
  private wholeFile<T>(work: (tx: PoolClient) => Promise<T>): Promise<T> {
    return this.inTransaction(async (tx) => {
      await tx.query(`SET LOCAL work_mem = '256MB'; SET LOCAL jit = off`);
      return work(tx);
    });
  }

  private async inTransaction<T>(work: (tx: PoolClient) => Promise<T>): Promise<T> {
    const tx = await this.pool.connect();
    try {
      await tx.query('BEGIN');
      const result = await work(tx);
      await tx.query('COMMIT');
      return result;
    } catch (error) {
      await tx.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      tx.release();
    }
  }
}

function runOf(row: RunRow): ImportRun {
  return {
    runId: row.run_id,
    phase: row.phase,
    checkedThrough: Number(row.checked_through),
    appendedThrough: Number(row.appended_through),
    rowsTotal: row.rows_total === null ? null : Number(row.rows_total),
    rowsImported: Number(row.rows_imported),
  };
}

/** The run's own table of staged rows (a partition of import_rows). */
function rowsOf(runId: string): string {
  if (!/^\d+$/.test(runId)) throw new Error(`Not a run id: ${runId}`);
  return `import_rows_${runId}`;
}
