import type { PoolClient } from 'pg';
import type { RecordedEvent } from '@registry/event-store';
import type { CitizenEvent } from '@registry/domain';
import { asCitizenEvent } from '../projection/citizen-events';
import { pinOfStream, tableName, type Projection, type TableSet } from '../projection/projection';

/**
 * Births and deaths per month, counted where they happened (place of birth, place of death) and
 * in the month of the event's own date, not of its registration.
 */
export const vitalStatisticsProjection: Projection = {
  name: 'vital-statistics',
  tables: ['vital_statistics'],
  schema: { create: 'create_vital_statistics_tables', index: 'index_vital_statistics_tables' },
  project: projectVitalStatistics,
};

interface Tally {
  provinceCode: string;
  month: string;
  births: number;
  deaths: number;
}

async function projectVitalStatistics(tx: PoolClient, events: readonly RecordedEvent[], target: TableSet): Promise<void> {
  const tallies = new Map<string, Tally>();
  for (const event of events) {
    const known = asCitizenEvent(event);
    if (pinOfStream(event.streamId) !== undefined && known) count(tallies, known);
  }
  if (tallies.size === 0) return;
  const rows = [...tallies.values()];
  await tx.query(
    `INSERT INTO ${tableName('vital_statistics', target)} AS s (province_code, month, births, deaths)
     SELECT * FROM unnest($1::text[], $2::date[], $3::integer[], $4::integer[])
     ON CONFLICT (province_code, month) DO UPDATE
       SET births = s.births + excluded.births, deaths = s.deaths + excluded.deaths`,
    [rows.map((r) => r.provinceCode), rows.map((r) => r.month), rows.map((r) => r.births), rows.map((r) => r.deaths)],
  );
}

function count(tallies: Map<string, Tally>, event: CitizenEvent): void {
  switch (event.type) {
    case 'BirthRegistered':
      return add(tallies, event.data.placeOfBirth.provinceCode, event.data.dateOfBirth, 'births');
    case 'DeathRegistered':
      return add(tallies, event.data.placeOfDeath.provinceCode, event.data.dateOfDeath, 'deaths');
    case 'PermanentResidenceRegistered':
    case 'PermanentResidenceCancelled':
    case 'TemporaryResidenceRegistered':
    case 'TemporaryResidenceEnded':
      return;
    default: {
      const unknown: never = event;
      throw new Error(`Unhandled event ${JSON.stringify(unknown)}`);
    }
  }
}

function add(tallies: Map<string, Tally>, provinceCode: string, date: string, field: 'births' | 'deaths'): void {
  const month = `${date.slice(0, 7)}-01`;
  const key = `${provinceCode}|${month}`;
  const tally = tallies.get(key) ?? { provinceCode, month, births: 0, deaths: 0 };
  tally[field] += 1;
  tallies.set(key, tally);
}
