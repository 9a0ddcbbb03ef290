import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';

/**
 * Reads what the page shows until it equals `expected` (the page answers asynchronously), then
 * fails with jest's diff of the last reading if it never does within the timeout.
 */
export async function eventually<T>(read: () => Promise<T>, expected: T, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const actual = await read();
    if (isDeepStrictEqual(actual, expected)) return;
    if (Date.now() > deadline) {
      expect(actual).toEqual(expected);
      return;
    }
    await sleep(25);
  }
}
