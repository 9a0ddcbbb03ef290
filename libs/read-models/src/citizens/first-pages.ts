import { MergedLookups } from './merged-lookups';
import type { SearchConnections } from './search-connections';

/** A row of a search page: the name row and the citizen's record as JSON text. */
export interface PageRow {
  readonly pin: string;
  readonly search_name: string;
  readonly json: string;
}

/** Searches per merged statement at most. */
const MAX_MERGED = 32;

/**
 * One statement for many searches: each asked name folded once, its range of the name index read
 * up to its row count, the records of those rows by primary key; rows tagged with the search's
 * place in the arrays, in page order.
 */
const MERGED = `WITH asked AS MATERIALIZED (
    SELECT i::int AS i, search_fold(name) AS folded, n AS rows
      FROM unnest($1::text[], $2::int[]) WITH ORDINALITY AS a(name, n, i))
  SELECT asked.i, p.pin, p.search_name, r.record::text AS json
    FROM asked
   CROSS JOIN LATERAL (SELECT pin, search_name FROM citizen_names
                        WHERE search_name >= asked.folded AND search_name < asked.folded || chr(1114111)
                        ORDER BY search_name, pin LIMIT asked.rows) AS p
    JOIN citizen_records r ON r.pin = p.pin
   ORDER BY asked.i, p.search_name, p.pin`;

/**
 * The first page of the names that start with a text, the search made most, merged with the
 * other first pages asked in the same event-loop turn into one statement (ADR 0116), as lookups
 * are (MergedLookups, ADR 0051). PostgreSQL's cost of a search was mostly the statement's own
 * (round trip, executor start, folding the text twice), not its 21 rows: merged, that cost is
 * shared. A search alone still runs the one-search statement. Each search reads its own rows,
 * even when another in the statement asked the same name.
 */
export class FirstPages {
  private readonly merged: MergedLookups<PageRow[]>;
  /** Keys are unique per search (MergedLookups would answer equal keys with one read). */
  private sequence = 0;

  constructor(
    private readonly connections: SearchConnections,
    /** The one-search statement (the `starts` shape of CitizenSearch). */
    private readonly alone: (name: string, rows: number) => Promise<PageRow[]>,
    inFlight: number,
  ) {
    this.merged = new MergedLookups((keys) => this.read(keys), { maxInFlight: inFlight, maxKeys: MAX_MERGED });
  }

  /** The first `rows` rows, in name then PIN order, of the names that start with `name` (folded). */
  async find(name: string, rows: number): Promise<PageRow[]> {
    return (await this.merged.find(`${this.sequence++}:${rows}:${name}`)) ?? [];
  }

  private async read(keys: string[]): Promise<Map<string, PageRow[]>> {
    const asked = keys.map(parseKey);
    if (asked.length === 1) return new Map([[keys[0], await this.alone(asked[0].name, asked[0].rows)]]);
    const rows = await this.connections.query<PageRow & { i: number }>('read_model_search_first_pages', MERGED, [
      asked.map((a) => a.name),
      asked.map((a) => a.rows),
    ]);
    const pages = keys.map((): PageRow[] => []);
    for (const { i, ...row } of rows) pages[i - 1].push(row);
    return new Map(keys.map((key, i) => [key, pages[i]]));
  }
}

function parseKey(key: string): { name: string; rows: number } {
  const first = key.indexOf(':');
  const second = key.indexOf(':', first + 1);
  return { rows: Number(key.slice(first + 1, second)), name: key.slice(second + 1) };
}
