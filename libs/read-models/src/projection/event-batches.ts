import type { EventStore, Position, RecordedEvent } from '@registry/event-store';

const IDLE = Symbol('idle');

/**
 * Groups a subscription's events into batches: whatever has arrived, up to `max`. A batch closes
 * when the next event is not already there (the subscription is fetching or waiting for new
 * events), so catch-up runs in full batches and live events are projected at once. With
 * `lingerMs`, a live batch stays open that long after its first event for the events still
 * coming: under a steady stream of writes one transaction then carries many of them instead of
 * one each, and the process's API keeps the CPU and the connections (ADR 0031). The pending
 * `next()` keeps fetching while the consumer writes the batch.
 */
export async function* batchesOf<T>(source: AsyncIterable<T>, max: number, lingerMs = 0): AsyncGenerator<T[]> {
  const iterator = source[Symbol.asyncIterator]();
  let pending = observed(iterator.next());
  let batch: T[] = [];
  let opened = 0;
  try {
    while (true) {
      const result = batch.length === 0 ? await pending : await nextOrIdle(pending, opened + lingerMs);
      if (result === IDLE) {
        yield batch;
        batch = [];
        continue;
      }
      if (result.done) break;
      if (batch.length === 0) opened = performance.now();
      batch.push(result.value);
      pending = observed(iterator.next());
      if (batch.length >= max) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  } finally {
    await iterator.return?.();
  }
}

/** The next item if already there; else, until `deadline` (performance.now()), whichever comes first. */
async function nextOrIdle<R>(pending: Promise<R>, deadline: number): Promise<R | typeof IDLE> {
  const now = await Promise.race([pending, idle()]);
  const left = deadline - performance.now();
  if (now !== IDLE || left <= 0) return now;
  let timer: NodeJS.Timeout | undefined;
  const later = new Promise<typeof IDLE>((resolve) => (timer = setTimeout(() => resolve(IDLE), left)));
  try {
    return await Promise.race([pending, later]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves after the I/O callbacks already due: an event still in flight counts as not there. */
function idle(): Promise<typeof IDLE> {
  return new Promise((resolve) => setImmediate(() => resolve(IDLE)));
}

/**
 * Pages of the global log from `after` until the end as it stands (a rebuild's catch-up). The
 * next page is read while the caller writes the current one. Projections never read the
 * metadata: it is left out (ReadAllOptions.withoutMetadata).
 */
export async function* pagesOf(
  store: EventStore,
  after: Position | undefined,
  size: number,
): AsyncGenerator<RecordedEvent[]> {
  let next = observed(store.readAll({ after, maxCount: size, withoutMetadata: true }));
  while (true) {
    const page = await next;
    if (page.length === 0) return;
    next = observed(store.readAll({ after: page[page.length - 1].position, maxCount: size, withoutMetadata: true }));
    yield page;
  }
}

/**
 * A read started ahead may fail while the consumer is busy; marking it handled keeps that from
 * crashing the process as an unhandled rejection. Awaiting it still throws the error.
 */
function observed<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}
