import type { PoolClient } from 'pg';
import type { RecordedEvent } from '@registry/event-store';
import type { Address, CitizenEvent } from '@registry/domain';
import { addressOf } from '../citizens/citizen-document';
import { asCitizenEvent } from '../projection/citizen-events';
import { copyRows } from '../projection/copy-rows';
import { InstantText } from '../projection/instant-text';
import { pinOfStream, pinsSeenBefore, tableName, type Projection, type TableSet } from '../projection/projection';
import { dayAfter, ResidenceLedger, type Fact, type Life, type ResidenceVersion } from './residence-ledger';

/**
 * Residence history with valid time and recorded time, for residents of a province and the
 * population on a date (as known at an instant). `valid` holds the days a census at 0:00 counts
 * the resident (citizen-history: born before the day, not dead before it), so one count of the
 * versions valid on the date and believed at the instant answers the population.
 */
export const residencesProjection: Projection = {
  name: 'residences',
  tables: ['residence_history', 'residence_lives'],
  schema: { create: 'create_residence_tables', index: 'index_residence_tables' },
  rebuildCost: 26, // % of the one-thread rebuild's CPU profile (ADR 0110)
  project: projectResidences,
};

async function projectResidences(tx: PoolClient, events: readonly RecordedEvent[], target: TableSet): Promise<void> {
  const pins = [...pinsSeenBefore(events), ...events.filter(isReestablishment).map((e) => String(e.data.newPin))];
  const storedLives = await loadLives(tx, target, pins);
  const ledger = new ResidenceLedger(await loadOpen(tx, target, pins), storedLives);
  for (const event of events) {
    const pin = pinOfStream(event.streamId);
    const known = asCitizenEvent(event);
    if (pin === undefined || !known) continue;
    record(ledger, known, { pin, revision: event.revision, recordedAt: event.recordedAt, type: event.type });
  }
  const { inserts, updates } = ledger.changes();
  await updateVersions(tx, target, updates);
  await insertVersions(tx, target, inserts);
  await saveLives(tx, target, ledger.changedLives, storedLives);
}

const isReestablishment = (event: RecordedEvent) => event.type === 'PinReestablished';

function record(ledger: ResidenceLedger, event: CitizenEvent, fact: Fact): void {
  switch (event.type) {
    case 'BirthRegistered': // the application's address becomes a residence when it is registered
      return ledger.born(fact, event.data.dateOfBirth);
    case 'PermanentResidenceRegistered':
      return ledger.register('permanent', fact, addressOf(event.data.address), {
        from: event.data.effectiveDate,
        to: null,
      });
    case 'PermanentResidenceCancelled':
      return ledger.end('permanent', fact, event.data.effectiveDate);
    case 'TemporaryResidenceRegistered': {
      const { from, until } = event.data; // `until` is the last day of the stay
      return ledger.register('temporary', fact, addressOf(event.data.address), { from, to: dayAfter(until) });
    }
    case 'TemporaryResidenceEnded':
      return ledger.end('temporary', fact, event.data.endedOn);
    case 'DeathRegistered': // counted until the day of death, whatever residence it is (see Life)
      return ledger.died(fact, event.data.dateOfDeath);
    case 'DeathAnnulled': {
      // Alive again, and what the death's procedure ended holds again, as registered.
      ledger.died(fact, null);
      const { restoredPermanentResidence, restoredTemporaryResidence } = event.data;
      if (restoredPermanentResidence) ledger.reopen('permanent', fact, null, DEATH_ENDINGS);
      if (restoredTemporaryResidence) {
        ledger.reopen('temporary', fact, dayAfter(restoredTemporaryResidence.until), DEATH_ENDINGS);
      }
      return;
    }
    case 'MarriageRegistered':
    case 'MarriageWithdrawn':
    case 'DivorceRegistered':
    case 'MarriageEndedByDeath':
    case 'MarriageRestored':
    case 'SpousePinReestablished':
    case 'NameChanged':
      return;
    case 'RecordCorrected':
      // A later date of birth clips every residence to begin no earlier (an earlier one unclips it).
      if (event.data.field === 'dateOfBirth') ledger.born(fact, event.data.newValue as string);
      if (event.data.field === 'dateOfDeath') ledger.died(fact, event.data.newValue as string);
      return;
    case 'PinReestablished':
      // Recorded after the new stream's opening: both PINs' residences change at this instant.
      return ledger.carryOver(fact, event.data.newPin);
    case 'CitizenContinued': // its residences arrive with the old stream's PinReestablished
      return ledger.born(fact, event.data.record.dateOfBirth, event.data.record.dateOfDeath ?? null);
    case 'CitizenImported': {
      // The legacy record's residence, ended by its death like any other.
      const { dateOfBirth, permanentResidence, dateOfDeath } = event.data;
      ledger.born(fact, dateOfBirth, dateOfDeath);
      if (!permanentResidence) return;
      const held = { from: permanentResidence.since, to: null };
      return ledger.register('permanent', fact, addressOf(permanentResidence.address), held);
    }
    default: {
      const unknown: never = event;
      throw new Error(`Unhandled event ${JSON.stringify(unknown)}`);
    }
  }
}

