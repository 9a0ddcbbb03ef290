import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { PG_POOL } from '@registry/platform';

/**
 * Population of a province on a date: people alive with a permanent residence there, as the
 * registry knew it at `knownAt`. A death ends the residence the day after it, so one count of
 * residence versions valid on the date and believed at that instant answers it.
 */
@Injectable()
export class PopulationStatistics {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async population(provinceCodes: readonly string[], date: string, knownAt: Date): Promise<number> {
    const { rows } = await this.pool.query<{ population: number }>({
      name: 'read_model_population',
      text: `SELECT count(*)::int AS population FROM residence_history
              WHERE kind = 'permanent' AND province_code = ANY($1::text[])
                AND valid @> $2::date AND recorded @> $3::timestamptz`,
      values: [provinceCodes, date, knownAt],
    });
    return rows[0].population;
  }
}
