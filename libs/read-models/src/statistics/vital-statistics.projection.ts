import type { PoolClient } from 'pg';
import type { RecordedEvent } from '@registry/event-store';
import type { CitizenEvent, CitizenImported, Place, RecordCorrected } from '@registry/domain';
import { asCitizenEvent } from '../projection/citizen-events';
import { copyRows } from '../projection/copy-rows';
import { InstantText } from '../projection/instant-text';
import { pinOfStream, tableName, type Projection, type TableSet } from '../projection/projection';

/**
 * Births and deaths: for each citizen where and in which month they were born and died (the
 * place and date of the event itself, not of its registration), kept in recorded time: a change
 * (a late death registration, a correction) closes the row the registry held and adds a version,
 * so the statistics answer as known at any instant. A re-established PIN takes the row over at
 * the old stream's closing instant, so the person is counted once at every instant.
 */
export const vitalStatisticsProjection: Projection = {
  name: 'vital-statistics',
  tables: ['vital_events'],
  schema: { create: 'create_vital_statistics_tables', index: 'index_vital_statistics_tables' },
  rebuildCost: 8, // % of the one-thread rebuild's CPU profile (ADR 0110)
  project: projectVitalEvents,
};

interface VitalFacts {
  readonly birth_province_code: string;
  readonly birth_month: string;
  readonly death_province_code: string | null;
  readonly death_month: string | null;
}

interface VitalRow extends VitalFacts {
  readonly pin: string;
  readonly asserted_by: number;
  readonly recorded_from: Date;
  readonly recorded_to: Date | null;
}

/** What an event brings besides its data. */
interface Fact {
  readonly pin: string;
  readonly revision: number;
  readonly recordedAt: Date;
}

/** The batch's versions: each citizen's open one, and every version written or closed. */
class VitalRows {
  private readonly open = new Map<string, VitalRow>();
  /** Versions to write, by pin|asserted_by (an update of a stored one or a new one). */
  readonly changed = new Map<string, VitalRow>();
  /** The keys (pin|asserted_by) of the versions stored already. */
  readonly stored = new Set<string>();

  constructor(stored: readonly VitalRow[]) {
    for (const row of stored) {
      this.open.set(row.pin, row);
      this.stored.add(keyOf(row));
    }
  }

  get(pin: string): VitalRow | undefined {
    return this.open.get(pin);
  }

  /** The citizen's facts from `fact` on; null: no row from then on (the PIN was replaced). */
  set(fact: Fact, given: VitalFacts | null): void {
    const old = this.open.get(fact.pin);
    const facts = given && factsOf(given);
    if (old && facts && sameFacts(old, facts)) return;
    if (old && old.recorded_from.getTime() >= fact.recordedAt.getTime() && facts) {
      // Nobody could have seen the version of this very transaction: changed in place.
      return this.write({ ...old, ...facts });
    }
    if (old) this.write({ ...old, recorded_to: fact.recordedAt }, false);
    if (facts) {
      const row = { pin: fact.pin, asserted_by: fact.revision, ...facts, recorded_from: fact.recordedAt };
      this.write({ ...row, recorded_to: null });
    } else this.open.delete(fact.pin);
  }

  private write(row: VitalRow, open = true): void {
    this.changed.set(keyOf(row), row);
    if (open) this.open.set(row.pin, row);
  }
}

function keyOf(row: VitalRow): string {
  return `${row.pin}|${row.asserted_by}`;
}

function factsOf(row: VitalFacts): VitalFacts {
  const { birth_province_code, birth_month, death_province_code, death_month } = row;
  return { birth_province_code, birth_month, death_province_code, death_month };
}

function sameFacts(a: VitalFacts, b: VitalFacts): boolean {
  return (
    a.birth_province_code === b.birth_province_code &&
    a.birth_month === b.birth_month &&
    a.death_province_code === b.death_province_code &&
    a.death_month === b.death_month
  );
}

const NEEDS_ROW = new Set(['DeathRegistered', 'DeathAnnulled', 'RecordCorrected', 'PinReestablished']);

async function projectVitalEvents(tx: PoolClient, events: readonly RecordedEvent[], target: TableSet): Promise<void> {
  const rows = new VitalRows(await loadRows(tx, target, pinsNeedingRows(events)));
  for (const event of events) {
    const pin = pinOfStream(event.streamId);
    const known = asCitizenEvent(event);
    if (pin !== undefined && known) apply(rows, known, { pin, revision: event.revision, recordedAt: event.recordedAt });
  }
  await saveRows(tx, target, [...rows.changed.values()], rows.stored);
}

