import type { PoolClient } from 'pg';
import type { RecordedEvent } from '@registry/event-store';
import { evolveCitizen, type CitizenRecord } from '@registry/domain';
import { asCitizenEvent } from '../projection/citizen-events';
import { copyRows } from '../projection/copy-rows';
import { pinOfStream, pinsSeenBefore, tableName, type Projection, type TableSet } from '../projection/projection';
import {
  citizenDocument,
  fullNameOf,
  recordOf,
  registeredFactsOf,
  type CitizenDocument,
  type RegisteredFacts,
} from './citizen-document';

/**
 * The current citizen record (what `GET /v1/citizens/{pin}` answers) and the narrow name row
 * search scans. The record is the domain's own fold (evolveCitizen), so the read model says
 * exactly what the stream says, and a new event type reaches it once the domain folds it.
 */
export const citizensProjection: Projection = {
  name: 'citizens',
  tables: ['citizen_records', 'citizen_names'],
  schema: { create: 'create_citizen_tables', index: 'index_citizen_tables' },
  rebuildCost: 15, // % of the one-thread rebuild's CPU profile (ADR 0110)
  project: projectCitizens,
};

/** What search keeps of a citizen; none for a PIN a correction replaced (found under the new one). */
interface NameRow {
  readonly pin: string;
  readonly full_name: string;
  readonly date_of_birth: string;
  readonly residence_province_code: string | null;
}

/** A citizen as this projection keeps it: the domain record, the stream revision, the stored rows. */
interface Citizen {
  readonly record: CitizenRecord;
  readonly revision: number;
  /** Whether citizen_records holds a row for the PIN already (false: the batch inserts it). */
  readonly stored: boolean;
  readonly storedName: NameRow | null;
}

async function projectCitizens(tx: PoolClient, events: readonly RecordedEvent[], target: TableSet): Promise<void> {
  const citizens = await loadCitizens(tx, target, pinsSeenBefore(events));
  const changed = new Set<string>();
  for (const event of events) {
    const pin = pinOfStream(event.streamId);
    if (pin === undefined) continue;
    const next = evolve(citizens.get(pin), event);
    if (next) {
      citizens.set(pin, next);
      changed.add(pin);
    }
  }
  const rows = [...changed].map((pin) => citizens.get(pin)!);
  await upsertRecords(tx, target, rows);
  await saveNames(tx, target, rows);
}

/** Every event of the stream moves the revision, even one this build does not fold. */
function evolve(current: Citizen | undefined, event: RecordedEvent): Citizen | undefined {
  const known = asCitizenEvent(event);
  const record = known ? evolveCitizen(current?.record ?? null, known) : current?.record;
  return record
    ? { record, revision: event.revision, stored: current?.stored ?? false, storedName: current?.storedName ?? null }
    : undefined;
}

function nameRowOf(record: CitizenRecord): NameRow | null {
  if (record.reestablishedAs !== null) return null;
  return {
    pin: record.pin,
    full_name: fullNameOf(record.name),
    date_of_birth: record.dateOfBirth,
    residence_province_code: record.permanentResidence?.address.provinceCode ?? null,
  };
}

async function loadCitizens(tx: PoolClient, target: TableSet, pins: string[]): Promise<Map<string, Citizen>> {
  if (pins.length === 0) return new Map();
  const { rows } = await tx.query<{
    pin: string;
    replaced_by: string | null;
    record: CitizenDocument;
    registered: Partial<RegisteredFacts> | null;
  }>(`SELECT pin, replaced_by, record, registered FROM ${tableName('citizen_records', target)} WHERE pin = ANY($1)`, [
    pins,
  ]);
  return new Map(
    rows.map((row) => {
      const record = recordOf(row.record, row.replaced_by, row.registered);
      return [row.pin, { record, revision: row.record.revision, stored: true, storedName: nameRowOf(record) }];
    }),
  );
}

/**
 * New rows go in by COPY; rows stored already are upserted from one JSON document for the
 * batch: PostgreSQL parses it once, where array parameters would be escaped element by element.
 */
async function upsertRecords(tx: PoolClient, target: TableSet, citizens: readonly Citizen[]): Promise<void> {
  const table = tableName('citizen_records', target);
  const rows = citizens.map((c) => ({
    pin: c.record.pin,
    revision: c.revision,
    replaced_by: c.record.reestablishedAs,
    record: citizenDocument(c.record, c.revision),
    // Most citizens have none: the document is then the whole state.
    registered: registeredFactsOf(c.record),
  }));
  const fresh = rows.filter((_, i) => !citizens[i].stored);
  await copyRows(
    tx,
    table,
    ['pin', 'revision', 'replaced_by', 'record', 'registered'],
    fresh.map((r) => [
      r.pin,
      r.revision,
      r.replaced_by,
      JSON.stringify(r.record),
      r.registered === null ? null : JSON.stringify(r.registered),
    ]),
  );
  const known = rows.filter((_, i) => citizens[i].stored);
  if (known.length === 0) return;
  await tx.query(
    `INSERT INTO ${table} (pin, revision, replaced_by, record, registered)
     SELECT pin, revision, replaced_by, record, registered FROM json_to_recordset($1::json)
            AS r(pin text, revision integer, replaced_by text, record json, registered json)
     ON CONFLICT (pin) DO UPDATE
       SET revision = excluded.revision, replaced_by = excluded.replaced_by, record = excluded.record,
           registered = excluded.registered`,
    [JSON.stringify(known)],
  );
}

/**
 * Name rows are written only when what search sees changed (name, birth date, residence
 * province): most events (stays, deaths...) leave them be, and each write folds the name again.
 */
async function saveNames(tx: PoolClient, target: TableSet, citizens: readonly Citizen[]): Promise<void> {
  const inserts: NameRow[] = [];
  const upserts: NameRow[] = [];
  const removals: string[] = [];
  for (const citizen of citizens) {
    const row = nameRowOf(citizen.record);
    if (row === null && citizen.storedName !== null) removals.push(citizen.storedName.pin);
    if (row !== null && citizen.storedName === null) inserts.push(row);
    else if (row !== null && !sameNameRow(row, citizen.storedName)) upserts.push(row);
  }
  const table = tableName('citizen_names', target);
  await copyRows(
    tx,
    table,
    ['pin', 'full_name', 'date_of_birth', 'residence_province_code'],
    inserts.map((r) => [r.pin, r.full_name, r.date_of_birth, r.residence_province_code]),
  );
  if (upserts.length > 0) {
    await tx.query(
      `INSERT INTO ${table} (pin, full_name, date_of_birth, residence_province_code)
       SELECT * FROM json_to_recordset($1::json) AS r(pin text, full_name text, date_of_birth date, residence_province_code text)
       ON CONFLICT (pin) DO UPDATE SET full_name = excluded.full_name, date_of_birth = excluded.date_of_birth,
                                       residence_province_code = excluded.residence_province_code`,
      [JSON.stringify(upserts)],
    );
  }
  if (removals.length > 0) await tx.query(`DELETE FROM ${table} WHERE pin = ANY($1)`, [removals]);
}

function sameNameRow(a: NameRow, b: NameRow | null): boolean {
  return (
    b !== null &&
    a.full_name === b.full_name &&
    a.date_of_birth === b.date_of_birth &&
    a.residence_province_code === b.residence_province_code
  );
}
