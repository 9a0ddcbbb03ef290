import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { PG_POOL } from '@registry/platform';

export interface CitizenSearchCriteria {
  /** Any part of the full name, without regard to diacritics or case. */
  readonly name?: string;
  readonly dateOfBirth?: string;
  /** Provinces of the current permanent residence (a surviving province with its merged units). */
  readonly provinceCodes?: readonly string[];
  /** Exclusive: the last PIN of the previous page. */
  readonly afterPin?: string;
  readonly limit: number;
}

export interface FoundCitizen {
  readonly pin: string;
  /** The citizen record (the body of GET /v1/citizens/{pin}) as JSON text. */
  readonly json: string;
}

/** Shortest folded name a search accepts: shorter ones have no trigram to use the index with. */
export const MIN_SEARCH_NAME_LENGTH = 3;

/**
 * Name search over the narrow citizen_names table: `search_fold` (unaccent, Đ/đ, case, spaces)
 * on both sides, and a LIKE the trigram index answers. Results in PIN order; the records of the
 * page are then read by primary key.
 */
@Injectable()
export class CitizenSearch {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /** Up to `limit + 1` citizens: the extra one tells the caller a next page exists. */
  async search(criteria: CitizenSearchCriteria): Promise<FoundCitizen[]> {
    const { where, values } = conditions(criteria);
    values.push(criteria.limit + 1);
    // Unnamed statement on purpose: planned with the actual pattern, so the planner can tell a
    // rare name (trigram index) from a common one (walk the primary key in PIN order).
    const { rows } = await this.pool.query<FoundCitizen>(
      `SELECT n.pin, r.record::text AS json
         FROM (SELECT pin FROM citizen_names WHERE ${where.join(' AND ')} ORDER BY pin LIMIT $${values.length}) AS n
         JOIN citizen_records r ON r.pin = n.pin
        ORDER BY n.pin`,
      values,
    );
    return rows;
  }
}

function conditions(criteria: CitizenSearchCriteria): { where: string[]; values: unknown[] } {
  const where: string[] = [];
  const values: unknown[] = [];
  const add = (sql: (param: string) => string, value: unknown) => {
    values.push(value);
    where.push(sql(`$${values.length}`));
  };
  if (criteria.name !== undefined) add((p) => `search_name LIKE '%' || search_fold(${p}) || '%'`, escapeLike(criteria.name));
  if (criteria.dateOfBirth !== undefined) add((p) => `date_of_birth = ${p}::date`, criteria.dateOfBirth);
  if (criteria.provinceCodes !== undefined) add((p) => `residence_province_code = ANY(${p}::text[])`, criteria.provinceCodes);
  if (criteria.afterPin !== undefined) add((p) => `pin > ${p}`, criteria.afterPin);
  if (where.length === 0) where.push('true');
  return { where, values };
}

/** The user's text is matched literally: %, _ and \ are not wildcards. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, '\\$&');
}

/** The folded length of a name as search sees it (for validation before any query). */
export function searchableLength(name: string): number {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/\s+/g, ' ')
    .trim().length;
}
