import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RegistryError } from '@registry/domain';
import { EarlierAnswer, errorBody, HttpProblem, type ErrorBody } from './error-body';
import { isConnectionLoss } from '@registry/event-store';

/** Status of each request-level code (registry rules are all 422). */
const STATUS_OF_CODE: Record<string, number> = {
  CITIZEN_NOT_FOUND: 404,
  PROCEDURE_NOT_FOUND: 404,
  // The procedure is not waiting for a person: nothing to retry in its current state.
  PROCEDURE_NOT_RETRYABLE: 409,
  MARRIAGE_NOT_FOUND: 404,
  REVISION_MISMATCH: 412,
  IDEMPOTENCY_KEY_REUSED: 409,
  // Transient (API.md: never the answer kept for an Idempotency-Key): the client retries.
  WRITE_CONTENTION: 503,
  PIN_SPACE_EXHAUSTED: 503,
  PIN_REPLACED: 422,
};

/** Transient answers tell the client when to come back. */
const RETRY_LATER: Record<string, Record<string, string>> = {
  WRITE_CONTENTION: { 'retry-after': '1' },
};

interface CodedError {
  code: string;
  message: string;
  details?: readonly unknown[];
}

function isCoded(error: unknown): error is CodedError {
  return (
    error instanceof Error &&
    typeof (error as { code?: unknown }).code === 'string' &&
    /^[A-Z_]+$/.test((error as unknown as CodedError).code)
  );
}

/** Maps every failure to API.md's error body. Personal data never reaches the log: only codes. */
@Catch()
export class RegistryExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    if (exception instanceof EarlierAnswer) {
      void reply.status(exception.status).headers(exception.headers).send(exception.body);
      return;
    }
    const request = http.getRequest<FastifyRequest | undefined>();
    // The route pattern, never the path: no PIN in the log.
    const context = request && { id: request.id, method: request.method, route: request.routeOptions?.url };
    const [status, body, headers] = this.answer(exception, context);
    void reply.status(status).headers(headers).send(body);
  }

  answer(exception: unknown, request?: Record<string, unknown>): [number, ErrorBody, Record<string, string>] {
    if (exception instanceof HttpProblem) {
      return [exception.status, errorBody(exception.code, exception.message, exception.details), exception.headers];
    }
    if (exception instanceof RegistryError) {
      const status = STATUS_OF_CODE[exception.code] ?? 422;
      return [
        status,
        errorBody(exception.code, exception.message, exception.details),
        RETRY_LATER[exception.code] ?? {},
      ];
    }
    if (isCoded(exception) && STATUS_OF_CODE[exception.code]) {
      return [
        STATUS_OF_CODE[exception.code],
        errorBody(exception.code, exception.message, exception.details ?? []),
        {},
      ];
    }
    if (exception instanceof HttpException) return this.fromFramework(exception);
    if (isConnectionLoss(exception)) return serviceUnavailable();
    const fastifyStatus = (exception as { statusCode?: number }).statusCode;
    if (fastifyStatus && fastifyStatus >= 400 && fastifyStatus < 500) {
      return [fastifyStatus, httpLayerError(fastifyStatus, exception as Error), {}];
    }
    this.logger.error(
      {
        req: request,
        err: exception instanceof Error ? { name: exception.name, stack: exception.stack } : String(exception),
      },
      'unhandled error',
    );
    return [500, errorBody('INTERNAL_ERROR', 'The registry could not complete the request'), {}];
  }

  private fromFramework(exception: HttpException): [number, ErrorBody, Record<string, string>] {
    const status = exception.getStatus();
    return [status, errorBody(codeOfStatus(status), exception.message), {}];
  }
}

const CODE_OF_STATUS: Record<number, string> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  408: 'REQUEST_TIMEOUT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  431: 'HEADERS_TOO_LARGE',
  503: 'SERVICE_UNAVAILABLE',
};

/** The code of an answer the HTTP layer gives by itself (a framework or parser refusal). */
export function codeOfStatus(status: number): string {
  return CODE_OF_STATUS[status] ?? `HTTP_${status}`;
}

/** Fastify's own refusals (unparsable JSON, body too large, unsupported media type or charset). */
function httpLayerError(status: number, error: Error): ErrorBody {
  const messages: Record<number, string> = {
    400: 'The request body is not valid JSON',
    413: 'The request body is too large',
    415: 'The request body must be JSON (application/json; charset=utf-8)',
  };
  return errorBody(codeOfStatus(status), messages[status] ?? 'The request was refused', [{ reason: error.message }]);
}

/** Seconds a client should wait before retrying after a lost database connection. */
export const RETRY_AFTER_SECONDS = 1;

/** 503 with Retry-After: the database is briefly out of reach; nothing was decided. */
export function serviceUnavailable(): [number, ErrorBody, Record<string, string>] {
  return [
    503,
    errorBody('SERVICE_UNAVAILABLE', 'The registry database is briefly unavailable; retry the request'),
    { 'retry-after': String(RETRY_AFTER_SECONDS) },
  ];
}

/**
 * Answers that say nothing final about the request, so an Idempotency-Key never keeps them:
 * server failures, a dependency unavailable, too many requests, and write contention the
 * server could not resolve.
 */
export function isTransientAnswer(status: number, body: ErrorBody): boolean {
  return status >= 500 || status === 429 || body.error.code === 'WRITE_CONTENTION';
}
