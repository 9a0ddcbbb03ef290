import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { citizenStream } from '@registry/domain';
import { useScratchDatabase } from '@registry/read-models/test-support/scratch-database';
import { LEGACY_COLUMNS, type LegacyRecord } from './legacy-columns';
import { runImport } from './test-support/import-process';
import { legacyFamilies, pinOf, writeLegacyExport } from './test-support/legacy-export';

const db = useScratchDatabase('legacy_import');
const dir = mkdtempSync(join(tmpdir(), 'legacy-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A valid person of the generator, changed by `change`; serials from 900000 keep clear of the families. */
function variant(serial: number, change: Partial<LegacyRecord>): LegacyRecord {
  const [base] = legacyFamilies(1, 900_000 + serial);
  return { ...base, mother_pin: '', father_pin: '', ...change };
}

// Every kind of bad row, each with the code it must be rejected with.
const BAD: Array<[string, LegacyRecord | string[]]> = [
  ['ROW_MALFORMED', ['too', 'few', 'cells']],
  ['PIN_MALFORMED', variant(1, { pin: '12345' })],
  ['PIN_INCONSISTENT', variant(2, { sex: 'female' })],
  ['NAME_REQUIRED', variant(3, { family_name: '   ' })],
  ['NAME_REQUIRED', variant(4, { given_name: '' })],
  ['TEXT_INVALID', variant(5, { given_name: 'An\u0000' })],
  ['SEX_INVALID', variant(6, { sex: 'M' })],
  ['DATE_OF_BIRTH_INVALID', variant(7, { date_of_birth: '1990-02-30' })],
  [
    'BIRTH_DATE_IN_FUTURE',
    variant(8, { date_of_birth: '2099-01-01', pin: pinOf('001', 'male', '2099-01-01', 900_008) }),
  ],
  ['PLACE_OF_BIRTH_REQUIRED', variant(9, { place_of_birth_province: '' })],
  ['UNKNOWN_ADMINISTRATIVE_UNIT', variant(10, { place_of_birth_province: '999' })],
  ['NATIONALITY_INVALID', variant(11, { nationality: 'Vietnam' })],
  ['PARENT_PIN_MALFORMED', variant(12, { mother_pin: '0011' })],
  ['RESIDENCE_INCOMPLETE', variant(13, { permanent_line: '' })],
  ['RESIDENCE_DATE_INVALID', variant(14, { permanent_since: '2001-13-01' })],
  ['UNKNOWN_ADMINISTRATIVE_UNIT', variant(15, { permanent_province: '002', permanent_since: '2025-07-01' })],
  ['EFFECTIVE_DATE_BEFORE_BIRTH', variant(16, { permanent_since: '1900-01-01' })],
  ['STATUS_INVALID', variant(17, { status: 'dead' })],
  ['DATE_OF_DEATH_REQUIRED', variant(18, { status: 'deceased' })],
  ['DATE_OF_DEATH_UNEXPECTED', variant(19, { date_of_death: '2020-01-01' })],
  ['DEATH_BEFORE_BIRTH', variant(20, { status: 'deceased', date_of_death: '1900-01-01' })],
  ['DEATH_DATE_IN_FUTURE', variant(21, { status: 'deceased', date_of_death: '2099-01-01' })],
  ['PARENT_NOT_FOUND', variant(22, { father_pin: pinOf('001', 'male', '1950-01-01', 999_999) })],
];

describe('npm run import (legacy register)', () => {
  const file = join(dir, 'export.csv');
  const families = [...legacyFamilies(40)]; // child, child, mother, father: parents after children
  const registered = variant(30, {}); // already in the registry (a birth recorded earlier), with other facts
  const registryParent = variant(31, {}); // a parent the registry holds, not in the file
  const duplicate = variant(32, {});
  const rejectedParent = variant(33, {
    sex: 'female',
    pin: pinOf('001', 'male', variant(33, {}).date_of_birth, 900_033),
  });
  const rows: Array<[string | null, LegacyRecord | string[]]> = [
    ...families.map((row) => [null, row] as [null, LegacyRecord]),
    ...BAD,
    ['PIN_ALREADY_REGISTERED', registered],
    [null, variant(34, { mother_pin: registryParent.pin })],
    ['PIN_DUPLICATE_IN_FILE', duplicate],
    ['PIN_DUPLICATE_IN_FILE', { ...duplicate, given_name: 'Khác' }],
    // A child before its parent, whose own row is rejected: the child goes too, and so does its child.
    ['PARENT_NOT_FOUND', variant(35, { father_pin: variant(36, {}).pin })],
    ['PARENT_NOT_FOUND', variant(36, { mother_pin: rejectedParent.pin })],
    ['PIN_INCONSISTENT', rejectedParent],
  ];
  const accepted = rows.filter(([code]) => code === null).map(([, row]) => (row as LegacyRecord).pin);

  beforeAll(async () => {
    const stored = { data: { pin: registered.pin }, metadata: {} };
    await db().store.append(
      citizenStream(registered.pin),
      [{ eventId: randomUUID(), type: 'BirthRegistered', ...stored }],
      'no_stream',
    );
    await db().store.append(
      citizenStream(registryParent.pin),
      [{ eventId: randomUUID(), type: 'BirthRegistered', data: { pin: registryParent.pin }, metadata: {} }],
      'no_stream',
    );
    await writeLegacyExport(
      file,
      rows.map(([, row]) => row),
    );
  });

  async function importedStreams(): Promise<Array<{ stream_id: string; events: number }>> {
    const { rows: streams } = await db().pool.query<{ stream_id: string; events: number }>(
      `SELECT stream_id, count(*)::int AS events FROM es_events WHERE type = 'CitizenImported' GROUP BY stream_id ORDER BY stream_id`,
    );
    return streams;
  }

  it('imports every valid row, parents after children included, and rejects each bad row with its rule', async () => {
    const result = await runImport(db().url, [file]);
    expect(result.stderr).not.toMatch(/Error/);
    expect(result.code).toBe(0);
    expect(await importedStreams()).toEqual(
      accepted.sort().map((pin) => ({ stream_id: citizenStream(pin), events: 1 })),
    );

    const expected = rows.flatMap(([code, row], i) =>
      code === null ? [] : [`${i + 1},${Array.isArray(row) ? '' : row.pin},${code}`],
    );
    expect(readFileSync(`${file}.rejected.csv`, 'utf8').trim().split('\n')).toEqual(['row,pin,code', ...expected]);
    expect(result.stdout).toContain(`${accepted.length} of ${rows.length} rows are in the registry`);
  });

  it('keeps the PIN, the facts and the import in the event', async () => {
    const [child, , mother] = families;
    const [event] = await db().store.readStream(citizenStream(child.pin));
    expect(event.data).toMatchObject({
      pin: child.pin,
      name: { familyName: child.family_name, middleName: child.middle_name, givenName: child.given_name },
      motherPin: mother.pin,
      permanentResidence: { address: { line: child.permanent_line }, since: child.permanent_since },
      dateOfDeath: null,
    });
    expect(event.metadata).toMatchObject({ effectiveAt: child.date_of_birth, source: { file: 'export.csv', row: 1 } });
  });

  it('imports nothing twice when the same file is imported again', async () => {
    const before = await importedStreams();
    const result = await runImport(db().url, [file]);
    expect(result.code).toBe(0);
    expect(await importedStreams()).toEqual(before);
    expect(readFileSync(`${file}.rejected.csv`, 'utf8')).toContain(`,${registered.pin},PIN_ALREADY_REGISTERED`);
  });

  it("refuses a file whose header is not the export's, and writes nothing", async () => {
    const odd = join(dir, 'odd.csv');
    await writeLegacyExport(odd, [variant(40, {})], [...LEGACY_COLUMNS, 'shoe_size']);
    const before = await importedStreams();
    const result = await runImport(db().url, [odd]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('unknown columns: shoe_size');
    expect(await importedStreams()).toEqual(before);
  });
});
