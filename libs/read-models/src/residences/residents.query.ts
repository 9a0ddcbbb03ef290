import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { addressAnsweredOn, type Address, type PersonName } from '@registry/domain';
import { PG_POOL } from '@registry/platform';

export interface Resident {
  readonly pin: string;
  readonly name: PersonName;
  readonly dateOfBirth: string;
  readonly permanentResidence: { readonly address: Address; readonly since: string };
}

export interface ResidentsCriteria {
  /** The province and the units counted under it on `date`. */
  readonly provinceCodes: readonly string[];
  readonly date: string;
  /** As the registry knew it at this instant; omitted: now. */
  readonly knownAt?: Date;
  readonly afterPin?: string;
  readonly limit: number;
}

/**
 * Residents of a province on a date, as the registry knew it at an instant (default now): those
 * a census at 0:00 of the day counts (born before it, not dead before it), in PIN order. An
 * address recorded under a province merged by then is answered under its successor. Each unit is read in PIN order from the residents index and the
 * streams merged, so a page costs `limit` index entries per unit, however large the province.
 */
@Injectable()
export class Residents {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /** Up to `limit + 1` residents: the extra one tells the caller a next page exists. */
  async list(criteria: ResidentsCriteria): Promise<Resident[]> {
    const { rows } = await this.pool.query<{
      pin: string;
      name: PersonName;
      date_of_birth: string;
      address: Address;
      since: string;
    }>({
      name: 'read_model_residents',
      text: `SELECT h.pin, r.record->'name' AS name, r.record->>'dateOfBirth' AS date_of_birth,
                    h.address, h.since::text AS since
               FROM unnest($1::text[]) AS unit(code)
               CROSS JOIN LATERAL (
                 SELECT pin, address, since FROM residence_history
                  WHERE kind = 'permanent' AND province_code = unit.code AND pin > $3
                    AND valid @> $2::date AND (CASE WHEN $5::timestamptz IS NULL THEN upper_inf(recorded)
                                                    ELSE recorded @> $5::timestamptz END)
                  ORDER BY pin LIMIT $4) AS h
               JOIN citizen_records r ON r.pin = h.pin
              ORDER BY h.pin LIMIT $4`,
      values: [
        criteria.provinceCodes,
        criteria.date,
        criteria.afterPin ?? '',
        criteria.limit + 1,
        criteria.knownAt ?? null,
      ],
    });
    return rows.map((row) => ({
      pin: row.pin,
      name: row.name,
      dateOfBirth: row.date_of_birth,
      permanentResidence: { address: addressAnsweredOn(row.address, criteria.date), since: row.since },
    }));
  }
}
