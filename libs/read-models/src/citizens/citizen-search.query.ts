import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { PG_POOL, REGISTRY_CONFIG, type RegistryConfig } from '@registry/platform';
import { decodeCursor, encodeCursor, isPin } from '../paging/page-cursor';
import { FirstPages, type PageRow } from './first-pages';
import { SearchConnections } from './search-connections';

export interface CitizenSearchCriteria {
  /** Any part of the full name, without regard to diacritics or case. */
  readonly name?: string;
  readonly dateOfBirth?: string;
  /** Provinces of the current permanent residence (a surviving province with its merged units). */
  readonly provinceCodes?: readonly string[];
  /** The previous page's nextCursor. */
  readonly cursor?: string;
  readonly limit: number;
}

export interface FoundCitizen {
  readonly pin: string;
  /** The citizen record (the body of GET /v1/citizens/{pin}) as JSON text. */
  readonly json: string;
}

export interface SearchPage {
  readonly citizens: readonly FoundCitizen[];
  readonly nextCursor: string | null;
}

/** Shortest folded name a search accepts: shorter ones have no trigram to use the index with. */
export const MIN_SEARCH_NAME_LENGTH = 3;

/**
 * Where a search stands. Without a name, results run in PIN order. With one, in name order
 * (then PIN) in two parts: names that start with the text (family name first, as names are
 * written: one range of the name index, answered in well under a millisecond however common the
 * name), then names that contain it elsewhere (the trigram index).
 */
type Position =
  | { readonly by: 'pin'; readonly pin?: string }
  | { readonly by: 'name'; readonly part: 'starts' | 'contains'; readonly name?: string; readonly pin?: string };

type Row = PageRow;

/** Name search over the narrow citizen_names table; the records of the page by primary key. */
@Injectable()
export class CitizenSearch {
  /** Names that start with the text, first page, no other criterion: merged when concurrent (ADR 0116). */
  private readonly firstPages: FirstPages;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly rangeConnections: SearchConnections,
    @Inject(REGISTRY_CONFIG) config: RegistryConfig,
  ) {
    this.firstPages = new FirstPages(
      rangeConnections,
      (name, rows) => this.inNameOrder({ name, limit: rows - 1 }, { by: 'name', part: 'starts' }, true),
      config.searchPoolSize,
    );
  }

  async search(criteria: CitizenSearchCriteria): Promise<SearchPage> {
    const from = criteria.cursor === undefined ? undefined : decodeCursor(criteria.cursor, isPosition);
    if (criteria.name === undefined) return this.inPinOrder(criteria, from?.by === 'pin' ? from : { by: 'pin' });
    const position = from?.by === 'name' ? from : { by: 'name' as const, part: 'starts' as const };
    if (position.part === 'starts') {
      const rows = await this.inNameOrder(criteria, position);
      if (rows.length > criteria.limit)
        return page(rows, criteria.limit, (last) => ({ ...position, name: last.search_name, pin: last.pin }));
      // The names that start with the text are all here; the ones containing it elsewhere are
      // looked for when asked (the next page), or at once when none starts with it.
      if (rows.length > 0) return { citizens: rows, nextCursor: encodeCursor({ by: 'name', part: 'contains' }) };
    }
    const part = position.part === 'contains' ? position : { by: 'name' as const, part: 'contains' as const };
    const rows = await this.inNameOrder(criteria, part);
    return page(rows, criteria.limit, (last) => ({ ...part, name: last.search_name, pin: last.pin }));
  }

  private async inPinOrder(
    criteria: CitizenSearchCriteria,
    from: Extract<Position, { by: 'pin' }>,
  ): Promise<SearchPage> {
    const where = new Conditions(criteria);
    if (from.pin !== undefined) where.add('after', (p) => `pin > ${p}`, from.pin);
    const rows = await this.rows(where, 'pin', criteria.limit, true);
    return page(rows, criteria.limit, (last) => ({ by: 'pin', pin: last.pin }));
  }

  private async inNameOrder(
    criteria: CitizenSearchCriteria,
    from: Extract<Position, { by: 'name' }>,
    alone = false,
  ): Promise<Row[]> {
    const firstPage = from.part === 'starts' && from.name === undefined;
    if (firstPage && !alone && criteria.dateOfBirth === undefined && criteria.provinceCodes === undefined)
      return this.firstPages.find(criteria.name!, criteria.limit + 1);
    const where = new Conditions(criteria);
    const name = criteria.name!;
    // A range of the (search_name, pin) index: every string that starts with the folded text.
    const startsWith = (p: string) =>
      `(search_name >= search_fold(${p}) AND search_name < search_fold(${p}) || chr(1114111))`;
    if (from.part === 'starts') where.add('starts', startsWith, name);
    else {
      where.add('contains', (p) => `search_name LIKE '%' || search_fold(${p}) || '%'`, escapeLike(name));
      where.add('elsewhere', (p) => `NOT ${startsWith(p)}`, name);
    }
    if (from.name !== undefined)
      where.add('after', (n, p) => `(search_name, pin) > (${n}::text COLLATE "C", ${p})`, from.name, from.pin);
    return this.rows(where, 'search_name, pin', criteria.limit, from.part === 'starts');
  }

  /**
   * Index ranges (PIN order, names that start with the text) run as prepared statements, one per
   * shape of query, planned once (SearchConnections): planning would cost more than the read. The
   * trigram part is planned with the actual text each time, so the planner can tell a rare name
   * from a common one.
   */
  private async rows(where: Conditions, order: string, limit: number, range: boolean): Promise<Row[]> {
    const limitParam = where.param(limit + 1);
    const text = `SELECT n.pin, n.search_name, r.record::text AS json
               FROM (SELECT pin, search_name FROM citizen_names WHERE ${where.sql()} ORDER BY ${order} LIMIT ${limitParam}) AS n
               JOIN citizen_records r ON r.pin = n.pin
              ORDER BY ${order.replace(/(\w+)/g, 'n.$1')}`;
    if (range) return this.rangeConnections.query<Row>(`read_model_search_${where.shape()}`, text, where.values);
    const { rows } = await this.pool.query<Row>({ text, values: where.values });
    return rows;
  }
}

