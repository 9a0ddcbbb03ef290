import { createHash } from 'node:crypto';

/** How many PINs to try before giving up: collisions are rare (10^6 numbers per prefix and year). */
export const PIN_CANDIDATES = 32;

/**
 * The six unique digits of candidate `k`, derived from the command id: a retried command walks
 * the same candidates and finds its own first PIN (the handler recognises its events).
 */
export function uniqueDigitsFor(commandId: string, k: number): string {
  const hash = createHash('sha256').update(`pin:${commandId}:${k}`).digest();
  return String(hash.readUInt32BE(0) % 1_000_000).padStart(6, '0');
}
