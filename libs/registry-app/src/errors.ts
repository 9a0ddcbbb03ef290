import { RegistryError } from '@registry/domain';

/** Answers of the command path that are not rules of the domain; the same error class, other codes. */
export class CitizenNotFound extends RegistryError {
  constructor(pin: string) {
    super('CITIZEN_NOT_FOUND', `No citizen with PIN ${pin}`, [{ field: 'pin', value: pin }]);
  }
}

export class RevisionMismatch extends RegistryError {
  constructor(expected: number, actual: number) {
    super('REVISION_MISMATCH', `If-Match revision ${expected} is not the current revision ${actual}`, [
      { expected, actual },
    ]);
  }
}

/** Other writers kept winning the append after every retry: transient, the client may retry. */
export class WriteContention extends RegistryError {
  constructor(stream: string) {
    super('WRITE_CONTENTION', `${stream} is being changed concurrently; retry`);
  }
}

export class PinSpaceExhausted extends RegistryError {
  constructor(prefix: string) {
    super('PIN_SPACE_EXHAUSTED', `Could not find a free PIN with prefix ${prefix}`);
  }
}
