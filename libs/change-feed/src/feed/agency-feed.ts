import { formatPosition, type EventStore, type Position } from '@registry/event-store';
import { agencyView, effectiveAtOf, pinOf } from '../protobuf/citizen-event-message';
import type { AgencyEntitlement } from '../entitlements/agency-entitlements';
import { CITIZEN_STREAM_PREFIX } from '../topics';

/** One event of an agency's HTTP feed (API.md "Change feeds"). */
export interface AgencyFeedEvent {
  /** Opaque; pass it as `after` to resume behind this event. */
  readonly position: string;
  readonly eventId: string;
  readonly type: string;
  readonly pin: string;
  /** Revision in the citizen's stream (per-citizen order), as in the Kafka record. */
  readonly revision: number;
  readonly effectiveAt: string;
  readonly recordedAt: string;
  /** The entitled fields only, in the domain's JSON form. */
  readonly data: Record<string, unknown>;
}

export interface AgencyFeedPage {
  readonly events: AgencyFeedEvent[];
  /** Position to resume from: the last event's, else the requested `after` (null: nothing read yet). */
  readonly next: string | null;
  /** True when the page reached the end of the log as it stood when read. */
  readonly caughtUp: boolean;
}

/**
 * The agency feed over HTTP: the same events, in the same order, with the same fields as the
 * agency's Kafka topic (both are built from AgencyEntitlement.view), from any position: for
 * back-fills beyond the topic's retention.
 */
export class AgencyFeed {
  constructor(private readonly store: EventStore) {}

  async read(agency: AgencyEntitlement, after: Position | undefined, limit: number): Promise<AgencyFeedPage> {
    const recorded = await this.store.readAll({
      after,
      maxCount: limit,
      filter: { eventTypes: agency.eventTypes, streamPrefixes: [CITIZEN_STREAM_PREFIX] },
    });
    const events = recorded.flatMap((event): AgencyFeedEvent[] => {
      const data = agencyView(agency, event);
      if (data === null) return [];
      return [
        {
          position: formatPosition(event.position),
          eventId: event.eventId,
          type: event.type,
          pin: pinOf(event),
          revision: event.revision,
          effectiveAt: effectiveAtOf(event),
          recordedAt: event.recordedAt.toISOString(),
          data,
        },
      ];
    });
    const last = recorded[recorded.length - 1];
    return {
      events,
      next: last ? formatPosition(last.position) : after ? formatPosition(after) : null,
      caughtUp: recorded.length < limit,
    };
  }
}
