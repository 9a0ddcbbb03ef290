import type { PoolClient } from 'pg';
import type { RecordedEvent } from '@registry/event-store';
import { isCitizenStream, pinOfCitizenStream } from '@registry/domain';

/** Where a projection writes: the live tables (suffix '') or a rebuild's twins ('_next'). */
export interface TableSet {
  readonly suffix: '' | '_next';
}

export const LIVE: TableSet = { suffix: '' };
export const NEXT: TableSet = { suffix: '_next' };

/**
 * A read model built from events. `project` runs inside the batch's transaction, which also
 * moves the projection's checkpoint: it must write only through `tx`, derive every value from
 * the events (never from the clock), and ignore event types it does not know.
 */
export interface Projection {
  readonly name: string;
  /** Live table names; a rebuild fills `<table>_next` and swaps them in. */
  readonly tables: readonly string[];
  /**
   * SQL functions of the read-model migration: `create(suffix)` creates the tables with the keys
   * the projection writes by; `index(suffix)` returns the statements of the query indexes.
   */
  readonly schema: { readonly create: string; readonly index: string };
  /**
   * Its JavaScript's share of a rebuild's work per event, relative to the others (1 if not
   * given): a rebuild spreads the projections over its worker threads by it (ADR 0110).
   */
  readonly rebuildCost?: number;
  project(tx: PoolClient, events: readonly RecordedEvent[], target: TableSet): Promise<void>;
}

/** The PIN of a citizen stream, or undefined for other streams (procedures...). */
export function pinOfStream(streamId: string): string | undefined {
  return isCitizenStream(streamId) ? pinOfCitizenStream(streamId) : undefined;
}

/** PINs whose first event in `events` is not their stream's first: their rows may already exist. */
export function pinsSeenBefore(events: readonly RecordedEvent[]): string[] {
  const first = new Map<string, number>();
  for (const event of events) {
    const pin = pinOfStream(event.streamId);
    if (pin !== undefined && !first.has(pin)) first.set(pin, event.revision);
  }
  return [...first].filter(([, revision]) => revision > 0).map(([pin]) => pin);
}

export function tableName(table: string, target: TableSet): string {
  return `${table}${target.suffix}`;
}
