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
 * Cells to a record, for a file's columns: where each column sits is looked up once, not per row,
 * and every record is the same object literal (one shape: stores by a varying key cost V8 a
 * lookup each, 17 a row).
 */
export function recordReader(indexes: ReadonlyMap<LegacyColumn, number>): (cells: readonly string[]) => LegacyRecord {
  const at = Object.fromEntries(indexes) as Record<LegacyColumn, number>;
  return (cells) => ({
    pin: cells[at.pin] ?? '',
    family_name: cells[at.family_name] ?? '',
    middle_name: cells[at.middle_name] ?? '',
    given_name: cells[at.given_name] ?? '',
    sex: cells[at.sex] ?? '',
    date_of_birth: cells[at.date_of_birth] ?? '',
    place_of_birth_province: cells[at.place_of_birth_province] ?? '',
    nationality: cells[at.nationality] ?? '',
    ethnicity: cells[at.ethnicity] ?? '',
    mother_pin: cells[at.mother_pin] ?? '',
    father_pin: cells[at.father_pin] ?? '',
    permanent_province: cells[at.permanent_province] ?? '',
    permanent_commune: cells[at.permanent_commune] ?? '',
    permanent_line: cells[at.permanent_line] ?? '',
    permanent_since: cells[at.permanent_since] ?? '',
    status: cells[at.status] ?? '',
    date_of_death: cells[at.date_of_death] ?? '',
  });
}
