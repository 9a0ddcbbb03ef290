import type { PoolClient } from 'pg';
import type { RecordedEvent } from '@registry/event-store';
import type { CitizenEvent, CitizenImported, Place, RecordCorrected } from '@registry/domain';
import { asCitizenEvent } from '../projection/citizen-events';
import { pinOfStream, tableName, type Projection, type TableSet } from '../projection/projection';

/**
 * Births and deaths: for each citizen where and in which month they were born and died (the
 * place and date of the event itself, not of its registration). The statistics count these
 * rows. A correction of the date or place of birth rewrites the row; a re-established PIN takes
 * the row over, so the person is counted once.
 */
export const vitalStatisticsProjection: Projection = {
  name: 'vital-statistics',
  tables: ['vital_events'],
  schema: { create: 'create_vital_statistics_tables', index: 'index_vital_statistics_tables' },
  project: projectVitalEvents,
};

interface VitalRow {
  readonly pin: string;
  readonly birth_province_code: string;
  readonly birth_month: string;
  readonly death_province_code: string | null;
  readonly death_month: string | null;
}

/** The batch's rows: written, or removed (null). */
class VitalRows {
  readonly changed = new Map<string, VitalRow | null>();

  constructor(private readonly stored: ReadonlyMap<string, VitalRow>) {}

  get(pin: string): VitalRow | undefined {
    const row = this.changed.get(pin);
    return row === null ? undefined : (row ?? this.stored.get(pin));
  }

  set(pin: string, row: VitalRow | null): void {
    this.changed.set(pin, row);
  }
}

const NEEDS_ROW = new Set(['DeathRegistered', 'DeathAnnulled', 'RecordCorrected', 'PinReestablished']);

async function projectVitalEvents(tx: PoolClient, events: readonly RecordedEvent[], target: TableSet): Promise<void> {
  const rows = new VitalRows(await loadRows(tx, target, pinsNeedingRows(events)));
  for (const event of events) {
    const pin = pinOfStream(event.streamId);
    const known = asCitizenEvent(event);
    if (pin !== undefined && known) apply(rows, pin, known);
  }
  await saveRows(tx, target, rows.changed);
}

function apply(rows: VitalRows, pin: string, event: CitizenEvent): void {
  switch (event.type) {
    case 'BirthRegistered': {
      const { placeOfBirth, dateOfBirth } = event.data;
      return rows.set(pin, {
        pin,
        birth_province_code: placeOfBirth.provinceCode,
        birth_month: monthOf(dateOfBirth),
        death_province_code: null,
        death_month: null,
      });
    }
    case 'CitizenImported': {
      const { placeOfBirth, dateOfBirth, dateOfDeath } = event.data;
      return rows.set(pin, {
        pin,
        birth_province_code: placeOfBirth.provinceCode,
        birth_month: monthOf(dateOfBirth),
        death_province_code: dateOfDeath === null ? null : provinceOfResidenceAt(event.data, dateOfDeath),
        death_month: dateOfDeath === null ? null : monthOf(dateOfDeath),
      });
    }
    case 'DeathRegistered': {
      const row = rows.get(pin);
      if (row)
        rows.set(pin, {
          ...row,
          death_province_code: event.data.placeOfDeath.provinceCode,
          death_month: monthOf(event.data.dateOfDeath),
        });
      return;
    }
    case 'DeathAnnulled': {
      const row = rows.get(pin);
      if (row) rows.set(pin, { ...row, death_province_code: null, death_month: null });
      return;
    }
    case 'RecordCorrected':
      return correctBirth(rows, pin, event.data);
    case 'PinReestablished': {
      const row = rows.get(pin);
      if (row) rows.set(event.data.newPin, { ...row, pin: event.data.newPin });
      return rows.set(pin, null);
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

function correctBirth(rows: VitalRows, pin: string, correction: RecordCorrected['data']): void {
  const row = rows.get(pin);
  if (!row) return;
  if (correction.field === 'dateOfBirth')
    rows.set(pin, { ...row, birth_month: monthOf(correction.newValue as string) });
  if (correction.field === 'placeOfBirth')
    rows.set(pin, { ...row, birth_province_code: (correction.newValue as Place).provinceCode });
  if (correction.field === 'dateOfDeath')
    rows.set(pin, { ...row, death_month: monthOf(correction.newValue as string) });
  if (correction.field === 'placeOfDeath')
    rows.set(pin, { ...row, death_province_code: (correction.newValue as Place).provinceCode });
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

async function loadRows(tx: PoolClient, target: TableSet, pins: string[]): Promise<Map<string, VitalRow>> {
  if (pins.length === 0) return new Map();
  const { rows } = await tx.query<VitalRow>(
    `SELECT pin, birth_province_code, birth_month::text, death_province_code, death_month::text
       FROM ${tableName('vital_events', target)} WHERE pin = ANY($1)`,
    [pins],
  );
  return new Map(rows.map((row) => [row.pin, row]));
}

async function saveRows(
  tx: PoolClient,
  target: TableSet,
  changed: ReadonlyMap<string, VitalRow | null>,
): Promise<void> {
  const table = tableName('vital_events', target);
  const written = [...changed.values()].filter((row): row is VitalRow => row !== null);
  const removed = [...changed].filter(([, row]) => row === null).map(([pin]) => pin);
  if (written.length > 0) {
    await tx.query(
      `INSERT INTO ${table} (pin, birth_province_code, birth_month, death_province_code, death_month)
       SELECT * FROM json_to_recordset($1::json)
              AS r(pin text, birth_province_code text, birth_month date, death_province_code text, death_month date)
       ON CONFLICT (pin) DO UPDATE SET birth_province_code = excluded.birth_province_code, birth_month = excluded.birth_month,
         death_province_code = excluded.death_province_code, death_month = excluded.death_month`,
      [JSON.stringify(written)],
    );
  }
  if (removed.length > 0) await tx.query(`DELETE FROM ${table} WHERE pin = ANY($1)`, [removed]);
}
