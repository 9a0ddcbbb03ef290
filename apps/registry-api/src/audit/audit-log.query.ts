import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { PG_POOL } from '@registry/platform';
import { isPinNumber } from './audit-trail';

export interface AuditItem {
  readonly at: string;
  readonly sub: string;
  readonly role: string;
  readonly office: string | null;
  readonly agency: string | null;
  readonly action: string;
  readonly purpose: string | null;
}

/**
 * Who looked at one person, newest first, a page at a time. The cursor is the last item's position
 * (audit_records): the batch's id * 1000 + the record's place in it, or an audit_log row's id *
 * 1000 for the records written before batches were rows (ADR 0100). Each table is searched by its
 * GIN indexes on PINs (a batch's PINs as numbers, ADR 0120; as text, before it or when not
 * digits); a batch's records are then those whose PINs, as written, include the PIN: a number
 * that lost leading zeros ('001…' is 1…) finds no one else's.
 */
@Injectable()
export class AuditLog {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async readsOf(
    pin: string,
    limit: number,
    before?: string,
  ): Promise<{ items: AuditItem[]; nextCursor: string | null }> {
    const { rows } = await this.pool.query<AuditItem & { position: string }>({
      name: 'audit_reads_of',
      text: `SELECT position::text, to_json(at) #>> '{}' AS at, sub, role, office, agency, action, purpose
               FROM ((SELECT b.id * 1000 + r.ord AS position, to_timestamp((r.rec ->> 0)::bigint / 1000.0) AS at,
                             r.rec ->> 1 AS sub, r.rec ->> 2 AS role, r.rec ->> 3 AS office, r.rec ->> 4 AS agency,
                             r.rec ->> 5 AS action, r.rec ->> 7 AS purpose
                        FROM audit_batches b CROSS JOIN LATERAL json_array_elements(b.records) WITH ORDINALITY AS r(rec, ord)
                       WHERE (b.pin_numbers @> ARRAY[$4::bigint] OR b.pins @> ARRAY[$1::text]) AND ($2::bigint IS NULL OR b.id * 1000 + r.ord < $2::bigint)
                         AND (r.rec -> 6)::jsonb ? $1::text
                       ORDER BY position DESC LIMIT $3)
                     UNION ALL
                     (SELECT id * 1000, at, sub, role, office, agency, action, purpose
                        FROM audit_log
                       WHERE pins @> ARRAY[$1::text] AND ($2::bigint IS NULL OR id * 1000 < $2::bigint)
                       ORDER BY id DESC LIMIT $3)) AS reads
              ORDER BY position DESC LIMIT $3`,
      values: [pin, before ?? null, limit + 1, isPinNumber(pin) ? pin : null],
    });
    const page = rows.slice(0, limit);
    return {
      items: page.map(({ position: _position, ...item }) => item),
      nextCursor: rows.length > limit ? page[page.length - 1].position : null,
    };
  }
}
