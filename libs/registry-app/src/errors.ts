/** Failures of a request that are not registry rules: the HTTP layer maps each code to its status. */
export class RegistryRequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: readonly Record<string, unknown>[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class CitizenNotFound extends RegistryRequestError {
  constructor(pin: string) {
    super('CITIZEN_NOT_FOUND', `No citizen with PIN ${pin}`, [{ field: 'pin', value: pin }]);
  }
}

export class RevisionMismatch extends RegistryRequestError {
  constructor(expected: number, actual: number) {
    super('REVISION_MISMATCH', `If-Match revision ${expected} is not the current revision ${actual}`, [
      { expected, actual },
    ]);
  }
}

/** Too many concurrent writers on one citizen; the client may retry. */
export class WriteContention extends RegistryRequestError {
  constructor(pin: string) {
    super('WRITE_CONTENTION', `Citizen ${pin} is being changed concurrently; retry`);
  }
}

export class PinSpaceExhausted extends RegistryRequestError {
  constructor(prefix: string) {
    super('PIN_SPACE_EXHAUSTED', `Could not find a free PIN with prefix ${prefix}`);
  }
}
