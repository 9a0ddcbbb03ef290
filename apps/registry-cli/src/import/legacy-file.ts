import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { CsvRecords } from './csv-records';
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
 * row with another number of cells than the header, or with broken quoting, comes with
 * `record: null`; a header that is not the export's stops the file (LegacyHeaderInvalid).
 */
export async function* legacyRowBatches(path: string, batchSize = 1000): AsyncGenerator<LegacyRowBatch> {
  const decoder = new StringDecoder('utf8');
  const records = new CsvRecords();
  let bytesRead = 0;
  let indexes: ReturnType<typeof columnIndexes> | undefined;
  let rowNumber = 0;
  let rows: LegacyRow[] = [];
  const take = function* (text: string, last: boolean): Generator<LegacyRowBatch> {
    for (const cells of records.read(text, last)) {
      if (!indexes) {
        indexes = columnIndexes(cells ?? []);
        continue;
      }
      rowNumber += 1;
      rows.push({ rowNumber, record: cells?.length === indexes.size ? recordOf(cells, indexes) : null });
      if (rows.length >= batchSize) {
        yield { rows, bytesRead };
        rows = [];
      }
    }
  };
  let first = true;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    bytesRead += chunk.length;
    let text = decoder.write(chunk);
    if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1); // the byte order mark
    first = false;
    yield* take(text, false);
  }
  yield* take(decoder.end(), true);
  if (!indexes) throw new Error(`${path} is empty: a legacy export starts with its header row`);
  if (rows.length > 0) yield { rows, bytesRead };
}
