/**
 * A bounded queue between the store subscription (filling) and the Kafka sender (taking), so
 * reading the next events overlaps with waiting for Kafka's acknowledgement, and whatever piled
 * up meanwhile leaves as one batch.
 */
export class EventQueue<T> {
  private items: T[] = [];
  private ended = false;
  private failure: { error: unknown } | null = null;
  private wakeTaker: (() => void) | null = null;
  private wakeFiller: (() => void) | null = null;

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.items.length;
  }

  /** Waits while the queue is full; returns false once the queue was closed. */
  async push(item: T): Promise<boolean> {
    while (this.items.length >= this.capacity && !this.ended) {
      await new Promise<void>((resolve) => (this.wakeFiller = resolve));
    }
    if (this.ended) return false;
    this.items.push(item);
    this.wake();
    return true;
  }

  /** Up to `max` items, waiting for at least one; null once ended and drained. Throws a filler's failure. */
  async take(max: number): Promise<T[] | null> {
    while (this.items.length === 0) {
      if (this.failure) throw this.failure.error;
      if (this.ended) return null;
      await new Promise<void>((resolve) => (this.wakeTaker = resolve));
    }
    const taken = this.items.length <= max ? this.items : this.items.slice(0, max);
    this.items = this.items.length <= max ? [] : this.items.slice(max);
    const filler = this.wakeFiller;
    this.wakeFiller = null;
    filler?.();
    return taken;
  }

  fail(error: unknown): void {
    this.failure ??= { error };
    this.end();
  }

  end(): void {
    this.ended = true;
    this.wake();
    const filler = this.wakeFiller;
    this.wakeFiller = null;
    filler?.();
  }

  private wake(): void {
    const taker = this.wakeTaker;
    this.wakeTaker = null;
    taker?.();
  }
}
