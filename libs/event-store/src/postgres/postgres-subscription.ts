import type { EventStore, EventSubscription, Position, RecordedEvent, SubscribeOptions } from '../event-store.port';
import { setTimeout as sleep } from 'node:timers/promises';
import { isConnectionLoss } from './connection-loss';
import type { PostgresEventNotifier } from './postgres-event-notifier';

const PAGE = 1000;
/** Polling interval when no notification arrives (a missed NOTIFY). */
const POLL_MS = 250;
/**
 * A notification that finds nothing visible means an older transaction still holds the new
 * events back: look again soon, backing off towards POLL_MS.
 */
const HELD_BACK_POLL_MS = 20;
const FIRST_RETRY_MS = 100;
const LAST_RETRY_MS = 5_000;

/** Catch-up then live: pages through readAll, sleeping on NOTIFY when it reaches the end. */
export class PostgresSubscription implements EventSubscription {
  private closed = false;

  constructor(
    private readonly store: EventStore,
    private readonly notifier: PostgresEventNotifier,
    private readonly options: SubscribeOptions,
  ) {}

  async close(): Promise<void> {
    this.closed = true;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    let after: Position | undefined = this.options.after;
    let idle = POLL_MS;
    try {
      while (!this.closed) {
        const page = await this.readPage(after);
        for (const event of page) {
          if (this.closed) return;
          yield event;
          after = event.position;
        }
        if (page.length === PAGE) continue;
        const woke = await this.notifier.next(page.length === 0 ? idle : 10);
        idle = page.length === 0 && woke === 'notified' ? HELD_BACK_POLL_MS : Math.min(idle * 2, POLL_MS);
      }
    } finally {
      this.closed = true;
    }
  }

  /**
   * A page of events; while the database is out of reach (restart, failover, cut connection) it
   * tries again, 100 ms doubling to 5 s, from the same position: the subscriber sees a pause,
   * not an error, and nothing is skipped.
   */
  private async readPage(after: Position | undefined): Promise<RecordedEvent[]> {
    for (let delay = FIRST_RETRY_MS; ; delay = Math.min(delay * 2, LAST_RETRY_MS)) {
      try {
        return await this.store.readAll({ after, maxCount: PAGE, filter: this.options.filter });
      } catch (error) {
        if (this.closed || !isConnectionLoss(error)) throw error;
        await sleep(delay);
      }
    }
  }
}
