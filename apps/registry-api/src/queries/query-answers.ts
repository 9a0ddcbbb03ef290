import type { FastifyReply } from 'fastify';
import { civilDateIn } from '@registry/app';
import { findProvince, provincesCountedUnder, UnknownAdministrativeUnit } from '@registry/domain';
import { HttpProblem } from '@registry/platform';
import { DEFAULT_PAGE_SIZE, InvalidCursor, pinAfterCursor } from '@registry/read-models';

/** The read models store answers as JSON text: it goes out as is, never parsed and re-encoded. */
export function asJson(reply: FastifyReply, json: string): string {
  void reply.type('application/json; charset=utf-8');
  return json;
}

export function invalidQuery(field: string, problem: string, message = 'The request is not valid'): HttpProblem {
  return new HttpProblem(400, 'VALIDATION_FAILED', message, [{ field, problems: [problem] }]);
}

/** Where the previous page ended; 400 for a cursor this registry did not give out. */
export function pageStart(query: { cursor?: string; limit?: number }): { afterPin?: string; limit: number } {
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  if (query.cursor === undefined) return { limit };
  try {
    return { afterPin: pinAfterCursor(query.cursor), limit };
  } catch (error) {
    return rejectInvalidCursor(error);
  }
}

/** 400 for a cursor the registry did not give out; other failures pass. */
export function rejectInvalidCursor(error: unknown): never {
  if (error instanceof InvalidCursor) throw invalidQuery('cursor', error.message);
  throw error;
}

/**
 * The units whose residents answer for `code` on `date` (a surviving province with the units
 * merged into it); 422 UNKNOWN_ADMINISTRATIVE_UNIT when the province did not exist that day.
 */
export function unitsCountedUnder(code: string, date: string): string[] {
  const units = provincesCountedUnder(code, date);
  if (units.length === 0) throw new UnknownAdministrativeUnit(code, date);
  return units;
}

/** For search: today's units of a province, or what was recorded under a unit that has merged. */
export function unitsOfResidence(code: string, now: Date): string[] {
  const today = civilDateIn(now);
  if (!findProvince(code)) throw new UnknownAdministrativeUnit(code, today);
  const units = provincesCountedUnder(code, today);
  return units.length > 0 ? units : [code];
}

export function today(): string {
  return civilDateIn(new Date());
}