/** The events by which a death ends a residence (the death itself, the steps it causes). */
const DEATH_ENDINGS = ['DeathRegistered', 'PermanentResidenceCancelled', 'TemporaryResidenceEnded'];

interface VersionRow {
  pin: string;
  kind: ResidenceVersion['kind'];
  registered_by: number;
  asserted_by: number;
  address: Address;
  held_from: string;
  held_to: string | null;
  since: string;
  valid_from: string | null;
  valid_to: string | null;
  is_empty: boolean;
  recorded_from_ms: number;
  ended_by: string | null;
}

/**
 * The residences the registry currently holds for these citizens, each in its believed version
 * (a few per citizen: a correction of the date of birth may clip any of them).
 */
async function loadOpen(tx: PoolClient, target: TableSet, pins: string[]): Promise<ResidenceVersion[]> {
  if (pins.length === 0) return [];
  const { rows } = await tx.query<VersionRow>(
    `SELECT pin, kind, registered_by, asserted_by, address, held_from::text, held_to::text, since::text,
            lower(valid)::text AS valid_from, upper(valid)::text AS valid_to, isempty(valid) AS is_empty,
            floor(extract(epoch FROM lower(recorded)) * 1000)::float8 AS recorded_from_ms, ended_by
       FROM ${tableName('residence_history', target)}
      WHERE pin = ANY($1) AND upper_inf(recorded)`,
    [pins],
  );
  return rows.map((row) => ({
    pin: row.pin,
    kind: row.kind,
    registeredBy: row.registered_by,
    assertedBy: row.asserted_by,
    address: row.address,
    held: { from: row.held_from, to: row.held_to },
    since: row.since,
    valid: row.is_empty ? 'empty' : { from: row.valid_from!, to: row.valid_to },
    recordedFrom: new Date(row.recorded_from_ms),
    recordedTo: null,
    endedBy: row.ended_by,
  }));
}

/** The columns of a version as one JSON row (see upsertRecords in the citizens projection). */
function rowsOf(versions: readonly ResidenceVersion[]) {
  const instants = new InstantText();
  return versions.map((v) => ({
    pin: v.pin,
    kind: v.kind,
    registered_by: v.registeredBy,
    asserted_by: v.assertedBy,
    province_code: v.address.provinceCode,
    address: v.address,
    valid: v.valid === 'empty' ? 'empty' : `[${v.valid.from},${v.valid.to ?? ''})`,
    held_from: v.held.from,
    held_to: v.held.to,
    since: v.since,
    recorded: `[${instants.of(v.recordedFrom)},${v.recordedTo ? instants.of(v.recordedTo) : ''})`,
    ended_by: v.endedBy,
  }));
}

