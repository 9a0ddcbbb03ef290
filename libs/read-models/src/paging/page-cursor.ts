/** Page size of searches and resident lists (API.md): 20 unless asked, never above 100. */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

const PIN = /^\d{12}$/;

export class InvalidCursor extends Error {
  constructor() {
    super('The cursor is not one this registry gave out');
  }
}

/**
 * Pages run in PIN order and a cursor carries the last PIN of the page: stable under concurrent
 * writes (no offsets), and each page is an index range scan. Opaque to clients (base64url) so
 * its content may change.
 */
export function cursorAfter(pin: string): string {
  return Buffer.from(JSON.stringify({ after: pin })).toString('base64url');
}

export function pinAfterCursor(cursor: string): string {
  try {
    const { after } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof after === 'string' && PIN.test(after)) return after;
  } catch {
    // falls through: not a cursor of ours
  }
  throw new InvalidCursor();
}

/** Rows are fetched one beyond the page: its presence says there is a next page. */
export function pageOf<T>(rows: readonly T[], limit: number, pinOf: (row: T) => string) {
  const items = rows.slice(0, limit);
  const nextCursor = rows.length > limit ? cursorAfter(pinOf(items[items.length - 1])) : null;
  return { items, nextCursor };
}
