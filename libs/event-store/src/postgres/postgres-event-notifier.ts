import { EventEmitter } from 'node:events';
import type { Client, Pool, PoolClient } from 'pg';

export const EVENTS_CHANNEL = 'es_events';

/**
 * Wakes subscribers when events commit. NOTIFY is sent after the append's commit, coalesced,
 * instead of inside each append: a NOTIFY inside a transaction serialises every commit of the
 * database on one lock, which would cap append throughput.
 */
export class PostgresEventNotifier {
  private readonly wake = new EventEmitter();
  private pending = false;
  private listener?: Promise<PoolClient | Client>;
  private closed = false;

  constructor(private readonly pool: Pool) {
    this.wake.setMaxListeners(0);
  }

  /** Called after an append committed in this process. */
  announce(): void {
    this.wake.emit('events');
    if (this.pending || this.closed) return;
    this.pending = true;
    setImmediate(() => {
      this.pending = false;
      this.pool.query(`NOTIFY ${EVENTS_CHANNEL}`).catch(() => undefined); // subscribers also poll
    });
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

  private listen(): Promise<PoolClient | Client> {
    this.listener ??= this.pool.connect().then(async (client) => {
      client.on('notification', () => this.wake.emit('events'));
      client.on('error', () => {
        this.listener = undefined; // the next wait reconnects; polling covers the gap
      });
      await client.query(`LISTEN ${EVENTS_CHANNEL}`);
      return client;
    });
    return this.listener;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wake.emit('events');
    const listener = this.listener;
    this.listener = undefined;
    if (listener) {
      const client = (await listener.catch(() => undefined)) as PoolClient | undefined;
      client?.release(true);
    }
  }
}
