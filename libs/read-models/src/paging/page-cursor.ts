/** Page size of searches and resident lists (API.md): 20 unless asked, never above 100. */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export class InvalidCursor extends Error {
  constructor() {
    super('The cursor is not one this registry gave out');
  }
}

/**
 * Pages continue after the last row of the previous page (keyset paging): stable under
 * concurrent writes, each page an index range scan. A cursor carries those keys, opaque to
 * clients (base64url) so its content may change.
 */
export function encodeCursor(keys: object): string {
  return Buffer.from(JSON.stringify(keys)).toString('base64url');
}

/** The keys of a cursor, when `accept` recognises them; InvalidCursor otherwise. */
export function decodeCursor<T>(cursor: string, accept: (keys: unknown) => keys is T): T {
  let keys: unknown;
  try {
    keys = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursor();
  }
  if (!accept(keys)) throw new InvalidCursor();
  return keys;
}

const PIN = /^\d{12}$/;

export function isPin(value: unknown): value is string {
  return typeof value === 'string' && PIN.test(value);
}

/** Lists in PIN order (residents) continue after a PIN. */
export function cursorAfter(pin: string): string {
  return encodeCursor({ after: pin });
}

export function pinAfterCursor(cursor: string): string {
  return decodeCursor(cursor, (keys): keys is { after: string } => isPin((keys as { after?: unknown } | null)?.after))
    .after;
}

/** Rows are fetched one beyond the page: its presence says there is a next page. */
export function pageOf<T>(rows: readonly T[], limit: number, pinOf: (row: T) => string) {
  const items = rows.slice(0, limit);
  const nextCursor = rows.length > limit ? cursorAfter(pinOf(items[items.length - 1])) : null;
  return { items, nextCursor };
}
