import type { FastifyRequest } from 'fastify';
import { HttpProblem } from '@registry/platform';

const MAX_PURPOSE = 300;

/** The caller's stated purpose (`X-Purpose`), trimmed; null when absent or blank. */
export function purposeOf(request: FastifyRequest): string | null {
  const raw = request.headers['x-purpose'];
  const value = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  if (!value) return null;
  if (value.length > MAX_PURPOSE || /[\u0000-\u001f\u007f]/.test(value)) {
    throw new HttpProblem(400, 'VALIDATION_FAILED', 'The request is not valid', [
      { field: 'X-Purpose', problems: [`at most ${MAX_PURPOSE} characters, no control characters`] },
    ]);
  }
  return value;
}
