import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { columnIndexes, recordOf, type LegacyRecord } from './legacy-columns';

/** One data row: its number (1 = the first row after the header), its cells by column, or null when unreadable. */
export interface LegacyRow {
  readonly rowNumber: number;
  readonly record: LegacyRecord | null;
}

/** Consecutive rows, with how much of the file has been read by then (for progress and ETA). */
export interface LegacyRowBatch {
  readonly rows: readonly LegacyRow[];
  readonly bytesRead: number;
}

/**
 * Streams the rows of an export (RFC 4180, UTF-8, optional BOM) in constant memory, a batch at
 * a time (one promise per batch, not per row: at a million rows that is most of the cost). A
 * row with another number of cells than the header comes with `record: null`; a header that is
 * not the export's stops the file (LegacyHeaderInvalid).
 */
export async function* legacyRowBatches(path: string, batchSize = 1000): AsyncGenerator<LegacyRowBatch> {
  const input = createReadStream(path, { highWaterMark: 1 << 20 });
  let bytesRead = 0;
  input.on('data', (chunk) => (bytesRead += chunk.length));
  const parser = input.pipe(parse({ bom: true, relax_column_count: true, skip_empty_lines: true }));
  let indexes: ReturnType<typeof columnIndexes> | undefined;
  let rowNumber = 0;
  let rows: LegacyRow[] = [];
  for await (const cells of parser as AsyncIterable<string[]>) {
    if (!indexes) {
      indexes = columnIndexes(cells);
      continue;
    }
    rowNumber += 1;
    rows.push({ rowNumber, record: cells.length === indexes.size ? recordOf(cells, indexes) : null });
    if (rows.length >= batchSize) {
      yield { rows, bytesRead };
      rows = [];
    }
  }
  if (!indexes) throw new Error(`${path} is empty: a legacy export starts with its header row`);
  if (rows.length > 0) yield { rows, bytesRead };
}