/** The WHERE clause of a search, with its parameters in order, and its shape (which clauses). */
class Conditions {
  readonly values: unknown[] = [];
  private readonly clauses: string[] = [];
  private readonly kinds: string[] = [];

  constructor(criteria: CitizenSearchCriteria) {
    if (criteria.dateOfBirth !== undefined) this.add('born', (p) => `date_of_birth = ${p}::date`, criteria.dateOfBirth);
    if (criteria.provinceCodes !== undefined) {
      this.add('living_in', (p) => `residence_province_code = ANY(${p}::text[])`, criteria.provinceCodes);
    }
  }

  /** A clause over new parameters: `clause` gets their placeholders ($n...). */
  add(kind: string, clause: (...params: string[]) => string, ...values: unknown[]): void {
    const params = values.map((value) => this.param(value));
    this.kinds.push(kind);
    this.clauses.push(clause(...params));
  }

  shape(): string {
    return this.kinds.join('_') || 'all';
  }

  param(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }

  sql(): string {
    return this.clauses.length > 0 ? this.clauses.join(' AND ') : 'true';
  }
}

function page(rows: readonly Row[], limit: number, next: (last: Row) => Position): SearchPage {
  const citizens = rows.slice(0, limit);
  return {
    citizens,
    nextCursor: rows.length > limit ? encodeCursor(next(citizens[citizens.length - 1] as Row)) : null,
  };
}

function isPosition(keys: unknown): keys is Position {
  const k = keys as Record<string, unknown> | null;
  if (k === null || typeof k !== 'object') return false;
  const pinOk = k.pin === undefined || isPin(k.pin);
  if (k.by === 'pin') return pinOk && k.name === undefined;
  const nameOk = k.name === undefined || (typeof k.name === 'string' && k.name.length <= 1000 && k.pin !== undefined);
  return k.by === 'name' && (k.part === 'starts' || k.part === 'contains') && pinOk && nameOk;
}

/** The user's text is matched literally: %, _ and \ are not wildcards. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, '\\$&');
}

/** The folded length of a name as search sees it (for validation before any query). */
export function searchableLength(name: string): number {
  return name.normalize('NFD').replace(/\p{M}/gu, '').replace(/\s+/g, ' ').trim().length;
}
