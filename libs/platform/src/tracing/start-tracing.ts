import { FastifyOtelInstrumentation } from '@fastify/otel';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { NodeSDK } from '@opentelemetry/sdk-node';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { tracingRequested } from './tracing-requested';

export interface TracingOptions {
  /** Where spans go instead of the exporter the environment names (tests: an in-memory exporter). */
  readonly spanProcessors?: SpanProcessor[];
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Starts the OpenTelemetry Node SDK for this process when traces are asked for, with the
 * instrumentations of the libraries the registry talks through: node's http (client calls),
 * Fastify (the API's requests, @fastify/otel, the plugin Fastify maintains), pg (every query)
 * and kafkajs (the change feed's produce requests). Everything else is the standard OTEL_*
 * variables (exporter, endpoint, headers, sampler, resource attributes); OTEL_SERVICE_NAME
 * defaults to the app's name. Returns the SDK (to shut down, flushing spans) or undefined.
 */
export function startTracing(serviceName: string, options: TracingOptions = {}): NodeSDK | undefined {
  const env = options.env ?? process.env;
  if (!options.spanProcessors && !tracingRequested(env)) return undefined;
  const sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME || serviceName,
    spanProcessors: options.spanProcessors,
    instrumentations: [
      new HttpInstrumentation(),
      new FastifyOtelInstrumentation({ registerOnInitialization: true }),
      new PgInstrumentation({ requireParentSpan: true }),
      new KafkaJsInstrumentation(),
    ],
  });
  sdk.start();
  // Spans leave in batches every few seconds; the last ones go when the process ends normally.
  process.once('beforeExit', () => void sdk.shutdown().catch(() => undefined));
  return sdk;
}
