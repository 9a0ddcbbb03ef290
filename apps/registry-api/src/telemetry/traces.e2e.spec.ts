import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { startTracing } from '@registry/platform/tracing/start-tracing';
import { AgencyEntitlements, CHANGE_FEED_MIGRATIONS } from '@registry/change-feed';
import { ChangeFeedRelay } from '@registry/change-feed/relay/change-feed-relay';
import { startTestKafka, type TestKafka } from '@registry/change-feed/test-support/test-kafka';
import { EVENT_STORE, migrate, type EventStore } from '@registry/event-store';
import { ApiHarness } from '../test-support/api-harness';

// Spans go to memory (what an OTLP exporter would send): the SDK and the instrumentations as
// the apps start them (startTracing), before the API is built.
const exporter = new InMemorySpanExporter();
const sdk = startTracing('registry-api-test', { spanProcessors: [new SimpleSpanProcessor(exporter)] })!;

let api: ApiHarness;
let kafka: TestKafka;
let relay: ChangeFeedRelay | undefined;

beforeAll(async () => {
  // A database of its own: the relay starts from the beginning of its log.
  api = await ApiHarness.start('postgresql', { ownDatabase: true });
  kafka = await startTestKafka();
}, 120_000);

afterAll(async () => {
  await relay?.stop();
  await api?.stop();
  await sdk.shutdown();
});

/** Polls the finished spans until one matches (spans end when their work does, in the background). */
async function spanWhere(
  what: string,
  match: (span: ReadableSpan) => boolean,
  timeoutMs = 60_000,
): Promise<ReadableSpan> {
  for (const deadline = Date.now() + timeoutMs; ;) {
    const found = exporter.getFinishedSpans().find(match);
    if (found) return found;
    if (Date.now() > deadline)
      throw new Error(
        `no ${what} span in ${exporter
          .getFinishedSpans()
          .map((s) => s.name)
          .join(', ')}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const linksTo = (traceId: string) => (span: ReadableSpan) =>
  span.links.some((link) => link.context.traceId === traceId);

describe('OpenTelemetry traces: API -> store -> projector -> relay', () => {
  it("follows a birth's request into the store's append, the event's metadata, the projector and the change feed", async () => {
    const pin = await api.registerCitizen();

    // The birth event carries the trace context of the append that wrote it...
    const [born] = await api.streamEvents(pin);
    const [, traceId, appendSpanId] = String(born.metadata.traceparent).split('-');
    expect(born.metadata.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);

    // ...the store's append span, inside the trace of the request: its root is Fastify's server span.
    const append = await spanWhere('append', (span) => span.spanContext().spanId === appendSpanId);
    expect(append.name).toBe('event-store append');
    expect(append.spanContext().traceId).toBe(traceId);
    const request = await spanWhere(
      'request',
      (span) => span.spanContext().traceId === traceId && span.parentSpanContext === undefined,
    );
    expect(request.kind).toBe(SpanKind.SERVER);
    expect(request.attributes['http.route'] ?? request.attributes['url.path'] ?? request.name).toMatch(/births/);

    // The projector (in the API process) projects it in a batch span linked to the request's trace.
    await spanWhere('projector', (span) => span.name === 'project events' && linksTo(traceId)(span));

    // The change feed relays it to Kafka in a produce span linked to the same trace.
    await migrate(api.pool, CHANGE_FEED_MIGRATIONS);
    relay = new ChangeFeedRelay(
      {
        store: api.app.get<EventStore>(EVENT_STORE),
        pool: api.pool,
        kafka: kafka.client('traces-relay'),
        entitlements: AgencyEntitlements.parse({ agencies: {} }),
        logger: { log: () => undefined, warn: () => undefined, error: () => undefined },
      },
      {
        relayName: 'traces',
        batchSize: 100,
        topics: { partitions: 1, replicationFactor: -1, retentionMs: 3_600_000 },
        reportEveryMs: 0,
      },
    );
    relay.start();
    const relayed = await spanWhere('relay', (span) => span.name === 'change-feed relay' && linksTo(traceId)(span));
    expect(relayed.kind).toBe(SpanKind.PRODUCER);
  }, 180_000);
});