const COLUMNS = `pin text, kind text, registered_by integer, asserted_by integer, province_code text, address json,
                 valid daterange, held_from date, held_to date, since date, recorded tstzrange, ended_by text`;

/** New versions, by COPY: a version's key (its residence and the revision asserting it) is never reused. */
async function insertVersions(tx: PoolClient, target: TableSet, versions: readonly ResidenceVersion[]): Promise<void> {
  const instants = new InstantText();
  await copyRows(
    tx,
    tableName('residence_history', target),
    VERSION_COLUMNS,
    versions.map((v) => [
      v.pin,
      v.kind,
      v.registeredBy,
      v.assertedBy,
      v.address.provinceCode,
      JSON.stringify(v.address),
      v.valid === 'empty' ? 'empty' : `[${v.valid.from},${v.valid.to ?? ''})`,
      v.held.from,
      v.held.to,
      v.since,
      `[${instants.of(v.recordedFrom)},${v.recordedTo ? instants.of(v.recordedTo) : ''})`,
      v.endedBy,
    ]),
  );
}

const VERSION_COLUMNS = [
  'pin',
  'kind',
  'registered_by',
  'asserted_by',
  'province_code',
  'address',
  'valid',
  'held_from',
  'held_to',
  'since',
  'recorded',
  'ended_by',
];

/** Only the periods, `recorded` and `ended_by` of a stored version ever change. */
async function updateVersions(tx: PoolClient, target: TableSet, versions: readonly ResidenceVersion[]): Promise<void> {
  if (versions.length === 0) return;
  await tx.query(
    `UPDATE ${tableName('residence_history', target)} AS h
        SET valid = u.valid, held_from = u.held_from, held_to = u.held_to, since = u.since,
            recorded = u.recorded, ended_by = u.ended_by
       FROM json_to_recordset($1::json) AS u(${COLUMNS})
      WHERE h.pin = u.pin AND h.kind = u.kind AND h.registered_by = u.registered_by AND h.asserted_by = u.asserted_by`,
    [JSON.stringify(rowsOf(versions))],
  );
}

async function loadLives(tx: PoolClient, target: TableSet, pins: string[]): Promise<Map<string, Life>> {
  if (pins.length === 0) return new Map();
  const { rows } = await tx.query<{ pin: string; date_of_birth: string; date_of_death: string | null }>(
    `SELECT pin, date_of_birth::text, date_of_death::text FROM ${tableName('residence_lives', target)}
      WHERE pin = ANY($1)`,
    [pins],
  );
  return new Map(rows.map((row) => [row.pin, { born: row.date_of_birth, died: row.date_of_death }]));
}

/**
 * Each citizen's dates of birth and death as last registered or corrected: residences count
 * between them. A citizen's first life goes in by COPY, a stored one is updated.
 */
async function saveLives(
  tx: PoolClient,
  target: TableSet,
  lives: ReadonlyMap<string, Life>,
  stored: ReadonlyMap<string, Life>,
): Promise<void> {
  const table = tableName('residence_lives', target);
  const rows = [...lives].map(([pin, life]) => ({ pin, date_of_birth: life.born, date_of_death: life.died }));
  await copyRows(
    tx,
    table,
    ['pin', 'date_of_birth', 'date_of_death'],
    rows.filter((r) => !stored.has(r.pin)).map((r) => [r.pin, r.date_of_birth, r.date_of_death]),
  );
  const known = rows.filter((r) => stored.has(r.pin));
  if (known.length === 0) return;
  await tx.query(
    `INSERT INTO ${table} (pin, date_of_birth, date_of_death)
     SELECT * FROM json_to_recordset($1::json) AS r(pin text, date_of_birth date, date_of_death date)
     ON CONFLICT (pin) DO UPDATE SET date_of_birth = excluded.date_of_birth, date_of_death = excluded.date_of_death`,
    [JSON.stringify(known)],
  );
}
