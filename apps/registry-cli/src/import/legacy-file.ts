import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { CsvRecordBatches, CsvRecords } from './csv-records';
import { columnIndexes, recordReader, type LegacyRecord } from './legacy-columns';

/** One data row: its number (1 = the first row after the header), its cells by column, or null when unreadable. */
export interface LegacyRow {
  readonly rowNumber: number;
  readonly record: LegacyRecord | null;
}

/**
 * Consecutive rows of the export as their text, whole records only: cheap to cut on the main
 * thread and to hand to a worker thread, which reads them (rowsOf). Plain data (a message).
 */
export interface LegacyBatch {
  /** The file's header row, as read (the columns' order). */
  readonly header: readonly string[];
  /** The number of the batch's first row. */
  readonly firstRow: number;
  readonly count: number;
  readonly text: string;
  /** How much of the file has been read by then (for progress and ETA). */
  readonly bytesRead: number;
}

/**
 * Streams an export (RFC 4180, UTF-8, optional BOM) in constant memory, a batch of rows at a
 * time, as text cut at the records' ends (CsvRecordBatches). A header that is not the export's
 * stops the file (LegacyHeaderInvalid) before any batch.
 */
export async function* legacyBatches(path: string, batchSize = 1000): AsyncGenerator<LegacyBatch> {
  const decoder = new StringDecoder('utf8');
  const batches = new CsvRecordBatches(batchSize);
  let header: readonly string[] | undefined;
  let headerText = '';
  let bytesRead = 0;
  let firstRow = 1;
  const cut = function* (text: string, last: boolean): Generator<LegacyBatch> {
    if (!header) {
      // The header alone: its own "batch" of one record.
      headerText += text;
      const records = new CsvRecordBatches(1);
      const [first] = records.take(headerText, last);
      if (!first) return;
      header = [...new CsvRecords().read(first.text, true)][0] ?? [];
      columnIndexes(header); // throws LegacyHeaderInvalid
      text = headerText.slice(first.text.length);
      headerText = '';
    }
    for (const { text: rows, count } of batches.take(text, last)) {
      yield { header, firstRow, count, text: rows, bytesRead };
      firstRow += count;
    }
  };
  let first = true;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    bytesRead += chunk.length;
    let text = decoder.write(chunk);
    if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1); // the byte order mark
    first = false;
    yield* cut(text, false);
  }
  yield* cut(decoder.end(), true);
  if (!header) throw new Error(`${path} is empty: a legacy export starts with its header row`);
}

/** The batch's rows: a row with another number of cells than the header, or broken quoting, has `record: null`. */
export function rowsOf(batch: LegacyBatch): LegacyRow[] {
  return [...legacyRows(batch)];
}

/** The batch's rows one at a time (rowsOf), each dropped by the caller before the next is read. */
export function* legacyRows(batch: LegacyBatch): Generator<LegacyRow> {
  const indexes = columnIndexes(batch.header);
  const recordOf = recordReader(indexes);
  let rowNumber = batch.firstRow;
  for (const cells of new CsvRecords().read(batch.text, true)) {
    yield { rowNumber, record: cells?.length === indexes.size ? recordOf(cells) : null };
    rowNumber += 1;
  }
}
