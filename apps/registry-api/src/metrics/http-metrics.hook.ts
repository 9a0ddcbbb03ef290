import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { RegistryMetrics } from './registry-metrics';

const STARTED = Symbol('metricsStarted');
type TimedRequest = FastifyRequest & { [STARTED]?: bigint };

/**
 * Counts and times every request in Fastify's own hooks, so errors answered by the HTTP layer
 * (401, 404, 413...) count too. Labelled by the route pattern, never the path: PINs stay out
 * of the metrics, and the series stay few.
 */
@Injectable()
export class HttpMetricsHook implements OnModuleInit {
  constructor(
    private readonly adapter: HttpAdapterHost,
    private readonly metrics: RegistryMetrics,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapter.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return;
    // Callback hooks: an async hook costs Fastify a promise and its continuation on every request.
    fastify.addHook('onRequest', (request: TimedRequest, _reply, done) => {
      request[STARTED] = process.hrtime.bigint();
      done();
    });
    fastify.addHook('onResponse', (request: TimedRequest, reply, done) => {
      const labels = {
        method: request.method,
        route: request.routeOptions?.url ?? 'unmatched',
        status: String(reply.statusCode),
      };
      this.metrics.requests.inc(labels);
      const started = request[STARTED];
      if (started !== undefined) this.metrics.latency.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
      done();
    });
  }
}
