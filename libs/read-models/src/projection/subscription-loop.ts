import { setTimeout as sleep } from 'node:timers/promises';
import type { EventSubscription } from '@registry/event-store';

/**
 * A background loop that follows a store subscription until stop(): the projector and the
 * procedure runner. start() runs it once; stop() ends its pauses, closes the subscription it is
 * reading (a wait for the next events ends with it) and waits for the loop to return.
 */
export abstract class SubscriptionLoop {
  protected readonly stopping = new AbortController();
  /** The subscription the loop reads now; the subclass sets it. */
  protected subscription?: EventSubscription;
  private running?: Promise<void>;

  start(): void {
    this.running ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.subscription?.close();
    await this.running;
  }

  protected get stopped(): boolean {
    return this.stopping.signal.aborted;
  }

  /** Waits `ms`, or less when stop() comes first. */
  protected async pause(ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: this.stopping.signal }).catch(() => undefined);
  }

  /** The loop: until `stopped`, lead when this process holds the leadership, stand by otherwise. */
  protected abstract run(): Promise<void>;
}
