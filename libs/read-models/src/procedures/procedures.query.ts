import type { Pool } from 'pg';
import { decodeCursor, encodeCursor } from '../paging/page-cursor';

export interface ProcedureListFilter {
  readonly status?: string;
  readonly provinceCode?: string;
  /** true: only procedures past their deadline and unfinished, as of `today`. */
  readonly overdue?: boolean;
  readonly today: string;
  readonly limit: number;
  readonly cursor?: string;
}

export interface ProcedureListItem {
  readonly id: string;
  readonly kind: string;
  readonly pin: string;
  readonly provinceCode: string;
  readonly status: string;
  readonly startedAt: string;
  readonly dueBy: string;
  readonly overdue: boolean;
}

function isProcedureCursor(keys: unknown): keys is [string, string] {
  return (
    Array.isArray(keys) &&
    keys.length === 2 &&
    keys.every((key) => typeof key === 'string') &&
    !Number.isNaN(Date.parse(keys[0]))
  );
}

/** `GET /v1/procedures`: newest first, by an opaque cursor over (started_at, id). */
export async function listProcedures(pool: Pool, filter: ProcedureListFilter) {
  const after = filter.cursor ? decodeCursor(filter.cursor, isProcedureCursor) : null;
  const { rows } = await pool.query<{
    id: string;
    kind: string;
    pin: string;
    province_code: string;
    status: string;
    started_at: Date;
    due_by: string;
    overdue: boolean;
  }>(
    `SELECT id, kind, pin, province_code, status, started_at, due_by::text,
            (status IN ('running', 'needs_attention') AND due_by < $4::date) AS overdue
       FROM procedures
      WHERE ($1::text IS NULL OR status = $1)
        AND ($2::text IS NULL OR province_code = $2)
        AND (NOT $3::boolean OR (status IN ('running', 'needs_attention') AND due_by < $4::date))
        AND ($5::timestamptz IS NULL OR (started_at, id) < ($5::timestamptz, $6::text))
      ORDER BY started_at DESC, id DESC
      LIMIT $7`,
    [
      filter.status ?? null,
      filter.provinceCode ?? null,
      filter.overdue === true,
      filter.today,
      after?.[0] ?? null,
      after?.[1] ?? null,
      filter.limit + 1,
    ],
  );
  const page = rows.slice(0, filter.limit);
  const items: ProcedureListItem[] = page.map((row) => ({
    id: row.id,
    kind: row.kind,
    pin: row.pin,
    provinceCode: row.province_code,
    status: row.status,
    startedAt: row.started_at.toISOString(),
    dueBy: row.due_by,
    overdue: row.overdue,
  }));
  const last = page[page.length - 1];
  const nextCursor = rows.length > filter.limit && last ? encodeCursor([last.started_at.toISOString(), last.id]) : null;
  return { items, nextCursor };
}
