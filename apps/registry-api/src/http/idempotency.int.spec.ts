import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { randomUUID } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { RegistryError } from '@registry/domain';
import { WriteContention } from '@registry/app';
import { RegistryExceptionFilter } from '@registry/platform';
import { ApiHarness } from '../test-support/api-harness';
import { Idempotency, IdempotencyGuard } from './idempotency';

/**
 * Issue 10 item 2: an Idempotency-Key keeps final answers only. A 409 WRITE_CONTENTION, a lost
 * database connection (503) or a server failure (500) is not the answer to the key: a retry with
 * it runs the write again. A broken rule (422) is final: the retry gets it again without running.
 * The real guard, onSend hook, exception filter and PostgreSQL table; the write behind them is scripted.
 */
describe('Idempotency-Key keeps no transient answer', () => {
  let api: ApiHarness;
  let idempotency: Idempotency;
  let guard: IdempotencyGuard;
  const filter = new RegistryExceptionFilter();
  beforeAll(async () => {
    api = await ApiHarness.start();
    idempotency = api.app.get(Idempotency);
    guard = new IdempotencyGuard(idempotency);
  });
  afterAll(() => api.stop());

  /**
   * One POST as Nest and Fastify run it: the guard claims the key, `write` plays the controller,
   * a failure goes through the exception filter, and the answer through the onSend hook.
   */
  async function send(key: string, write: () => Promise<unknown>) {
    const reply = fakeReply();
    const request = {
      method: 'POST',
      url: '/v1/births',
      headers: { 'idempotency-key': key },
      body: { child: { givenName: 'An' } },
      principal: { sub: api.sub },
    };
    const context = new ExecutionContextHost([request, reply]);
    let error: unknown;
    try {
      await guard.canActivate(context);
      reply.send(await write());
    } catch (failure) {
      error = failure;
      filter.catch(failure, context);
    }
    const sent = await idempotency.beforeSend(request as never, reply as unknown as FastifyReply, reply.payload);
    const body = JSON.parse(String(sent)) as unknown;
    return error === undefined ? { status: reply.statusCode, body } : { status: reply.statusCode, body, error };
  }

  const lostConnection = Object.assign(new Error('terminating connection due to administrator command'), {
    code: '57P01',
  });
  it.each([
    ['WRITE_CONTENTION (contention the server could not resolve)', () => new WriteContention('citizen-001224000001')],
    ['503, a lost database connection', () => lostConnection],
    ['500, a server failure', () => new TypeError('boom')],
  ])('after %s, a retry with the same key runs again and its answer is kept', async (_, failure) => {
    const key = `transient-${randomUUID()}`;
    let runs = 0;
    const first = await send(key, async () => {
      runs++;
      throw failure();
    });
    expect(first.error).toBeDefined();
    const retry = await send(key, async () => {
      runs++;
      return { pin: '001224000001', revision: 0 };
    });
    expect(runs).toBe(2);
    expect(retry.body).toEqual({ pin: '001224000001', revision: 0 });
    const again = await send(key, async () => {
      runs++;
      return { pin: 'another', revision: 9 };
    });
    expect(runs).toBe(2); // the success is the key's answer now
    expect(again.body).toEqual({ pin: '001224000001', revision: 0 });
  });

  it('a broken rule is final: the retry gets the same 422 without running', async () => {
    const key = `final-${randomUUID()}`;
    let runs = 0;
    const rule = () => {
      runs++;
      return Promise.reject(new RegistryError('BIRTH_DATE_IN_FUTURE', 'The date of birth is in the future'));
    };
    const first = await send(key, rule);
    const retry = await send(key, rule);
    expect(runs).toBe(1);
    expect(retry.status).toBe(422);
    expect(retry.error).toMatchObject({ code: 'BIRTH_DATE_IN_FUTURE' });
    expect(first.error).toBeInstanceOf(RegistryError);
  });
});

function fakeReply() {
  const headers: Record<string, string> = {};
  const reply = {
    statusCode: 200,
    payload: undefined as string | undefined,
    status(code: number) {
      reply.statusCode = code;
      return reply;
    },
    headers(values: Record<string, string>) {
      Object.assign(headers, values);
      return reply;
    },
    removeHeader(name: string) {
      delete headers[name];
      return reply;
    },
    getHeader: (name: string) => headers[name],
    send(body: unknown) {
      reply.payload = JSON.stringify(body);
      return reply;
    },
  };
  return reply;
}
