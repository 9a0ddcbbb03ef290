import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { PG_POOL } from '@registry/platform';

export interface StoredAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Record<string, string>;
}

export type Claim =
  | { readonly kind: 'new' }
  | { readonly kind: 'reused-with-other-body' }
  /** The first request with this key finished: answer the same again. */
  | { readonly kind: 'answered'; readonly answer: StoredAnswer }
  /** The first request is running or crashed: run again (commands are idempotent by id). */
  | { readonly kind: 'unfinished' };

/** Idempotency keys and first answers, kept in PostgreSQL so a restart forgets nothing. */
@Injectable()
export class IdempotencyStore {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async claim(scope: string, key: string, requestHash: string): Promise<Claim> {
    const { rows } = await this.pool.query<{
      inserted: boolean;
      request_hash: string;
      status: number | null;
      body: unknown;
      headers: Record<string, string> | null;
    }>({
      name: 'idempotency_claim',
      text: `WITH inserted AS (
               INSERT INTO api_idempotency (scope, key, request_hash) VALUES ($1, $2, $3)
               ON CONFLICT DO NOTHING RETURNING true AS inserted)
             SELECT true AS inserted, $3 AS request_hash, NULL::int AS status, NULL::jsonb AS body, NULL::jsonb AS headers FROM inserted
             UNION ALL
             SELECT false, request_hash, status, body, headers FROM api_idempotency
             WHERE scope = $1 AND key = $2 AND NOT EXISTS (SELECT 1 FROM inserted)`,
      values: [scope, key, requestHash],
    });
    const row = rows[0];
    if (!row) return { kind: 'unfinished' }; // claimed concurrently and not yet visible
    if (row.inserted) return { kind: 'new' };
    if (row.request_hash !== requestHash) return { kind: 'reused-with-other-body' };
    if (row.status === null) return { kind: 'unfinished' };
    return { kind: 'answered', answer: { status: row.status, body: row.body, headers: row.headers ?? {} } };
  }

  /** The key's answer: its status, its body as the JSON text sent, the headers a replay repeats. */
  async remember(
    scope: string,
    key: string,
    answer: { readonly status: number; readonly json: string; readonly headers: Record<string, string> },
  ): Promise<void> {
    await this.pool.query({
      name: 'idempotency_remember',
      text: 'UPDATE api_idempotency SET status = $3, body = $4, headers = $5 WHERE scope = $1 AND key = $2',
      values: [scope, key, answer.status, answer.json, JSON.stringify(answer.headers)],
    });
  }
}
