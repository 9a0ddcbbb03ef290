import { Injectable, type CanActivate, type ExecutionContext, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  EarlierAnswer,
  HttpProblem,
  isTransientAnswer,
  RegistryExceptionFilter,
  type ErrorBody,
} from '@registry/platform';
import { IdempotencyStore, type StoredAnswer } from './idempotency-store';

const KEY = /^[\x21-\x7e]{1,200}$/;
const REPLAYED_HEADERS = ['etag', 'location'];

const CLAIMED = Symbol('idempotencyKeyClaimed');
type KeyedRequest = FastifyRequest & { [CLAIMED]?: { readonly scope: string; readonly key: string } };

/**
 * `Idempotency-Key` on writes: a retry with the same key and body gets the first answer again
 * (status, body, ETag, Location); the same key with another body is 409.
 *
 * The key is claimed by IdempotencyGuard, after the access guard and before the body is validated,
 * and the answer is kept by Fastify's onSend hook, whatever produced it (the handler, a refusal of
 * the validation pipe, the exception filter). Not a Nest interceptor: an interceptor costs Nest an
 * rxjs pipeline and AsyncResource.bind calls on every request of its routes, with or without a key,
 * 5 to 8% of a birth's CPU (ADR 0090).
 */
@Injectable()
export class Idempotency implements OnModuleInit {
  private readonly errors = new RegistryExceptionFilter();

  constructor(
    private readonly store: IdempotencyStore,
    private readonly adapter: HttpAdapterHost,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapter.httpAdapter?.getInstance<FastifyInstance>();
    // A callback hook: a request without a claimed key passes without a promise.
    fastify?.addHook('onSend', (request: KeyedRequest, reply, payload, done) => {
      if (!request[CLAIMED]) return done(null, payload);
      this.beforeSend(request, reply, payload).then((answer) => done(null, answer), done);
    });
  }

  /**
   * Claims the request's key, if it has one (POST only): throws the earlier answer of the key
   * (EarlierAnswer, or the HttpProblem it was), 409 for another body, 400 for a malformed key.
   * Undefined when there is nothing to claim.
   */
  claim(request: KeyedRequest): Promise<void> | undefined {
    const key = request.headers['idempotency-key'];
    if (request.method !== 'POST' || key === undefined) return undefined;
    return this.claimKey(request, String(key));
  }

  private async claimKey(request: KeyedRequest, key: string): Promise<void> {
    if (!KEY.test(key)) {
      throw new HttpProblem(400, 'VALIDATION_FAILED', 'Idempotency-Key must be 1 to 200 visible ASCII characters');
    }
    const scope = request.principal?.sub ?? 'anonymous';
    const claim = await this.store.claim(scope, key, requestHash(request));
    if (claim.kind === 'reused-with-other-body') {
      throw new HttpProblem(409, 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used with a different request');
    }
    if (claim.kind === 'answered') throw earlierAnswer(claim.answer);
    request[CLAIMED] = { scope, key };
  }

  /**
   * The answer of a request whose key was claimed, as it leaves: it becomes the key's answer. A
   * rule broken is a final answer; a transient failure is not: the key stays unfinished (its body
   * hash kept), so a retry with it runs again. The answer leaves once kept; if it cannot be kept,
   * the client gets that failure instead (and its retry runs again).
   */
  async beforeSend(request: KeyedRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
    const claimed = request[CLAIMED];
    if (!claimed) return payload;
    request[CLAIMED] = undefined;
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload; // no JSON answer to keep
    const json = payload.toString();
    const status = reply.statusCode;
    if (status >= 400 && isTransientAnswer(status, JSON.parse(json) as ErrorBody)) return payload;
    try {
      await this.store.remember(claimed.scope, claimed.key, { status, json, headers: headersOf(reply) });
      return payload;
    } catch (error) {
      const [failure, body, headers] = this.errors.answer(error);
      void reply.status(failure).headers(headers).removeHeader('etag').removeHeader('location');
      return JSON.stringify(body);
    }
  }
}

/** Claims the Idempotency-Key of the write routes that name it in their decorators. */
@Injectable()
export class IdempotencyGuard implements CanActivate {
  constructor(private readonly idempotency: Idempotency) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const claimed = this.idempotency.claim(context.switchToHttp().getRequest<KeyedRequest>());
    return claimed ? claimed.then(() => true) : true;
  }
}

/** The first answer, to be sent again: an error as the HttpProblem it was, a success as it was. */
function earlierAnswer(answer: StoredAnswer): Error {
  if (answer.status >= 400) {
    const { error } = answer.body as ErrorBody;
    return new HttpProblem(answer.status, error.code, error.message, error.details, answer.headers);
  }
  return new EarlierAnswer(answer.status, answer.body, answer.headers);
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
