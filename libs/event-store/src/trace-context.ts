import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Link,
  type Span,
} from '@opentelemetry/api';
import type { EventToAppend, RecordedEvent } from './event-store.port';

/**
 * OpenTelemetry around the store: an append is a span of the request (or procedure step) that
 * makes it, and each event carries that span's W3C trace context in its metadata (`traceparent`,
 * `tracestate`), so the projector and the change feed, which handle it later in other processes,
 * link their spans to the request's trace. Without an SDK started (the default) the tracer does
 * nothing and no metadata is added.
 */
const tracer = trace.getTracer('@registry/event-store');

/** Runs an append in a span `event-store append`, its events stamped with the span's trace context. */
export async function tracedAppend<T>(
  streams: number,
  events: number,
  work: (stamp: (events: readonly EventToAppend[]) => readonly EventToAppend[]) => Promise<T>,
): Promise<T> {
  return tracer.startActiveSpan(
    'event-store append',
    { kind: SpanKind.INTERNAL, attributes: { 'registry.streams': streams, 'registry.events': events } },
    (span) => ended(span, () => work(stampTraceContext)),
  );
}

/** The events with the current trace context in their metadata (unchanged when there is none). */
export function stampTraceContext(events: readonly EventToAppend[]): readonly EventToAppend[] {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  if (!carrier.traceparent) return events;
  return events.map((event) => ({ ...event, metadata: { ...event.metadata, ...carrier } }));
}

/** Span links to the traces that appended these events (at most `max`: a span keeps 128 links by default). */
export function linksToAppends(events: readonly RecordedEvent[], max = 128): Link[] {
  const links: Link[] = [];
  for (const event of events) {
    if (links.length >= max) break;
    if (typeof event.metadata.traceparent !== 'string') continue;
    const spanContext = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, event.metadata));
    if (spanContext) links.push({ context: spanContext, attributes: { 'registry.event_id': event.eventId } });
  }
  return links;
}

/**
 * Runs the handling of a batch of events (a projection, a relay's produce request) in a span
 * linked to the appends that wrote them.
 */
export async function tracedBatch<T>(
  name: string,
  events: readonly RecordedEvent[],
  work: (span: Span) => Promise<T>,
  kind: SpanKind = SpanKind.CONSUMER,
): Promise<T> {
  return tracer.startActiveSpan(
    name,
    { kind, links: linksToAppends(events), attributes: { 'registry.events': events.length } },
    ROOT_CONTEXT,
    (span) => ended(span, () => work(span)),
  );
}

/** Runs `work`, then ends the span: with the error recorded when it failed. */
async function ended<T>(span: Span, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR });
    throw error;
  } finally {
    span.end();
  }
}
