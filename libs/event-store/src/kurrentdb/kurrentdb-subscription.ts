import {
  START,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type KurrentDBClient,
} from '@kurrent/kurrentdb-client';
import type { EventSubscription, Position, RecordedEvent, SubscribeOptions } from '../event-store.port';
import { comparePositions } from '../position';
import {
  compileFilter,
  isTransient,
  toClientPosition,
  toPortError,
  toPosition,
  toRecordedEvent,
} from './kurrentdb-mapping';

const MIN_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 5_000;

/**
 * A catch-up subscription to $all that outlives the connection: when the server drops it, it
 * subscribes again from the last record it received (the server treats that position as
 * exclusive), backing off while the server is unreachable. Records are compared against that
 * position too, so a reconnect can neither repeat nor skip one.
 */
export class KurrentDbSubscription implements EventSubscription {
  private closed = false;
  private current: AllStreamSubscription | undefined;
  private signalClosed!: () => void;
  private readonly closedSignal = new Promise<void>((resolve) => (this.signalClosed = resolve));

  constructor(
    private readonly client: KurrentDBClient,
    private readonly options: SubscribeOptions,
    private readonly onClose: (subscription: KurrentDbSubscription) => void,
  ) {}

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.signalClosed();
    this.release();
    this.onClose(this);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    const filter = compileFilter(this.options.filter);
    let after: Position | undefined = this.options.after;
    let failures = 0;
    try {
      while (!this.closed) {
        const subscription = this.client.subscribeToAll({
          fromPosition: after ? toClientPosition(after) : START,
          filter: filter.server,
        });
        subscription.on('confirmation', () => (failures = 0));
        this.current = subscription;
        try {
          // close() destroys the client's stream, which ends this loop; an end without close()
          // (the server went away politely) counts as a drop like any other.
          for await (const { event } of subscription as AsyncIterable<AllStreamResolvedEvent>) {
            if (this.closed) break;
            if (!event?.position) continue;
            const position = toPosition(event.position);
            if (after && comparePositions(position, after) <= 0) continue;
            after = position;
            if (filter.accepts(event)) yield toRecordedEvent(event, position);
          }
        } catch (error) {
          if (this.closed) break;
          if (!isTransient(error)) throw toPortError(error, '$all');
        } finally {
          this.release();
        }
        if (this.closed) break;
        failures += 1;
        await this.sleep(Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** (failures - 1)));
      }
    } finally {
      await this.close();
    }
  }

  private release(): void {
    const subscription = this.current;
    this.current = undefined;
    if (!subscription) return;
    subscription.unsubscribe().catch(() => undefined);
    subscription.destroy();
  }

  private async sleep(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([new Promise((resolve) => (timer = setTimeout(resolve, ms))), this.closedSignal]);
    clearTimeout(timer);
  }
}
