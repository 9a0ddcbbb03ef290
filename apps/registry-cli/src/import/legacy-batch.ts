import { citizenStream } from '@registry/domain';
import type { NewStreamTexts, NewStreamsCopy } from '@registry/event-store';
// The module itself, not the lib's index (drivers and clients): a worker thread loads this file.
import { CopyBinary } from '@registry/event-store/postgres/copy-binary';
import { NewStreamsEncoder } from '@registry/event-store/postgres/postgres-bulk-load';
import type { StagedRow } from './import-runs';
import { legacyRows, rowsOf, type LegacyBatch, type LegacyRow } from './legacy-file';
import type { LegacyEvents } from './legacy-event';
import { importedFromRow, RowRejected } from './legacy-row';

/** Bytes reserved per staged row up front. */
const STAGED_ROW_BYTES = 96;

/** The row against the rules a row meets on its own: staged with its PIN, parents and verdict. */
export function verdictOf({ rowNumber, record }: LegacyRow, today: string): StagedRow {
  if (!record) return { rowNumber, pin: null, motherPin: null, fatherPin: null, code: 'ROW_MALFORMED' };
  const pin = record.pin.trim().slice(0, 64) || null;
  try {
    const { data } = importedFromRow(record, today);
    return { rowNumber, pin, motherPin: data.motherPin, fatherPin: data.fatherPin, code: null };
  } catch (error) {
    if (!(error instanceof RowRejected)) throw error;
    return { rowNumber, pin, motherPin: null, fatherPin: null, code: error.code };
  }
}

/**
 * The verdicts of the batch's rows after `after` (rows a resumed run staged already are left
 * out), as COPY rows of import_rows (binary format): how many, and the bytes.
 */
export function stagedRowsCopy(
  runId: string,
  batch: LegacyBatch,
  after: number,
  today: string,
): { count: number; copy: Uint8Array } {
  const copy = new CopyBinary(batch.count * STAGED_ROW_BYTES);
  let count = 0;
  for (const row of legacyRows(batch)) {
    if (row.rowNumber <= after) continue;
    const staged = verdictOf(row, today);
    copy.row(6).bigint(Number(runId)).bigint(staged.rowNumber);
    for (const value of [staged.pin, staged.motherPin, staged.fatherPin, staged.code]) {
      if (value === null) copy.null();
      else copy.text(value);
    }
    count += 1;
  }
  return { count, copy: copy.finish() };
}

/**
 * The streams the batch's rows open, but for the rows in `skip` (rejected, or appended by an
 * earlier attempt): the accepted rows, and their events as texts built as they are asked for.
 */
export function acceptedStreams(
  batch: LegacyBatch,
  skip: ReadonlySet<number>,
  events: LegacyEvents,
  today: string,
): { accepted: LegacyRow[]; streams: NewStreamTexts } {
  const accepted = rowsOf(batch).filter((row) => !skip.has(row.rowNumber));
  // Names now (the streams go in name order); each event's text as it is encoded.
  const pins = accepted.map((row) => row.record!.pin.trim());
  const streams: NewStreamTexts = {
    count: accepted.length,
    streamId: (i) => citizenStream(pins[i]),
    text: (i) => events.text(importedFromRow(accepted[i].record!, today), accepted[i].rowNumber),
  };
  return { accepted, streams };
}

/**
 * The streams the batch's rows open, but for the rows in `skip`, as the bulk's COPYs (null: none):
 * what acceptedStreams' texts encode to. Each row is read, built and encoded before the next is
 * read, so nothing of a row outlives it (a worker thread runs this, a batch at a time, with
 * one encoder for all its batches).
 */
export function encodedStreams(
  batch: LegacyBatch,
  skip: ReadonlySet<number>,
  events: LegacyEvents,
  today: string,
  encoder = new NewStreamsEncoder(batch.count),
): NewStreamsCopy | null {
  encoder.reset(); // whatever a failed batch left
  for (const { rowNumber, record } of legacyRows(batch)) {
    if (!skip.has(rowNumber)) encoder.add(events.text(importedFromRow(record!, today), rowNumber));
  }
  return encoder.count === 0 ? null : encoder.finish();
}
