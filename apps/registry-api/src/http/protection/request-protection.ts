import { createHash } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import helmet from 'helmet';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { Redis } from 'ioredis';
import { Logger } from '@nestjs/common';
import { HttpProblem, type RequestLimits } from '@registry/platform';

const MINUTE = 60_000;
const logger = new Logger('RequestProtection');

/**
 * Fastify's own options for the limits it enforces itself: body size and request time (a slow
 * client cannot hold a connection open forever).
 */
export function fastifyLimits(limits: RequestLimits) {
  return {
    bodyLimit: limits.bodyBytes,
    requestTimeout: limits.requestTimeoutMs,
    connectionTimeout: limits.requestTimeoutMs,
  };
}

/**
 * Security headers (helmet) and rate limits (@fastify/rate-limit), registered before
 * Nest adds its routes: one limit per client address, which also stops floods of bad tokens, and
 * one per caller (per bearer token). Over either: 429 RATE_LIMITED with Retry-After. With a Redis
 * store configured, the counters are shared by every API process (ADR 0041).
 */
export async function protectRequests(app: NestFastifyApplication, limits: RequestLimits): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  // helmet's middleware is built once: @fastify/helmet built it again for every request (parsing
  // the CSP directives each time), about 6% of the CPU of a lookup (ADR 0051).
  const securityHeaders = helmet({
    // The OpenAPI UI under /docs loads its own inline scripts and styles.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
      },
    },
  });
  fastify.addHook('onRequest', (request, reply, done) =>
    securityHeaders(request.raw, reply.raw, (error?: unknown) => done(error as Error | undefined)),
  );
  // Thrown from the limiter's hook, it reaches RegistryExceptionFilter like any other HttpProblem.
  const refusal = (_: FastifyRequest, context: { after: string; ttl: number }) =>
    new HttpProblem(429, 'RATE_LIMITED', `Too many requests; retry after ${context.after}`, [], {
      'retry-after': String(Math.max(1, Math.ceil(context.ttl / 1000))),
    });
  const store = sharedStore(app, limits);
  await app.register(rateLimit as never, {
    ...store,
    max: limits.ratePerMinutePerAddress,
    timeWindow: MINUTE,
    keyGenerator: (request: FastifyRequest) => `address:${request.ip}`,
    errorResponseBuilder: refusal,
  });
  await app.register(rateLimit as never, {
    ...store,
    max: limits.ratePerMinute,
    timeWindow: MINUTE,
    allowList: (request: FastifyRequest) => typeof request.headers.authorization !== 'string',
    keyGenerator: (request: FastifyRequest) => `caller:${digest(String(request.headers.authorization))}`,
    errorResponseBuilder: refusal,
  });
}

/**
 * The limiter's options for a Redis store shared by all API processes, or none (each process
 * counts alone). Redis unreachable: requests go on unlimited rather than fail (skipOnError), as
 * the limit protects the registry and is no part of any answer; the client's errors are logged.
 */
function sharedStore(app: NestFastifyApplication, limits: RequestLimits): Record<string, unknown> {
  if (!limits.rateStore) return {};
  // Fail fast rather than hold a request behind a reconnecting client: no offline queue, one try.
  const redis = new Redis(limits.rateStore.redisUrl, {
    connectTimeout: 500,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
  });
  redis.on('error', (error: Error) => logger.warn(`rate-limit store: ${error.message}`));
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onClose', async () => {
      await redis.quit().catch(() => redis.disconnect());
    });
  return { redis, nameSpace: limits.rateStore.namespace, skipOnError: true };
}

/** Digests of recent authorization headers: a SHA-256 per request was 2% of a lookup's CPU. */
const digests = new Map<string, string>();
const MAX_DIGESTS = 10_000;

/** The limiter keeps keys in memory or Redis: a digest, never the token itself. */
function digest(authorization: string): string {
  let key = digests.get(authorization);
  if (key === undefined) {
    if (digests.size >= MAX_DIGESTS) digests.clear(); // bounded: a flood of distinct tokens starts afresh
    key = createHash('sha256').update(authorization).digest('base64url').slice(0, 22);
    digests.set(authorization, key);
  }
  return key;
}
