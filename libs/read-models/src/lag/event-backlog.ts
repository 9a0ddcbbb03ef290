import { PostgresEventStore, type EventStore, type Position, type RecordedEvent } from '@registry/event-store';

/** Reads past this many events are not worth counting one by one: the answer says "at least". */
export const BACKLOG_COUNT_CAP = 1_000_000;
const PORT_COUNT_CAP = 100_000;
const PORT_PAGE = 10_000;

/** How much of the log lies after a position: the projector's lag and a rebuild's total. */
export class EventBacklog {
  constructor(private readonly store: EventStore) {}

  /**
   * Events after `after`, up to the cap. On PostgreSQL one indexed count; the port has no count,
   * so another store is paged through (to a lower cap).
   */
  async count(after: Position | undefined): Promise<number> {
    if (this.store instanceof PostgresEventStore) return this.countInPostgres(this.store, after);
    let counted = 0;
    let from = after;
    while (counted < PORT_COUNT_CAP) {
      const page = await this.store.readAll({ after: from, maxCount: PORT_PAGE });
      counted += page.length;
      if (page.length < PORT_PAGE) break;
      from = page[page.length - 1].position;
    }
    return counted;
  }

  /** Events after `after` and how long the first of them has waited (0 when none). */
  async lag(after: Position | undefined): Promise<{ events: number; seconds: number }> {
    const [events, oldest] = await Promise.all([this.count(after), this.oldest(after)]);
    const waited = oldest ? (Date.now() - oldest.recordedAt.getTime()) / 1000 : 0;
    return { events, seconds: Math.max(0, Math.round(waited * 1000) / 1000) };
  }

  /** The first event after `after`: how long it has waited is the lag in seconds. */
  async oldest(after: Position | undefined): Promise<RecordedEvent | undefined> {
    const [first] = await this.store.readAll({ after, maxCount: 1 });
    return first;
  }

  private async countInPostgres(store: PostgresEventStore, after: Position | undefined): Promise<number> {
    const { rows } = await store.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM (
         SELECT 1 FROM es_events WHERE (transaction_id, global_position) > ($1::text::xid8, $2::bigint) LIMIT $3
       ) AS backlog`,
      [(after?.commit ?? 0n).toString(), (after?.prepare ?? 0n).toString(), BACKLOG_COUNT_CAP],
    );
    return Number(rows[0].n);
  }
}
