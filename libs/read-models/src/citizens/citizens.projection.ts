import type { PoolClient } from 'pg';
import type { RecordedEvent } from '@registry/event-store';
import { evolveCitizen, type CitizenRecord } from '@registry/domain';
import { asCitizenEvent } from '../projection/citizen-events';
import { pinOfStream, pinsSeenBefore, tableName, type Projection, type TableSet } from '../projection/projection';
import { citizenDocument, fullNameOf, recordOf, type CitizenDocument } from './citizen-document';

/**
 * The current citizen record (what `GET /v1/citizens/{pin}` answers) and the narrow name row
 * search scans. The record is the domain's own fold (evolveCitizen), so the read model says
 * exactly what the stream says, and a new event type reaches it once the domain folds it.
 */
export const citizensProjection: Projection = {
  name: 'citizens',
  tables: ['citizen_records', 'citizen_names'],
  schema: { create: 'create_citizen_tables', index: 'index_citizen_tables' },
  project: projectCitizens,
};

/** A citizen as this projection keeps it: the domain record and the stream revision. */
interface Citizen {
  readonly record: CitizenRecord;
  readonly revision: number;
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
  await upsertNames(tx, target, rows.filter((c) => c.record.replacedBy === null));
  await removeNames(tx, target, rows.filter((c) => c.record.replacedBy !== null));
}

/** Every event of the stream moves the revision, even one this build does not fold. */
function evolve(current: Citizen | undefined, event: RecordedEvent): Citizen | undefined {
  const known = asCitizenEvent(event);
  const record = known ? evolveCitizen(current?.record ?? null, known) : current?.record;
  return record ? { record, revision: event.revision } : undefined;
}

async function loadCitizens(tx: PoolClient, target: TableSet, pins: string[]): Promise<Map<string, Citizen>> {
  if (pins.length === 0) return new Map();
  const { rows } = await tx.query<{ pin: string; replaced_by: string | null; record: CitizenDocument }>(
    `SELECT pin, replaced_by, record FROM ${tableName('citizen_records', target)} WHERE pin = ANY($1)`,
    [pins],
  );
  return new Map(rows.map((row) => [row.pin, { record: recordOf(row.record, row.replaced_by), revision: row.record.revision }]));
}

async function upsertRecords(tx: PoolClient, target: TableSet, citizens: readonly Citizen[]): Promise<void> {
  if (citizens.length === 0) return;
  await tx.query(
    `INSERT INTO ${tableName('citizen_records', target)} (pin, revision, replaced_by, record)
     SELECT * FROM unnest($1::text[], $2::integer[], $3::text[], $4::json[])
     ON CONFLICT (pin) DO UPDATE
       SET revision = excluded.revision, replaced_by = excluded.replaced_by, record = excluded.record`,
    [
      citizens.map((c) => c.record.pin),
      citizens.map((c) => c.revision),
      citizens.map((c) => c.record.replacedBy),
      citizens.map((c) => JSON.stringify(citizenDocument(c.record, c.revision))),
    ],
  );
}

/** Name rows change only with the name, birth date or residence: other events leave them be. */
async function upsertNames(tx: PoolClient, target: TableSet, citizens: readonly Citizen[]): Promise<void> {
  if (citizens.length === 0) return;
  const table = tableName('citizen_names', target);
  await tx.query(
    `INSERT INTO ${table} AS n (pin, full_name, date_of_birth, residence_province_code)
     SELECT * FROM unnest($1::text[], $2::text[], $3::date[], $4::text[])
     ON CONFLICT (pin) DO UPDATE
       SET full_name = excluded.full_name, date_of_birth = excluded.date_of_birth,
           residence_province_code = excluded.residence_province_code
       WHERE (n.full_name, n.date_of_birth, n.residence_province_code)
             IS DISTINCT FROM (excluded.full_name, excluded.date_of_birth, excluded.residence_province_code)`,
    [
      citizens.map((c) => c.record.pin),
      citizens.map((c) => fullNameOf(c.record.name)),
      citizens.map((c) => c.record.dateOfBirth),
      citizens.map((c) => c.record.permanentResidence?.address.provinceCode ?? null),
    ],
  );
}

/** A PIN a correction replaced is found under the new PIN only. */
async function removeNames(tx: PoolClient, target: TableSet, citizens: readonly Citizen[]): Promise<void> {
  if (citizens.length === 0) return;
  await tx.query(`DELETE FROM ${tableName('citizen_names', target)} WHERE pin = ANY($1)`, [citizens.map((c) => c.record.pin)]);
}
