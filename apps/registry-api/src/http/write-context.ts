import type { FastifyReply, FastifyRequest } from 'fastify';
import { commandIdFor, type CitizenWriteConditions, type CommandEnvelope } from '@registry/app';
import { HttpProblem, type Principal } from '@registry/platform';

const REQUEST_ID = /^[\w.:-]{1,100}$/;

/** Builds a command's envelope from the request: the idempotency key decides the command id. */
export function envelopeOf(request: FastifyRequest, principal: Principal): CommandEnvelope {
  const key = header(request, 'idempotency-key');
  const correlation = header(request, 'x-correlation-id');
  const commandId = commandIdFor(principal.sub, key);
  return {
    commandId,
    correlationId: correlation && REQUEST_ID.test(correlation) ? correlation : commandId,
    causationId: commandId,
    actor: { sub: principal.sub, office: principal.office, roles: principal.roles },
    now: new Date(),
  };
}

/** `If-Match: "3"` (or W/"3", or 3) -> 3; absent -> undefined. */
export function ifMatchOf(request: FastifyRequest): number | undefined {
  const value = header(request, 'if-match');
  if (value === undefined) return undefined;
  const match = /^(?:W\/)?"?(\d{1,15})"?$/.exec(value.trim());
  if (!match) {
    throw new HttpProblem(400, 'VALIDATION_FAILED', 'If-Match must be a revision such as "3"', [
      { field: 'If-Match', problems: ['must be a quoted revision number'] },
    ]);
  }
  return Number(match[1]);
}

export function answerRevision(reply: FastifyReply, revision: number): void {
  void reply.header('etag', `"${revision}"`);
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** What every write on an existing citizen carries: its envelope and its conditions (If-Match, jurisdiction). */
export function citizenWriteOf(
  request: FastifyRequest,
  principal: Principal,
): { envelope: CommandEnvelope; conditions: CitizenWriteConditions } {
  const envelope = envelopeOf(request, principal);
  // The jurisdiction check ACCESS_POLICY gives this operation, run against the stream's state.
  const authorize = request.access!.authorizeCitizen;
  return { envelope, conditions: { ifMatch: ifMatchOf(request), authorize } };
}

/** The answer of a write on an existing citizen: the revision in the body and in the ETag. */
export function revisionAnswer(reply: FastifyReply, result: { revision: number }): { revision: number } {
  answerRevision(reply, result.revision);
  return { revision: result.revision };
}
