const QUOTE = 0x22;
const COMMA = 0x2c;
const CR = 0x0d;
const LF = 0x0a;

/** A record longer than this with its quotes still open is broken, not waiting for more text. */
const LONGEST_RECORD = 1 << 20;

/** Not enough text yet to finish the record. */
const INCOMPLETE = Symbol('incomplete');

/**
 * RFC 4180 records (commas, CRLF or LF, quoted cells with doubled quotes and line breaks)
 * from text that arrives in chunks. A record whose quoting is broken comes out as `null` and
 * the next line starts the next record; blank lines are skipped.
 *
 * Why not csv-parse (the library the first import used): it walks the text a character at a
 * time through a general state machine, about 37 µs a row of the export here, the whole budget of
 * an import at 30,000 rows/s. Rows without a quote, most of an export, are one `indexOf` and
 * one `split`; quoted cells are cut with `indexOf` too.
 */
export class CsvRecords {
  private pending = '';

  /** The complete records of the text so far; `last` says no text follows (the end of the file). */
  *read(chunk: string, last = false): Generator<string[] | null> {
    const text = this.pending + chunk;
    let at = 0;
    for (const record of records(text, last, true)) {
      yield record.cells;
      at = record.next;
    }
    this.pending = text.slice(at);
  }
}

/**
 * Where each record of a text ends, exactly as CsvRecords reads them, without cutting the
 * cells: the import's main thread cuts the file into batches of whole records with it, and
 * worker threads read each batch (CsvRecords, `last`) into the same records, in parallel.
 * `take(chunk)` returns the batches completed by the chunk; `end()` the rest of the file.
 */
export class CsvRecordBatches {
  private pending = '';
  /** Where the scan resumes in `pending`, and how many records of the batch under way it holds. */
  private scanned = 0;
  private count = 0;

  constructor(private readonly size: number) {}

  take(chunk: string, last = false): Array<{ text: string; count: number }> {
    const text = this.pending + chunk;
    const done: Array<{ text: string; count: number }> = [];
    let from = 0;
    let at = this.scanned;
    for (const record of records(text, last, false, at)) {
      at = record.next;
      if (record.blank) continue;
      this.count += 1;
      if (this.count === this.size) {
        done.push({ text: text.slice(from, at), count: this.count });
        from = at;
        this.count = 0;
      }
    }
    if (last && this.count > 0) {
      done.push({ text: text.slice(from), count: this.count });
      from = text.length;
      this.count = 0;
    }
    this.pending = text.slice(from);
    this.scanned = at - from;
    return done;
  }
}

interface RecordRead {
  /** The record's cells (null: broken quoting; always null when not cut). */
  readonly cells: string[] | null;
  /** Where the next record starts. */
  readonly next: number;
  /** A blank line: no record (only reported when not cut, so that batches can skip it). */
  readonly blank: boolean;
}

/**
 * The complete records of `text` from `at`, with where each ends; `cut` false skips cutting
 * cells (the scan of CsvRecordBatches). One loop for both, so batches end where records do.
 */
