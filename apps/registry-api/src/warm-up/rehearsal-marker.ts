import type { IncomingMessage } from 'node:http';

/**
 * The requests the process sent itself before listening (RequestRehearsal). Kept aside rather than
 * marked on the request object: a property set on some requests only would give them another
 * hidden class than clients' requests, and V8 would throw away the code the rehearsal optimised
 * at the first client's request (ADR 0161). Nothing a client sends can add a request here.
 */
const rehearsals = new WeakSet<IncomingMessage>();

export function markRehearsal(request: IncomingMessage): void {
  rehearsals.add(request);
}

/** The warm-up's own request: no rate limit counts it (it would charge 127.0.0.1, or Redis's shared counters). */
export function isRehearsal(request: IncomingMessage): boolean {
  return rehearsals.has(request);
}
