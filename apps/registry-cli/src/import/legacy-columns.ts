/** The columns of the legacy register export (../shared/reference/legacy-register.md), in any order. */
export const LEGACY_COLUMNS = [
  'pin',
  'family_name',
  'middle_name',
  'given_name',
  'sex',
  'date_of_birth',
  'place_of_birth_province',
  'nationality',
  'ethnicity',
  'mother_pin',
  'father_pin',
  'permanent_province',
  'permanent_commune',
  'permanent_line',
  'permanent_since',
  'status',
  'date_of_death',
] as const;

export type LegacyColumn = (typeof LEGACY_COLUMNS)[number];

/** A data row by column name; an empty cell is ''. */
export type LegacyRecord = Readonly<Record<LegacyColumn, string>>;

/** The whole file is refused: its header is not the export's. */
export class LegacyHeaderInvalid extends Error {}

/** Where each column sits in this file; the header must name every column once and nothing else. */
export function columnIndexes(header: readonly string[]): ReadonlyMap<LegacyColumn, number> {
  const names = header.map((name) => name.trim());
  const known = new Set<string>(LEGACY_COLUMNS);
  const unknown = names.filter((name) => !known.has(name));
  const missing = LEGACY_COLUMNS.filter((column) => !names.includes(column));
  const repeated = names.filter((name, i) => names.indexOf(name) !== i);
  const problems = [
    unknown.length ? `unknown columns: ${unknown.join(', ')}` : '',
    missing.length ? `missing columns: ${missing.join(', ')}` : '',
    repeated.length ? `repeated columns: ${repeated.join(', ')}` : '',
  ].filter(Boolean);
  if (problems.length) throw new LegacyHeaderInvalid(`Not a legacy register export: ${problems.join('; ')}`);
  return new Map(LEGACY_COLUMNS.map((column) => [column, names.indexOf(column)]));
}

/**
 * Cells to a record, for a file's columns: where each column sits is looked up once, not per row
 * (iterating the map made an entry array per cell, 17 a row).
 */
export function recordReader(indexes: ReadonlyMap<LegacyColumn, number>): (cells: readonly string[]) => LegacyRecord {
  const columns = [...indexes.keys()];
  const at = [...indexes.values()];
  return (cells) => {
    const record = {} as Record<LegacyColumn, string>;
    for (let i = 0; i < columns.length; i++) record[columns[i]] = cells[at[i]] ?? '';
    return record;
  };
}
