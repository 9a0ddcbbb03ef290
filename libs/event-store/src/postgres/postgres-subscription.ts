import type { EventStore, EventSubscription, Position, RecordedEvent, SubscribeOptions } from '../event-store.port';
import type { PostgresEventNotifier } from './postgres-event-notifier';

const PAGE = 1000;
/** Polling interval when no notification arrives (a missed NOTIFY). */
const POLL_MS = 250;
/**
 * A notification that finds nothing visible means an older transaction still holds the new
 * events back: look again soon, backing off towards POLL_MS.
 */
const HELD_BACK_POLL_MS = 20;

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
        const page = await this.store.readAll({ after, maxCount: PAGE, filter: this.options.filter });
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
}
