import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { provincesCountedUnder } from '@registry/domain';
import { PG_POOL } from '@registry/platform';

export interface MonthOfVitalEvents {
  /** `YYYY-MM` */
  readonly month: string;
  readonly births: number;
  readonly deaths: number;
}

/**
 * Births and deaths per month of a province. Each month counts the units that answered to the
 * province that month: a surviving province includes the units merged into it from the merger
 * on, a merged province answers for the months it existed.
 */
@Injectable()
export class VitalStatistics {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /** `from` and `to` are months (`YYYY-MM`), both included; as the registry knew it at `knownAt`. */
  async months(provinceCode: string, from: string, to: string, knownAt: Date): Promise<MonthOfVitalEvents[]> {
    const months = monthsBetween(from, to);
    const units = new Map(months.map((month) => [month, provincesCountedUnder(provinceCode, `${month}-01`)]));
    const { rows } = await this.pool.query<{ province_code: string; month: string; births: number; deaths: number }>({
      name: 'read_model_vital_statistics',
      text: `SELECT province_code, month, sum(births)::int AS births, sum(deaths)::int AS deaths FROM (
               SELECT birth_province_code AS province_code, to_char(birth_month, 'YYYY-MM') AS month, 1 AS births, 0 AS deaths
                 FROM vital_events WHERE birth_province_code = ANY($1::text[]) AND birth_month BETWEEN $2::date AND $3::date
                  AND recorded @> $4::timestamptz
               UNION ALL
               SELECT death_province_code, to_char(death_month, 'YYYY-MM'), 0, 1
                 FROM vital_events WHERE death_province_code = ANY($1::text[]) AND death_month BETWEEN $2::date AND $3::date
                  AND recorded @> $4::timestamptz
             ) AS counted GROUP BY province_code, month`,
      values: [[...new Set([...units.values()].flat())], `${from}-01`, `${to}-01`, knownAt],
    });
    return months.map((month) => {
      const counted = rows.filter((row) => row.month === month && units.get(month)!.includes(row.province_code));
      return {
        month,
        births: counted.reduce((sum, row) => sum + row.births, 0),
        deaths: counted.reduce((sum, row) => sum + row.deaths, 0),
      };
    });
  }
}

/** Every month from `from` to `to` (`YYYY-MM`), both included. */
export function monthsBetween(from: string, to: string): string[] {
  const months: string[] = [];
  let [year, month] = from.split('-').map(Number);
  const [lastYear, lastMonth] = to.split('-').map(Number);
  while (year < lastYear || (year === lastYear && month <= lastMonth)) {
    months.push(`${year.toString().padStart(4, '0')}-${month.toString().padStart(2, '0')}`);
    month = month === 12 ? 1 : month + 1;
    if (month === 1) year += 1;
  }
  return months;
}
