import type { EventSubscription, Position, RecordedEvent, SubscribeOptions } from '../event-store.port';
import { setTimeout as sleep } from 'node:timers/promises';
import { isConnectionLoss } from './connection-loss';
import type { PostgresEventNotifier } from './postgres-event-notifier';
import type { LivePage, LiveReader } from './live-page';

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

/**
 * Catch-up then live: pages through the store's live reads (one statement a page, shared with the
 * process's other subscriptions reading from the same position: ADR 0105), sleeping on NOTIFY
 * when it reaches the end.
 */
export class PostgresSubscription implements EventSubscription {
  private closed = false;

  constructor(
    private readonly store: LiveReader,
    private readonly notifier: PostgresEventNotifier,
    private readonly options: SubscribeOptions,
  ) {}

  async close(): Promise<void> {
    this.closed = true;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    let after: Position | undefined = this.options.after;
    let idle = POLL_MS;
    /** Whether the page just read followed a wait: its horizon may predate what woke us. */
    let afterWait = false;
    try {
      while (!this.closed) {
        const page = await this.readPage(after);
        for (const event of page.events) {
          if (this.closed) return;
          yield event;
          after = event.position;
        }
        after = page.scannedTo ?? after;
        if (page.full) continue;
        // The horizon of this read was computed by the read before, maybe before the commit that
        // woke us: when it found nothing and a newer one came back, read once more at once.
        if (afterWait && page.events.length === 0 && page.horizonMoved) {
          afterWait = false;
          continue;
        }
        const woke = await this.notifier.next(page.events.length === 0 ? idle : 10);
        afterWait = true;
        idle = page.events.length === 0 && woke === 'notified' ? HELD_BACK_POLL_MS : Math.min(idle * 2, POLL_MS);
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
  private async readPage(after: Position | undefined): Promise<LivePage> {
    for (let delay = FIRST_RETRY_MS; ; delay = Math.min(delay * 2, LAST_RETRY_MS)) {
      try {
        return await this.store.readLive(after, PAGE, this.options.filter);
      } catch (error) {
        if (this.closed || !isConnectionLoss(error)) throw error;
        await sleep(delay);
      }
    }
  }
}
