import type { PoolClient } from 'pg';
import type { RecordedEvent } from '@registry/event-store';
import { evolveCitizen, type Address, type CitizenEvent, type CitizenSnapshot } from '@registry/domain';
import { addressOf } from '../citizens/citizen-document';
import { asCitizenEvent } from '../projection/citizen-events';
import { pinOfStream, pinsSeenBefore, tableName, type Projection, type TableSet } from '../projection/projection';
import { dayAfter, period, ResidenceLedger, type Fact, type ResidenceVersion } from './residence-ledger';

/**
 * Residence history with valid time and recorded time, for residents of a province and the
 * population on a date (as known at an instant). A death ends the residences the day after it:
 * the population counts the living.
 */
export const residencesProjection: Projection = {
  name: 'residences',
  tables: ['residence_history'],
  schema: { create: 'create_residence_tables', index: 'index_residence_tables' },
  project: projectResidences,
};

async function projectResidences(tx: PoolClient, events: readonly RecordedEvent[], target: TableSet): Promise<void> {
  const ledger = new ResidenceLedger(await loadCurrent(tx, target, pinsSeenBefore(events)));
  for (const event of events) {
    const pin = pinOfStream(event.streamId);
    const known = asCitizenEvent(event);
    if (pin === undefined || !known) continue;
    record(ledger, known, { pin, revision: event.revision, recordedAt: event.recordedAt, type: event.type });
  }
  const { inserts, updates } = ledger.changes();
  await updateVersions(tx, target, updates);
  await insertVersions(tx, target, inserts);
}

