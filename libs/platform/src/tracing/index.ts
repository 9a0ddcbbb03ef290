import { tracingRequested } from './tracing-requested';

export { tracingRequested } from './tracing-requested';

/**
 * The first import of each app's main.ts (through the app's tracing.ts): the instrumentations
 * wrap http, Fastify, pg and kafkajs as they load, so this runs before NestJS and the clients
 * are loaded. The SDK itself is loaded only when traces are asked for (off by default): with its
 * exporters it takes a while to load, which a registry without traces does not pay.
 */
export function startTracingIfRequested(serviceName: string): void {
  if (!tracingRequested()) return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startTracing } = require('./start-tracing') as typeof import('./start-tracing');
  startTracing(serviceName);
}
