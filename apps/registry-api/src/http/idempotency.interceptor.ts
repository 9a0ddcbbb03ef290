import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { HttpProblem, isTransientAnswer, RegistryExceptionFilter, type Principal } from '@registry/platform';
import { IdempotencyStore, type StoredAnswer } from './idempotency-store';

const KEY = /^[\x21-\x7e]{1,200}$/;
const REPLAYED_HEADERS = ['etag', 'location'];

/**
 * `Idempotency-Key` on writes: a retry with the same key and body gets the first answer again
 * (status, body, ETag, Location); the same key with another body is 409.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly errors = new RegistryExceptionFilter();

  constructor(private readonly store: IdempotencyStore) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest & { principal?: Principal }>();
    const key = request.headers['idempotency-key'];
    if (request.method !== 'POST' || key === undefined) return next.handle();
    return from(this.once(request, http.getResponse<FastifyReply>(), String(key), next));
  }

  private async once(
    request: FastifyRequest & { principal?: Principal },
    reply: FastifyReply,
    key: string,
    next: CallHandler,
  ) {
    if (!KEY.test(key)) {
      throw new HttpProblem(400, 'VALIDATION_FAILED', 'Idempotency-Key must be 1 to 200 visible ASCII characters');
    }
    const scope = request.principal?.sub ?? 'anonymous';
    const claim = await this.store.claim(scope, key, requestHash(request));
    if (claim.kind === 'reused-with-other-body') {
      throw new HttpProblem(409, 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used with a different request');
    }
    if (claim.kind === 'answered') return replay(reply, claim.answer);
    try {
      const body = await lastValueFrom(next.handle(), { defaultValue: undefined });
      await this.store.remember(scope, key, { status: reply.statusCode, body, headers: headersOf(reply) });
      return body;
    } catch (error) {
      const [status, body, headers] = this.errors.answer(error);
      // A rule broken is a final answer. A transient failure is not: the key stays unfinished
      // (its body hash kept), so a retry with it runs again.
      if (!isTransientAnswer(status, body)) await this.store.remember(scope, key, { status, body, headers });
      throw error;
    }
  }
}

function replay(reply: FastifyReply, answer: StoredAnswer): unknown {
  void reply.status(answer.status).headers(answer.headers);
  if (answer.status >= 400) {
    const { error } = answer.body as { error: { code: string; message: string; details: unknown[] } };
    throw new HttpProblem(answer.status, error.code, error.message, error.details, answer.headers);
  }
  return answer.body;
}

function headersOf(reply: FastifyReply): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of REPLAYED_HEADERS) {
    const value = reply.getHeader(name);
    if (value !== undefined) headers[name] = String(value);
  }
  return headers;
}

/** Same method, path and JSON body (whatever the key order) hash the same. */
function requestHash(request: FastifyRequest): string {
  return createHash('sha256')
    .update(`${request.method} ${request.url}\n${canonicalJson(request.body)}`)
    .digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
