import type { PoolClient } from 'pg';
import type { RecordedEvent } from '@registry/event-store';
import { evolveCitizen } from '@registry/domain';
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

async function projectCitizens(tx: PoolClient, events: readonly RecordedEvent[], target: TableSet): Promise<void> {
  const documents = await loadDocuments(tx, target, pinsSeenBefore(events));
  const changed = new Set<string>();
  for (const event of events) {
    const pin = pinOfStream(event.streamId);
    if (pin === undefined) continue;
    const next = evolveDocument(documents.get(pin), event);
    if (next) {
      documents.set(pin, next);
      changed.add(pin);
    }
  }
  const rows = [...changed].map((pin) => documents.get(pin)!);
  await upsertRecords(tx, target, rows);
  await upsertNames(tx, target, rows);
}

/** Every event of the stream moves the revision, even one this build does not fold. */
function evolveDocument(current: CitizenDocument | undefined, event: RecordedEvent): CitizenDocument | undefined {
  const known = asCitizenEvent(event);
  const record = known ? evolveCitizen(current ? recordOf(current) : null, known) : current && recordOf(current);
  return record ? citizenDocument(record, event.revision) : undefined;
}

async function loadDocuments(tx: PoolClient, target: TableSet, pins: string[]): Promise<Map<string, CitizenDocument>> {
  if (pins.length === 0) return new Map();
  const { rows } = await tx.query<{ pin: string; record: CitizenDocument }>(
    `SELECT pin, record FROM ${tableName('citizen_records', target)} WHERE pin = ANY($1)`,
    [pins],
  );
  return new Map(rows.map((row) => [row.pin, row.record]));
}

async function upsertRecords(tx: PoolClient, target: TableSet, rows: readonly CitizenDocument[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO ${tableName('citizen_records', target)} (pin, revision, record)
     SELECT * FROM unnest($1::text[], $2::integer[], $3::json[])
     ON CONFLICT (pin) DO UPDATE SET revision = excluded.revision, record = excluded.record`,
    [rows.map((r) => r.pin), rows.map((r) => r.revision), rows.map((r) => JSON.stringify(r))],
  );
}

/** Name rows change only with the name, birth date or residence: other events leave them be. */
async function upsertNames(tx: PoolClient, target: TableSet, rows: readonly CitizenDocument[]): Promise<void> {
  if (rows.length === 0) return;
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
      rows.map((r) => r.pin),
      rows.map((r) => fullNameOf(r.name)),
      rows.map((r) => r.dateOfBirth),
      rows.map((r) => r.permanentResidence?.address.provinceCode ?? null),
    ],
  );
}
