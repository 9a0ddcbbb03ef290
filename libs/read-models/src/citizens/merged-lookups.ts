interface Waiter<V> {
  readonly resolve: (value: V | undefined) => void;
  readonly reject: (error: unknown) => void;
}

export interface MergedLookupsOptions {
  /** Queries running at once; lookups arriving while all run wait and go into the next one together. */
  readonly maxInFlight: number;
  /** Keys per query at most. */
  readonly maxKeys: number;
}

/**
 * Concurrent lookups by key merged into one query per event-loop turn (ADR 0051). Under load,
 * each lookup sent alone costs a socket write, a statement and a result of its own on both sides
 * of the connection; merged, those are shared by every lookup of the turn. A lookup arriving
 * when a query slot is free still goes out in the same turn, so a quiet registry answers as fast
 * as before, and the busier it is, the larger the queries.
 */
export class MergedLookups<V> {
  private waiting = new Map<string, Waiter<V>[]>();
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly fetch: (keys: string[]) => Promise<Map<string, V>>,
    private readonly options: MergedLookupsOptions,
  ) {}

  /** Lookups wait to go out: a query will take them at the end of this turn or when a slot frees. */
  get queued(): boolean {
    return this.waiting.size > 0;
  }

  find(key: string): Promise<V | undefined> {
    return new Promise((resolve, reject) => {
      const waiters = this.waiting.get(key);
      if (waiters) waiters.push({ resolve, reject });
      else this.waiting.set(key, [{ resolve, reject }]);
      this.schedule();
    });
  }

  /** The next query goes out once the lookups of this turn have arrived (setImmediate runs after I/O). */
  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.options.maxInFlight || this.waiting.size === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      while (this.inFlight < this.options.maxInFlight && this.waiting.size > 0) this.send();
    });
  }

  private send(): void {
    const batch = new Map<string, Waiter<V>[]>();
    for (const [key, waiters] of this.waiting) {
      if (batch.size >= this.options.maxKeys) break;
      batch.set(key, waiters);
      this.waiting.delete(key);
    }
    this.inFlight++;
    this.fetch([...batch.keys()])
      .then(
        (found) => batch.forEach((waiters, key) => waiters.forEach((w) => w.resolve(found.get(key)))),
        (error: unknown) => batch.forEach((waiters) => waiters.forEach((w) => w.reject(error))),
      )
      .finally(() => {
        this.inFlight--;
        this.schedule();
      });
  }
}
