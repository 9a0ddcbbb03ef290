import { applyDecorators } from '@nestjs/common';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { ErrorAnswer } from './answers.dto';

/** Error statuses and the codes an operation answers with (API.md "Errors"). */
export type ErrorCodes = Partial<Record<400 | 401 | 403 | 404 | 409 | 412 | 422 | 503, readonly string[]>>;

/** Every authenticated operation: no valid token, or a role that may not call it. */
export const CALLER_ERRORS: ErrorCodes = { 401: ['UNAUTHENTICATED'], 403: ['FORBIDDEN'] };

/** Every write on an existing citizen (If-Match, Idempotency-Key, jurisdiction, contention). */
export const CITIZEN_WRITE_ERRORS: ErrorCodes = {
  400: ['VALIDATION_FAILED'],
  401: ['UNAUTHENTICATED'],
  403: ['FORBIDDEN', 'JURISDICTION_DENIED'],
  404: ['CITIZEN_NOT_FOUND'],
  409: ['IDEMPOTENCY_KEY_REUSED'],
  412: ['REVISION_MISMATCH'],
  503: ['WRITE_CONTENTION', 'SERVICE_UNAVAILABLE'],
};

/**
 * An operation's OpenAPI description: its summary, and each error status with the codes it may
 * carry, all in API.md's error body. The OpenAPI test fails for an operation without them.
 */
export function Operation(summary: string, errors: ErrorCodes): MethodDecorator {
  const responses = Object.entries(errors).map(([status, codes]) =>
    ApiResponse({ status: Number(status), type: ErrorAnswer, description: `Codes: ${codes!.join(', ')}` }),
  );
  return applyDecorators(ApiOperation({ summary }), ...responses);
}

/** Merges error lists: the codes of a status add up. */
export function withErrors(...lists: ErrorCodes[]): ErrorCodes {
  const merged: Record<number, string[]> = {};
  for (const list of lists) {
    for (const [status, codes] of Object.entries(list)) {
      merged[Number(status)] = [...new Set([...(merged[Number(status)] ?? []), ...codes!])];
    }
  }
  return merged;
}