function apply(rows: VitalRows, event: CitizenEvent, fact: Fact): void {
  const pin = fact.pin;
  switch (event.type) {
    case 'BirthRegistered': {
      const { placeOfBirth, dateOfBirth } = event.data;
      return rows.set(fact, {
        birth_province_code: placeOfBirth.provinceCode,
        birth_month: monthOf(dateOfBirth),
        death_province_code: null,
        death_month: null,
      });
    }
    case 'CitizenImported': {
      const { placeOfBirth, dateOfBirth, dateOfDeath } = event.data;
      return rows.set(fact, {
        birth_province_code: placeOfBirth.provinceCode,
        birth_month: monthOf(dateOfBirth),
        death_province_code: dateOfDeath === null ? null : provinceOfResidenceAt(event.data, dateOfDeath),
        death_month: dateOfDeath === null ? null : monthOf(dateOfDeath),
      });
    }
    case 'DeathRegistered': {
      const row = rows.get(pin);
      if (row)
        rows.set(fact, {
          ...row,
          death_province_code: event.data.placeOfDeath.provinceCode,
          death_month: monthOf(event.data.dateOfDeath),
        });
      return;
    }
    case 'DeathAnnulled': {
      const row = rows.get(pin);
      if (row) rows.set(fact, { ...row, death_province_code: null, death_month: null });
      return;
    }
    case 'RecordCorrected':
      return correctBirth(rows, fact, event.data);
    case 'PinReestablished': {
      // At the closing instant the old PIN's row closes and the new PIN's opens (its revision 0).
      const row = rows.get(pin);
      if (row) rows.set({ pin: event.data.newPin, revision: 0, recordedAt: fact.recordedAt }, row);
      return rows.set(fact, null);
    }
    case 'CitizenContinued': // the row arrives with the old stream's PinReestablished
    case 'PermanentResidenceRegistered':
    case 'PermanentResidenceCancelled':
    case 'TemporaryResidenceRegistered':
    case 'TemporaryResidenceEnded':
    case 'NameChanged':
    case 'MarriageRegistered':
    case 'MarriageWithdrawn':
    case 'DivorceRegistered':
    case 'MarriageEndedByDeath':
    case 'MarriageRestored':
    case 'SpousePinReestablished':
      return;
    default: {
      const unknown: never = event;
      throw new Error(`Unhandled event ${JSON.stringify(unknown)}`);
    }
  }
}

function correctBirth(rows: VitalRows, fact: Fact, correction: RecordCorrected['data']): void {
  const row = rows.get(fact.pin);
  if (!row) return;
  if (correction.field === 'dateOfBirth')
    rows.set(fact, { ...row, birth_month: monthOf(correction.newValue as string) });
  if (correction.field === 'placeOfBirth')
    rows.set(fact, { ...row, birth_province_code: (correction.newValue as Place).provinceCode });
  if (correction.field === 'dateOfDeath')
    rows.set(fact, { ...row, death_month: monthOf(correction.newValue as string) });
  if (correction.field === 'placeOfDeath')
    rows.set(fact, { ...row, death_province_code: (correction.newValue as Place).provinceCode });
}

/**
 * The legacy register has no place of death: an imported death counts where the person lived
 * when they died (the permanent residence held on that day). A residence that starts after the
 * death was not theirs at death: no province then.
 */
function provinceOfResidenceAt(record: CitizenImported['data'], date: string): string | null {
  const residence = record.permanentResidence;
  return residence !== null && residence.since <= date ? residence.address.provinceCode : null;
}

function monthOf(date: string): string {
  return `${date.slice(0, 7)}-01`;
}

function pinsNeedingRows(events: readonly RecordedEvent[]): string[] {
  const pins = new Set<string>();
  for (const event of events) {
    const pin = pinOfStream(event.streamId);
    if (pin !== undefined && NEEDS_ROW.has(event.type)) pins.add(pin);
  }
  return [...pins];
}

/** Each citizen's open version (the one the registry currently holds). */
async function loadRows(tx: PoolClient, target: TableSet, pins: string[]): Promise<VitalRow[]> {
  if (pins.length === 0) return [];
  const { rows } = await tx.query<Omit<VitalRow, 'recorded_from'> & { recorded_from_ms: number }>(
    `SELECT pin, asserted_by, birth_province_code, birth_month::text, death_province_code, death_month::text,
            floor(extract(epoch FROM lower(recorded)) * 1000)::float8 AS recorded_from_ms, NULL AS recorded_to
       FROM ${tableName('vital_events', target)} WHERE pin = ANY($1) AND upper_inf(recorded)`,
    [pins],
  );
  return rows.map(({ recorded_from_ms, ...row }) => ({ ...row, recorded_from: new Date(recorded_from_ms) }));
}

/**
 * Writes new versions (by COPY: a version's key, the revision asserting it, is never reused) and
 * the changed ranges of stored ones (same key: the latest write wins).
 */
async function saveRows(
  tx: PoolClient,
  target: TableSet,
  rows: readonly VitalRow[],
  stored: ReadonlySet<string>,
): Promise<void> {
  const table = tableName('vital_events', target);
  const instants = new InstantText();
  const texts = rows.map(({ recorded_from, recorded_to, ...row }) => ({
    ...row,
    recorded: `[${instants.of(recorded_from)},${recorded_to ? instants.of(recorded_to) : ''})`,
  }));
  const isStored = (row: VitalRow) => stored.has(keyOf(row));
  await copyRows(
    tx,
    table,
    ['pin', 'asserted_by', 'birth_province_code', 'birth_month', 'death_province_code', 'death_month', 'recorded'],
    texts
      .filter((_, i) => !isStored(rows[i]))
      .map((r) => [
        r.pin,
        r.asserted_by,
        r.birth_province_code,
        r.birth_month,
        r.death_province_code,
        r.death_month,
        r.recorded,
      ]),
  );
  const known = texts.filter((_, i) => isStored(rows[i]));
  if (known.length === 0) return;
  await tx.query(
    `INSERT INTO ${table} (pin, asserted_by, birth_province_code, birth_month, death_province_code, death_month, recorded)
     SELECT * FROM json_to_recordset($1::json)
            AS r(pin text, asserted_by integer, birth_province_code text, birth_month date, death_province_code text,
                 death_month date, recorded tstzrange)
     ON CONFLICT (pin, asserted_by) DO UPDATE SET birth_province_code = excluded.birth_province_code,
       birth_month = excluded.birth_month, death_province_code = excluded.death_province_code,
       death_month = excluded.death_month, recorded = excluded.recorded`,
    [JSON.stringify(known)],
  );
}
