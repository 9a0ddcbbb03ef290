import type { Position } from './event-store.port';
import { InvalidEventStoreRequestError } from './errors';

/** Positions travel as opaque strings (checkpoints, the HTTP feed's `after`). */
export function formatPosition(position: Position): string {
  return `${position.commit.toString()}-${position.prepare.toString()}`;
}

export function parsePosition(text: string): Position {
  const match = /^(\d{1,20})-(\d{1,20})$/.exec(text);
  if (!match) throw new InvalidEventStoreRequestError(`Not a position: ${text}`);
  return { commit: BigInt(match[1]), prepare: BigInt(match[2]) };
}

export function comparePositions(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

/** Largest event accepted, data and metadata together (KurrentDB's own default is 16 MiB). */
export const MAX_EVENT_BYTES = 1024 * 1024;
