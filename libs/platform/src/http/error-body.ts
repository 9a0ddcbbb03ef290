/** The one error shape of API.md: `{ error: { code, message, details } }`. */
export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly details: readonly unknown[] };
}

export function errorBody(code: string, message: string, details: readonly unknown[] = []): ErrorBody {
  return { error: { code, message, details } };
}

/** An error the HTTP layer answers with a given status and code (auth, validation, conflicts). */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: readonly unknown[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/**
 * Not a failure: the answer a request already has, found before its handler ran (the first
 * answer of an Idempotency-Key), which the exception filter sends again as it was.
 */
export class EarlierAnswer extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string>,
  ) {
    super(`The earlier answer (${status}) to this request`);
  }
}
