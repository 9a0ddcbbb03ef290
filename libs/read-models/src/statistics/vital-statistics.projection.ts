import type { PoolClient } from 'pg';
import type { RecordedEvent } from '@registry/event-store';
import type { CitizenEvent, Place, RecordCorrected } from '@registry/domain';
import { asCitizenEvent } from '../projection/citizen-events';
import { pinOfStream, tableName, type Projection, type TableSet } from '../projection/projection';

/**
 * Births and deaths per month, counted where they happened (place of birth, place of death) and
 * in the month of the event's own date, not of its registration. A correction of the date or
 * place of birth moves the birth; a re-established PIN is the same person, not a new birth.
 */
export const vitalStatisticsProjection: Projection = {
  name: 'vital-statistics',
  tables: ['vital_statistics', 'births_counted'],
  schema: { create: 'create_vital_statistics_tables', index: 'index_vital_statistics_tables' },
  project: projectVitalStatistics,
};

/** Where and when a citizen's birth is counted. */
interface CountedBirth {
  readonly provinceCode: string;
  readonly dateOfBirth: string;
}

interface Tally {
  readonly provinceCode: string;
  readonly month: string;
  births: number;
  deaths: number;
}

/** The batch's changes: tallies to add (zero ones too: batch boundaries must not matter). */
class VitalChanges {
  readonly tallies = new Map<string, Tally>();
  readonly births = new Map<string, CountedBirth>();

  constructor(readonly stored: ReadonlyMap<string, CountedBirth>) {}

  count(provinceCode: string, date: string, field: 'births' | 'deaths', delta: number): void {
    const month = `${date.slice(0, 7)}-01`;
    const key = `${provinceCode}|${month}`;
    const tally = this.tallies.get(key) ?? { provinceCode, month, births: 0, deaths: 0 };
    tally[field] += delta;
    this.tallies.set(key, tally);
  }

  birthOf(pin: string): CountedBirth | undefined {
    return this.births.get(pin) ?? this.stored.get(pin);
  }
}

async function projectVitalStatistics(tx: PoolClient, events: readonly RecordedEvent[], target: TableSet): Promise<void> {
  const changes = new VitalChanges(await loadBirths(tx, target, pinsWithBirthCorrections(events)));
  for (const event of events) {
    const pin = pinOfStream(event.streamId);
    const known = asCitizenEvent(event);
    if (pin !== undefined && known) apply(changes, pin, known);
  }
  await saveTallies(tx, target, [...changes.tallies.values()]);
  await saveBirths(tx, target, changes.births);
}

function apply(changes: VitalChanges, pin: string, event: CitizenEvent): void {
  switch (event.type) {
    case 'BirthRegistered': {
      const birth = { provinceCode: event.data.placeOfBirth.provinceCode, dateOfBirth: event.data.dateOfBirth };
      changes.count(birth.provinceCode, birth.dateOfBirth, 'births', 1);
      changes.births.set(pin, birth);
      return;
    }
    case 'DeathRegistered':
      return changes.count(event.data.placeOfDeath.provinceCode, event.data.dateOfDeath, 'deaths', 1);
    case 'RecordCorrected':
      return moveBirth(changes, pin, event.data);
    case 'CitizenContinued': {
      const { placeOfBirth, dateOfBirth } = event.data.record;
      changes.births.set(pin, { provinceCode: placeOfBirth.provinceCode, dateOfBirth });
      return;
    }
    case 'PermanentResidenceRegistered':
    case 'PermanentResidenceCancelled':
    case 'TemporaryResidenceRegistered':
    case 'TemporaryResidenceEnded':
    case 'NameChanged':
    case 'PinReestablished':
      return;
    default: {
      const unknown: never = event;
      throw new Error(`Unhandled event ${JSON.stringify(unknown)}`);
    }
  }
}

function moveBirth(changes: VitalChanges, pin: string, correction: RecordCorrected['data']): void {
  const before = changes.birthOf(pin);
  if (!before || !isBirthCorrection(correction)) return;
  const after: CountedBirth =
    correction.field === 'dateOfBirth'
      ? { ...before, dateOfBirth: correction.newValue as string }
      : { ...before, provinceCode: (correction.newValue as Place).provinceCode };
  changes.count(before.provinceCode, before.dateOfBirth, 'births', -1);
  changes.count(after.provinceCode, after.dateOfBirth, 'births', 1);
  changes.births.set(pin, after);
}

function isBirthCorrection(correction: RecordCorrected['data']): boolean {
  return correction.field === 'dateOfBirth' || correction.field === 'placeOfBirth';
}

function pinsWithBirthCorrections(events: readonly RecordedEvent[]): string[] {
  const pins = events
    .filter((e) => e.type === 'RecordCorrected' && isBirthCorrection(e.data as RecordCorrected['data']))
    .map((e) => pinOfStream(e.streamId))
    .filter((pin): pin is string => pin !== undefined);
  return [...new Set(pins)];
}

async function loadBirths(tx: PoolClient, target: TableSet, pins: string[]): Promise<Map<string, CountedBirth>> {
  if (pins.length === 0) return new Map();
  const { rows } = await tx.query<{ pin: string; province_code: string; date_of_birth: string }>(
    `SELECT pin, province_code, date_of_birth::text FROM ${tableName('births_counted', target)} WHERE pin = ANY($1)`,
    [pins],
  );
  return new Map(rows.map((r) => [r.pin, { provinceCode: r.province_code, dateOfBirth: r.date_of_birth }]));
}

async function saveTallies(tx: PoolClient, target: TableSet, tallies: readonly Tally[]): Promise<void> {
  if (tallies.length === 0) return;
  await tx.query(
    `INSERT INTO ${tableName('vital_statistics', target)} AS s (province_code, month, births, deaths)
     SELECT * FROM unnest($1::text[], $2::date[], $3::integer[], $4::integer[])
     ON CONFLICT (province_code, month) DO UPDATE
       SET births = s.births + excluded.births, deaths = s.deaths + excluded.deaths`,
    [tallies.map((t) => t.provinceCode), tallies.map((t) => t.month), tallies.map((t) => t.births), tallies.map((t) => t.deaths)],
  );
}

async function saveBirths(tx: PoolClient, target: TableSet, births: ReadonlyMap<string, CountedBirth>): Promise<void> {
  if (births.size === 0) return;
  const rows = [...births];
  await tx.query(
    `INSERT INTO ${tableName('births_counted', target)} (pin, province_code, date_of_birth)
     SELECT * FROM unnest($1::text[], $2::text[], $3::date[])
     ON CONFLICT (pin) DO UPDATE SET province_code = excluded.province_code, date_of_birth = excluded.date_of_birth`,
    [rows.map(([pin]) => pin), rows.map(([, b]) => b.provinceCode), rows.map(([, b]) => b.dateOfBirth)],
  );
}
