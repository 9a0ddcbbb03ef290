import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { PG_POOL } from '@registry/platform';

export interface AuditItem {
  readonly at: string;
  readonly sub: string;
  readonly role: string;
  readonly office: string | null;
  readonly agency: string | null;
  readonly action: string;
  readonly purpose: string | null;
}

/** Who looked at one person, newest first, a page at a time (the cursor is the last row's id). */
@Injectable()
export class AuditLog {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async readsOf(
    pin: string,
    limit: number,
    beforeId?: string,
  ): Promise<{ items: AuditItem[]; nextCursor: string | null }> {
    const { rows } = await this.pool.query<AuditItem & { id: string }>({
      text: `SELECT id::text, to_json(at) #>> '{}' AS at, sub, role, office, agency, action, purpose
               FROM audit_log WHERE pins @> ARRAY[$1::text] AND ($2::bigint IS NULL OR id < $2::bigint)
              ORDER BY id DESC LIMIT $3`,
      values: [pin, beforeId ?? null, limit + 1],
    });
    const page = rows.slice(0, limit);
    return {
      items: page.map(({ id: _id, ...item }) => item),
      nextCursor: rows.length > limit ? page[page.length - 1].id : null,
    };
  }
}
