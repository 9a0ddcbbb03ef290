import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { PROVINCES, sexCenturyDigit, type Sex } from '@registry/domain';
import { LEGACY_COLUMNS, type LegacyColumn, type LegacyRecord } from '../legacy-columns';

// Provinces that exist today: valid on any date of birth and any residence start.
const LIVING = PROVINCES.filter((p) => p.validTo === null).map((p) => p.code);
const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ', 'Võ', 'Đặng', 'Bùi', 'Đỗ'];
const GIVEN = { male: ['An', 'Bình', 'Cường', 'Dũng', 'Đức', 'Hùng'], female: ['Lan', 'Mai', 'Hoa', 'Thảo', 'Hương'] };
const MIDDLE = { male: 'Văn', female: 'Thị' };

export function pinOf(province: string, sex: Sex, dateOfBirth: string, serial: number): string {
  const digit = sexCenturyDigit(sex, Number(dateOfBirth.slice(0, 4)))!;
  return `${province}${digit}${dateOfBirth.slice(2, 4)}${String(serial % 1_000_000).padStart(6, '0')}`;
}

function person(serial: number, sex: Sex, year: number, extra: Partial<LegacyRecord> = {}): LegacyRecord {
  const province = LIVING[serial % LIVING.length];
  const dateOfBirth = `${year}-${String((serial % 12) + 1).padStart(2, '0')}-${String((serial % 28) + 1).padStart(2, '0')}`;
  return {
    pin: pinOf(province, sex, dateOfBirth, serial),
    family_name: FAMILY[serial % FAMILY.length],
    middle_name: MIDDLE[sex],
    given_name: GIVEN[sex][serial % GIVEN[sex].length],
    sex,
    date_of_birth: dateOfBirth,
    place_of_birth_province: province,
    nationality: serial % 5 === 0 ? '' : 'VN',
    ethnicity: serial % 3 === 0 ? '' : 'Kinh',
    mother_pin: '',
    father_pin: '',
    permanent_province: province,
    permanent_commune: String(10_000 + (serial % 80_000)).padStart(5, '0'),
    permanent_line: `${serial % 300} Lê Lợi, "khu ${serial % 7}"`,
    permanent_since: `${year + 18}-01-15`,
    status: 'alive',
    date_of_death: '',
    ...extra,
  };
}

/**
 * A valid export of `count` people in families of four, each family written child, child,
 * mother, father: parents always come after their children. Serials from `firstSerial` make
 * the PINs (unique for up to a million rows per run).
 */
export function* legacyFamilies(count: number, firstSerial = 0): Generator<LegacyRecord> {
  for (let i = 0; i < count; i += 4) {
    const s = firstSerial + i;
    const mother = person(s + 2, 'female', 1950 + (s % 30));
    const father = person(s + 3, 'male', 1948 + (s % 30), s % 10 === 3 ? deceased(1948 + (s % 30)) : {});
    const parents = { mother_pin: mother.pin, father_pin: father.pin };
    const family = [
      person(s, 'male', 1985 + (s % 20), parents),
      person(s + 1, 'female', 1985 + ((s + 1) % 20), parents),
      mother,
      father,
    ];
    yield* family.slice(0, Math.min(4, count - i));
  }
}

function deceased(birthYear: number): Partial<LegacyRecord> {
  return { status: 'deceased', date_of_death: `${birthYear + 40}-06-30` };
}

/** Writes an export (RFC 4180) with the columns in the given order; returns the number of rows. */
export async function writeLegacyExport(
  path: string,
  rows: Iterable<LegacyRecord | readonly string[]>,
  columns: readonly string[] = [...LEGACY_COLUMNS].reverse(),
): Promise<number> {
  const out = createWriteStream(path);
  let count = 0;
  const line = (cells: readonly string[]) => `${cells.map(csvCell).join(',')}\r\n`;
  out.write(line(columns));
  for (const row of rows) {
    const cells = Array.isArray(row) ? row : columns.map((c) => (row as LegacyRecord)[c as LegacyColumn] ?? '');
    if (!out.write(line(cells as string[]))) await once(out, 'drain');
    count += 1;
  }
  out.end();
  await once(out, 'finish');
  return count;
}

function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
