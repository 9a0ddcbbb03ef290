import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { CsvRecordBatches, CsvRecords } from './csv-records';

/** The records of `text` fed in pieces cut at `cuts`. */
function readIn(text: string, cuts: number[]): Array<string[] | null> {
  const reader = new CsvRecords();
  const records: Array<string[] | null> = [];
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    records.push(...reader.read(text.slice(from, cut)));
    from = Math.max(from, cut);
  }
  records.push(...reader.read(text.slice(from), true));
  return records;
}

const cell = fc.oneof(
  fc.string({ unit: fc.constantFrom('a', 'Lê', ' ', ',', '"', '\n', '\r\n', 'ợ', '1') }),
  fc.constantFrom('', '001085000000', 'Nguyễn', '"', '""'),
);

function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

describe('CsvRecords (RFC 4180)', () => {
  it('reads what csv-parse reads, wherever the chunks are cut', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { minLength: 2, maxLength: 5 }), { minLength: 1, maxLength: 8 }),
        fc.constantFrom('\n', '\r\n'),
        fc.array(fc.nat(400), { maxLength: 6 }),
        (rows, eol, cuts) => {
          const text = rows.map((cells) => cells.map(csvCell).join(',')).join(eol) + eol;
          const expected = parse(text, { relax_column_count: true, skip_empty_lines: true }) as string[][];
          expect(readIn(text, cuts)).toEqual(expected);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('cuts batches of whole records: each batch read on its own gives the same records, as many as it counts', () => {
    const broken = fc.constantFrom('a,b"c,d', '"x"y,z', '"never closed,2', '', '\r');
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.array(cell, { minLength: 2, maxLength: 5 }).map((c) => c.map(csvCell).join(',')),
            broken,
          ),
          {
            minLength: 1,
            maxLength: 10,
          },
        ),
        fc.constantFrom('\n', '\r\n'),
        fc.array(fc.nat(400), { maxLength: 6 }),
        fc.integer({ min: 1, max: 4 }),
        fc.boolean(),
        (lines, eol, cuts, size, finalBreak) => {
          const text = lines.join(eol) + (finalBreak ? eol : '');
          const batches = new CsvRecordBatches(size);
          const taken: Array<{ text: string; count: number }> = [];
          let from = 0;
          for (const cut of [...cuts].sort((a, b) => a - b)) {
            taken.push(...batches.take(text.slice(from, cut)));
            from = Math.max(from, cut);
          }
          taken.push(...batches.take(text.slice(from), true));
          const inBatches = taken.flatMap((batch) => {
            const records = [...new CsvRecords().read(batch.text, true)];
            expect(records).toHaveLength(batch.count);
            return records;
          });
          expect(taken.slice(0, -1).every((batch) => batch.count === size)).toBe(true);
          expect(inBatches).toEqual(readIn(text, cuts));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('reads a last line without a line break, and skips blank lines', () => {
    expect(readIn('a,b\n\n\r\nc,"d\ne"', [3, 6])).toEqual([
      ['a', 'b'],
      ['c', 'd\ne'],
    ]);
  });

  it('gives null for a line whose quoting is broken, and reads on from the next line', () => {
    expect(readIn('a,b"c,d\n"x"y,z\nok,1\n"never closed,2\nok,3\n', [])).toEqual([
      null,
      null,
      ['ok', '1'],
      null,
      ['ok', '3'],
    ]);
  });
});
