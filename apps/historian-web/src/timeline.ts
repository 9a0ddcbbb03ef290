/** One entry of `GET /v1/citizens/{pin}/timeline` (API.md), as the page uses it. */
export interface TimelineEvent {
  readonly pin: string;
  readonly eventId: string;
  readonly type: string;
  readonly revision: number;
  readonly effectiveAt: string | null;
  readonly recordedAt: string;
  readonly actor: { readonly sub: string | null; readonly office: string | null };
  readonly data: Record<string, unknown>;
}

export interface Timeline {
  readonly pin: string;
  readonly currentPin: string;
  readonly events: TimelineEvent[];
}

/** A position of the "known at" slider: what the registry knew once `recordedAt` was recorded. */
export interface KnownAtStop {
  /** The last recording instant this stop includes. */
  readonly recordedAt: string;
  /** The instant sent as `knownAt`; undefined for the last stop ("now"). */
  readonly knownAt: string | undefined;
  /** The event recorded last at this stop. */
  readonly lastEvent: TimelineEvent;
}

/**
 * One stop per distinct recording instant, oldest first. A stop asks halfway to the next
 * recording, so it includes its own events whatever sub-millisecond precision the store keeps.
 */
export function knownAtStops(events: readonly TimelineEvent[]): KnownAtStop[] {
  const byRecording = [...events].sort((a, b) => a.recordedAt.localeCompare(b.recordedAt) || a.revision - b.revision);
  const stops: KnownAtStop[] = [];
  byRecording.forEach((event, i) => {
    const next = byRecording[i + 1];
    if (next?.recordedAt === event.recordedAt) return;
    const knownAt = next
      ? new Date((Date.parse(event.recordedAt) + Date.parse(next.recordedAt)) / 2).toISOString()
      : undefined;
    stops.push({ recordedAt: event.recordedAt, knownAt, lastEvent: event });
  });
  return stops;
}

/** The events recorded by a stop, along valid time (in the chain's order within one date). */
export function knownEventsAlongValidTime(events: readonly TimelineEvent[], stop: KnownAtStop): TimelineEvent[] {
  return events
    .map((event, chainIndex) => ({ event, chainIndex }))
    .filter(({ event }) => event.recordedAt <= stop.recordedAt)
    .sort((a, b) => (a.event.effectiveAt ?? '').localeCompare(b.event.effectiveAt ?? '') || a.chainIndex - b.chainIndex)
    .map(({ event }) => event);
}
