import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import rateLimit from '@fastify/rate-limit';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';
import { Redis } from 'ioredis';
import { Logger } from '@nestjs/common';
import { HttpProblem, type RequestLimits } from '@registry/platform';
import { isRehearsal } from '../../warm-up/rehearsal-marker';

const MINUTE = 60_000;
const logger = new Logger('RequestProtection');

/** The security headers of every answer. The OpenAPI UI under /docs loads its own inline scripts and styles. */
const SECURITY_HEADER_OPTIONS: HelmetOptions = {
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'", "'unsafe-inline'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
    },
  },
};

/**
 * The headers helmet sends with these options, computed once: its middleware is run against a
 * response that records them. Options with no per-request function (no CSP nonce) give the same
 * headers on every answer, and @fastify/helmet rebuilt the whole middleware (CSP directives
 * parsed again) on every request: 2 to 4% of a birth's CPU (ADR 0070).
 */
export function securityHeaders(options: HelmetOptions = SECURITY_HEADER_OPTIONS): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: unknown) => (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => delete headers[name.toLowerCase()],
    getHeader: (name: string) => headers[name.toLowerCase()],
  };
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error;
  });
  return Object.freeze(headers);
}

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
 * Security headers (helmet's) and rate limits (@fastify/rate-limit), registered before
 * Nest adds its routes: one limit per client address, which also stops floods of bad tokens, and
 * one per caller (per bearer token). Over either: 429 RATE_LIMITED with Retry-After. With a Redis
 * store configured, the counters are shared by every API process (ADR 0041).
 */
export async function protectRequests(app: NestFastifyApplication, limits: RequestLimits): Promise<void> {
  const headers = securityHeaders();
  (app.getHttpAdapter().getInstance() as unknown as FastifyInstance).addHook(
    'onRequest',
    (_request: FastifyRequest, reply: FastifyReply, done: () => void) => {
      void reply.headers(headers);
      done();
    },
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
    // The warm-up's requests before the process listens (ADR 0115) are no client's.
    allowList: (request: FastifyRequest) => isRehearsal(request.raw),
    keyGenerator: (request: FastifyRequest) => `address:${request.ip}`,
    errorResponseBuilder: refusal,
  });
  await app.register(rateLimit as never, {
    ...store,
    max: limits.ratePerMinute,
    timeWindow: MINUTE,
    allowList: (request: FastifyRequest) =>
      typeof request.headers.authorization !== 'string' || isRehearsal(request.raw),
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

/** Digests remembered: a client sends one token with every request until it expires. */
const DIGESTS_KEPT = 10_000;
const digests = new Map<string, string>();

/**
 * The limiter keeps keys in memory or Redis: a digest, never the token itself. Each distinct
 * header is hashed once (a SHA-256 per request was 1% of a birth's CPU); the oldest is forgotten
 * first, as in TokenVerifier's memory of verified tokens (ADR 0030).
 */
export function digest(authorization: string): string {
  let known = digests.get(authorization);
  if (known === undefined) {
    known = createHash('sha256').update(authorization).digest('base64url').slice(0, 22);
    if (digests.size >= DIGESTS_KEPT) digests.delete(digests.keys().next().value!);
    digests.set(authorization, known);
  }
  return known;
}