function record(ledger: ResidenceLedger, event: CitizenEvent, fact: Fact): void {
  switch (event.type) {
    case 'BirthRegistered':
      return; // the application's address becomes a residence when it is registered
    case 'PermanentResidenceRegistered':
      return ledger.register('permanent', fact, addressOf(event.data.address), period(event.data.effectiveDate, null));
    case 'PermanentResidenceCancelled':
      return ledger.end('permanent', fact, event.data.effectiveDate);
    case 'TemporaryResidenceRegistered': {
      const { from, until } = event.data; // `until` is the last day of the stay
      return ledger.register('temporary', fact, addressOf(event.data.address), period(from, dayAfter(until)));
    }
    case 'TemporaryResidenceEnded':
      return ledger.end('temporary', fact, event.data.endedOn);
    case 'DeathRegistered': {
      const dayAfterDeath = dayAfter(event.data.dateOfDeath);
      ledger.end('permanent', fact, dayAfterDeath);
      return ledger.end('temporary', fact, dayAfterDeath);
    }
    case 'DeathAnnulled': {
      // What the death ended holds again, as registered.
      const { restoredPermanentResidence, restoredTemporaryResidence } = event.data;
      ledger.reopen('permanent', fact, null, restoredPermanentResidence ? DEATH_ENDINGS : ['DeathRegistered']);
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
      return;
    case 'PinReestablished':
      // Earlier residences stay under the old PIN (the past is counted once, there); the current
      // ones continue under the new PIN (CitizenContinued).
      ledger.retract('permanent', fact);
      return ledger.retract('temporary', fact);
    case 'CitizenContinued':
      return carryOver(ledger, event.data.record, fact);
    case 'CitizenImported': // the legacy record's residence, ended by its death like any other
      return carryOver(ledger, evolveCitizen(null, event)!, fact);
    case 'NameChanged':
    case 'RecordCorrected':
      return;
    default: {
      const unknown: never = event;
      throw new Error(`Unhandled event ${JSON.stringify(unknown)}`);
    }
  }
}

/** The events by which a death ends a residence (the death itself, the steps it causes). */
const DEATH_ENDINGS = ['DeathRegistered', 'PermanentResidenceCancelled', 'TemporaryResidenceEnded'];

/** The residences a re-established PIN starts with: those of the record it continues. */
function carryOver(ledger: ResidenceLedger, record: CitizenSnapshot, fact: Fact): void {
  const end = record.dateOfDeath === null ? null : dayAfter(record.dateOfDeath);
  const permanent = record.permanentResidence;
  if (permanent) ledger.register('permanent', fact, addressOf(permanent.address), period(permanent.since, end));
  const temporary = record.temporaryResidence;
  if (temporary) {
    const until = dayAfter(temporary.until);
    ledger.register(
      'temporary',
      fact,
      addressOf(temporary.address),
      period(temporary.from, end !== null && end < until ? end : until),
    );
  }
}

interface VersionRow {
  pin: string;
  kind: ResidenceVersion['kind'];
  registered_by: number;
  asserted_by: number;
  address: Address;
  valid_from: string | null;
  valid_to: string | null;
  is_empty: boolean;
  recorded_from_ms: number;
  ended_by: string | null;
}

/** Each citizen's latest residence per kind, in its version the registry currently holds. */
async function loadCurrent(tx: PoolClient, target: TableSet, pins: string[]): Promise<ResidenceVersion[]> {
  if (pins.length === 0) return [];
  const { rows } = await tx.query<VersionRow>(
    `SELECT DISTINCT ON (pin, kind) pin, kind, registered_by, asserted_by, address,
            lower(valid)::text AS valid_from, upper(valid)::text AS valid_to, isempty(valid) AS is_empty,
            floor(extract(epoch FROM lower(recorded)) * 1000)::float8 AS recorded_from_ms, ended_by
       FROM ${tableName('residence_history', target)}
      WHERE pin = ANY($1) AND upper_inf(recorded)
      ORDER BY pin, kind, registered_by DESC`,
    [pins],
  );
  return rows.map((row) => ({
    pin: row.pin,
    kind: row.kind,
    registeredBy: row.registered_by,
    assertedBy: row.asserted_by,
    address: row.address,
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
    recorded: `[${instants.of(v.recordedFrom)},${v.recordedTo ? instants.of(v.recordedTo) : ''})`,
    ended_by: v.endedBy,
  }));
}

const COLUMNS = `pin text, kind text, registered_by integer, asserted_by integer, province_code text, address json,
                 valid daterange, recorded tstzrange, ended_by text`;

async function insertVersions(tx: PoolClient, target: TableSet, versions: readonly ResidenceVersion[]): Promise<void> {
  if (versions.length === 0) return;
  await tx.query(
    `INSERT INTO ${tableName('residence_history', target)}
            (pin, kind, registered_by, asserted_by, province_code, address, valid, recorded, ended_by)
     SELECT pin, kind, registered_by, asserted_by, province_code, address, valid, recorded, ended_by
       FROM json_to_recordset($1::json) AS r(${COLUMNS})`,
    [JSON.stringify(rowsOf(versions))],
  );
}

/** Only `valid`, `recorded` and `ended_by` of a stored version ever change. */
async function updateVersions(tx: PoolClient, target: TableSet, versions: readonly ResidenceVersion[]): Promise<void> {
  if (versions.length === 0) return;
  await tx.query(
    `UPDATE ${tableName('residence_history', target)} AS h
        SET valid = u.valid, recorded = u.recorded, ended_by = u.ended_by
       FROM json_to_recordset($1::json) AS u(${COLUMNS})
      WHERE h.pin = u.pin AND h.kind = u.kind AND h.registered_by = u.registered_by AND h.asserted_by = u.asserted_by`,
    [JSON.stringify(rowsOf(versions))],
  );
}

/** Events of one transaction share their instant: each is written out once. */
class InstantText {
  private readonly texts = new Map<number, string>();

  of(instant: Date): string {
    const ms = instant.getTime();
    let text = this.texts.get(ms);
    if (text === undefined) {
      text = instant.toISOString();
      this.texts.set(ms, text);
    }
    return text;
  }
}
