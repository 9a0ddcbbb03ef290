import type { EventFilter, Position, RecordedEvent } from '../event-store.port';

/** A page of a live subscription (PostgresSubscription), read by `readLive`. */
export interface LivePage {
  readonly events: RecordedEvent[];
  /**
   * How far the log has been read for this caller, matching or not: the next page starts after
   * it. Past the last event of the page when the page was not full (every event below the read's
   * horizon was seen), so readers with different filters stay at the same position.
   */
  readonly scannedTo: Position | undefined;
  /** The read stopped at its limit: more events are visible already. */
  readonly full: boolean;
  /** The read brought back a newer horizon than it used: events committed since may be visible now. */
  readonly horizonMoved: boolean;
}

/** What a live subscription reads through (PostgresEventStore.readLive, ADR 0105). */
export interface LiveReader {
  readLive(after: Position | undefined, maxCount: number, filter?: EventFilter): Promise<LivePage>;
}
