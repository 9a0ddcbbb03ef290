import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Pool, PoolClient } from 'pg';

export const EVENTS_CHANNEL = 'es_events';
const FIRST_RETRY_MS = 100;
const LAST_RETRY_MS = 5_000;
/**
 * NOTIFY at most this often: the first after a quiet spell at once, the next at the end of the
 * interval. A subscriber that found events reads again within 10 ms anyway (PostgresSubscription),
 * so under load a NOTIFY per append batch bought nothing and cost a statement and a commit each.
 */
const NOTIFY_INTERVAL_MS = 50;

/**
 * Wakes subscribers when events commit: those of this process at once, those of other processes
 * by NOTIFY. NOTIFY is sent after the append's commit, coalesced, instead of inside each append: a
 * NOTIFY inside a transaction serialises every commit of the database on one lock, which would
 * cap append throughput. It carries this notifier's id, so that its own LISTEN session does not
 * wake this process's subscribers a second time.
 */
export class PostgresEventNotifier {
  private readonly wake = new EventEmitter();
  private readonly origin = randomUUID();
  private pending = false;
  private lastNotify = -Infinity;
  private listener?: Promise<PoolClient>;
  private closed = false;
  private retryAt = 0;
  private retryMs = FIRST_RETRY_MS;
  private discardListener: () => void = () => undefined;

  constructor(private readonly pool: Pool) {
    this.wake.setMaxListeners(0);
  }

  /** Called after an append committed in this process. */
  announce(): void {
    this.wake.emit('events');
    if (this.pending || this.closed) return;
    this.pending = true;
    const notify = () => {
      this.pending = false;
      if (this.closed) return;
      this.lastNotify = performance.now();
      // subscribers also poll
      this.pool.query(`NOTIFY ${EVENTS_CHANNEL}, '${this.origin}'`).catch(() => undefined);
    };
    const wait = this.lastNotify + NOTIFY_INTERVAL_MS - performance.now();
    if (wait <= 0) setImmediate(notify);
    else setTimeout(notify, wait).unref();
  }

  /** Resolves on the next notification or after `timeoutMs`, whichever comes first. */
  async next(timeoutMs: number): Promise<'notified' | 'timeout'> {
    await this.listen();
    return new Promise((resolve) => {
      const done = (how: 'notified' | 'timeout') => {
        clearTimeout(timer);
        this.wake.off('events', notified);
        resolve(how);
      };
      const notified = () => done('notified');
      const timer = setTimeout(() => done('timeout'), timeoutMs);
      this.wake.on('events', notified);
    });
  }

  /**
   * The LISTEN session. A session that could not be opened or was lost is forgotten, so the next
   * wait opens another; meanwhile subscribers poll, and a failed attempt waits a back-off that
   * doubles up to a few seconds (a database that refuses connections is not hammered).
   */
  private async listen(): Promise<void> {
    if (this.closed || Date.now() < this.retryAt) return;
    this.listener ??= this.openListener().then(
      (client) => {
        this.retryMs = FIRST_RETRY_MS;
        return client;
      },
      (error: unknown) => {
        this.listener = undefined;
        this.retryAt = Date.now() + this.retryMs;
        this.retryMs = Math.min(this.retryMs * 2, LAST_RETRY_MS);
        throw error;
      },
    );
    await this.listener.catch(() => undefined); // polling covers the gap
  }

  private async openListener(): Promise<PoolClient> {
    const client = await this.pool.connect();
    let released = false;
    const discard = () => {
      if (released) return;
      released = true;
      client.release(true);
    };
    const session = this.listener;
    client.on('notification', (message) => {
      if (message.payload !== this.origin) this.wake.emit('events'); // this process's own were announced
    });
    client.on('error', () => {
      if (this.listener === session) this.listener = undefined; // the next wait opens another session
      discard();
    });
    this.discardListener = discard;
    try {
      await client.query(`LISTEN ${EVENTS_CHANNEL}`);
      return client;
    } catch (error) {
      discard();
      throw error;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wake.emit('events');
    const listener = this.listener;
    this.listener = undefined;
    await listener?.catch(() => undefined);
    this.discardListener();
  }
}