function* records(text: string, last: boolean, cut: boolean, from = 0): Generator<RecordRead> {
  const end = text.length;
  let at = from;
  // The next quote at or after `at`, found once: searching again on every line would scan the
  // rest of a chunk per line when quotes are rare.
  let quote = -2;
  while (at < end) {
    const lineEnd = text.indexOf('\n', at);
    if (lineEnd === -1 && !last) break;
    const stop = lineEnd === -1 ? end : lineEnd;
    if (stop === at || (stop === at + 1 && text.charCodeAt(at) === CR)) {
      at = stop + 1; // a blank line
      if (!cut) yield { cells: null, next: at, blank: true };
      continue;
    }
    if (quote !== -1 && quote < at) quote = text.indexOf('"', at);
    if (quote === -1 || quote > stop) {
      // The common row: no quote on the line.
      const cells = cut ? text.slice(at, text.charCodeAt(stop - 1) === CR ? stop - 1 : stop).split(',') : null;
      at = stop + 1;
      yield { cells, next: at, blank: false };
      continue;
    }
    if (!cut && lineEnd !== -1 && evenQuotes(text, quote, stop)) {
      // Only where the record ends matters here. With an even number of quotes up to the line
      // break, no quoted cell is open there (a cell closed on the line took two quotes, or more
      // in pairs; a quote in a bare cell or after a closing one breaks the line, which ends it):
      // the record ends with its line.
      at = stop + 1;
      yield { cells: null, next: at, blank: false };
      continue;
    }
    const quoted = quotedRecord(text, at, last, cut);
    if (quoted === INCOMPLETE) {
      if (!last && end - at <= LONGEST_RECORD) break;
      at = stop + 1; // quotes never closed: the line is broken, the next one is read on its own
      yield { cells: null, next: at, blank: false };
      continue;
    }
    at = quoted.next;
    yield { cells: quoted.cells, next: at, blank: false };
  }
}

/** A record with quoted cells from `start`: its cells (null when the quoting is broken) and where the next begins. */
function quotedRecord(
  text: string,
  start: number,
  last: boolean,
  cut: boolean,
): { cells: string[] | null; next: number } | typeof INCOMPLETE {
  const end = text.length;
  const cells: string[] = [];
  let at = start;
  let quote = -2; // the next quote at or after `at` (see records)
  for (;;) {
    if (text.charCodeAt(at) === QUOTE) {
      let value = '';
      let from = at + 1;
      for (;;) {
        const close = text.indexOf('"', from);
        if (close === -1 || (close + 1 === end && !last)) return INCOMPLETE;
        if (text.charCodeAt(close + 1) === QUOTE) {
          if (cut) value += text.slice(from, close + 1); // "" is one quote
          from = close + 2;
          continue;
        }
        if (cut) value += text.slice(from, close);
        at = close + 1;
        break;
      }
      if (cut) cells.push(value);
    } else {
      const lineEnd = text.indexOf('\n', at);
      if (lineEnd === -1 && !last) return INCOMPLETE;
      const stop = lineEnd === -1 ? end : lineEnd;
      const comma = text.indexOf(',', at);
      const cellEnd = comma !== -1 && comma < stop ? comma : stop;
      const cellCut = cellEnd === stop && text.charCodeAt(stop - 1) === CR ? stop - 1 : cellEnd;
      if (quote !== -1 && quote < at) quote = text.indexOf('"', at);
      if (quote !== -1 && quote < cellCut) return brokenLine(text, at, last); // a quote inside a bare cell
      if (cut) cells.push(text.slice(at, cellCut));
      at = cellCut;
    }
    const next = text.charCodeAt(at);
    if (next === COMMA) at += 1;
    else if (next === LF) return { cells: cut ? cells : null, next: at + 1 };
    else if (next === CR && text.charCodeAt(at + 1) === LF) return { cells: cut ? cells : null, next: at + 2 };
    else if (at >= end) return last ? { cells: cut ? cells : null, next: end } : INCOMPLETE;
    else if (next === CR && at + 1 >= end && !last) return INCOMPLETE;
    else return brokenLine(text, at, last); // text after a closing quote
  }
}

/** Whether [from, stop) holds an even number of quotes (`from` is the first one). */
function evenQuotes(text: string, from: number, stop: number): boolean {
  let even = true;
  for (let at = from; at !== -1 && at < stop; at = text.indexOf('"', at + 1)) even = !even;
  return even;
}

/** A broken record: the rest of its line goes with it (once the line's end has arrived). */
function brokenLine(text: string, from: number, last: boolean): { cells: null; next: number } | typeof INCOMPLETE {
  const lineEnd = text.indexOf('\n', from);
  if (lineEnd !== -1) return { cells: null, next: lineEnd + 1 };
  return last ? { cells: null, next: text.length } : INCOMPLETE;
}
