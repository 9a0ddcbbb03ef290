import type { IncomingMessage } from 'node:http';

const REHEARSAL = Symbol('rehearsal');
type Marked = IncomingMessage & { [REHEARSAL]?: true };

/**
 * Marks a request the process sent itself before listening (RequestRehearsal). A symbol on the
 * Node request object: nothing a client sends can set it.
 */
export function markRehearsal(request: IncomingMessage): void {
  (request as Marked)[REHEARSAL] = true;
}

/** The warm-up's own request: no rate limit counts it (it would charge 127.0.0.1, or Redis's shared counters). */
export function isRehearsal(request: IncomingMessage): boolean {
  return (request as Marked)[REHEARSAL] === true;
}
