import { hash } from 'node:crypto';

/** How many PINs to try before giving up: collisions are rare (10^6 numbers per prefix and year). */
export const PIN_CANDIDATES = 32;

/**
 * The six unique digits of candidate `k`, derived from the command id: a retried command walks
 * the same candidates and finds its own first PIN (the handler recognises its events).
 */
export function uniqueDigitsFor(commandId: string, k: number): string {
  // One-shot `hash`, not a Hash object: half the cost, on every birth.
  const digest = hash('sha256', `pin:${commandId}:${k}`, 'buffer');
  return String(digest.readUInt32BE(0) % 1_000_000).padStart(6, '0');
}
