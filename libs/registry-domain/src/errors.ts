/**
 * The registry's one error class: a rule a command breaks, or a request the registry cannot
 * answer (unknown citizen, stale revision...). The code is API.md's machine-readable one; the
 * HTTP layer maps each code to its status (422 unless listed otherwise).
 */
export class RegistryError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: readonly Record<string, unknown>[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BirthDateInFuture extends RegistryError {
  constructor(dateOfBirth: string, today: string) {
    super('BIRTH_DATE_IN_FUTURE', `Date of birth ${dateOfBirth} is after today (${today})`);
  }
}

export class DeathBeforeBirth extends RegistryError {
  constructor(dateOfDeath: string, dateOfBirth: string) {
    super('DEATH_BEFORE_BIRTH', `Date of death ${dateOfDeath} is before the date of birth ${dateOfBirth}`);
  }
}

export class DeathDateInFuture extends RegistryError {
  constructor(dateOfDeath: string, today: string) {
    super('DEATH_DATE_IN_FUTURE', `Date of death ${dateOfDeath} is after today (${today})`);
  }
}

export class CitizenDeceased extends RegistryError {
  constructor(pin: string) {
    super('CITIZEN_DECEASED', `Citizen ${pin} is deceased; only corrections may be recorded`);
  }
}

export class CitizenNotDeceased extends RegistryError {
  constructor(pin: string) {
    super('CITIZEN_NOT_DECEASED', `Citizen ${pin} has no registered death; the reason cannot be "deceased"`);
  }
}

export class CitizenAlreadyRegistered extends RegistryError {
  constructor(pin: string) {
    super('CITIZEN_ALREADY_REGISTERED', `Citizen ${pin} is already registered`);
  }
}

export class UnknownAdministrativeUnit extends RegistryError {
  constructor(code: string, on: string) {
    super('UNKNOWN_ADMINISTRATIVE_UNIT', `Administrative unit ${code} does not exist or was not valid on ${on}`, [
      { field: 'provinceCode', value: code, validAt: on },
    ]);
  }
}

export class ParentNotFound extends RegistryError {
  constructor(role: 'mother' | 'father', pin: string) {
    super('PARENT_NOT_FOUND', `The ${role} ${pin} is not in the registry`, [{ field: `${role}Pin`, value: pin }]);
  }
}

export class MotherDeceasedBeforeBirth extends RegistryError {
  constructor(pin: string) {
    super('MOTHER_DECEASED_BEFORE_BIRTH', `The mother ${pin} had died before the date of birth`);
  }
}

export class ParentBornAfterChild extends RegistryError {
  constructor(role: 'mother' | 'father', pin: string) {
    super('PARENT_BORN_AFTER_CHILD', `The ${role} ${pin} was born after the child`);
  }
}

export class ParentSexMismatch extends RegistryError {
  constructor(role: 'mother' | 'father', pin: string) {
    super('PARENT_SEX_MISMATCH', `Citizen ${pin} cannot be recorded as the ${role}`);
  }
}

export class EffectiveDateBeforeBirth extends RegistryError {
  constructor(date: string, dateOfBirth: string) {
    super('EFFECTIVE_DATE_BEFORE_BIRTH', `Effective date ${date} is before the date of birth ${dateOfBirth}`);
  }
}

export class EffectiveDateInFuture extends RegistryError {
  constructor(date: string, today: string) {
    super('EFFECTIVE_DATE_IN_FUTURE', `Effective date ${date} is after today (${today})`);
  }
}

export class ResidenceDateBeforeCurrent extends RegistryError {
  constructor(date: string, since: string) {
    super(
      'RESIDENCE_DATE_BEFORE_CURRENT',
      `Effective date ${date} is not after the current permanent residence's start (${since})`,
    );
  }
}

export class NoPermanentResidence extends RegistryError {
  constructor(pin: string) {
    super('NO_PERMANENT_RESIDENCE', `Citizen ${pin} has no permanent residence to cancel`);
  }
}

export class TemporaryResidencePeriodInvalid extends RegistryError {
  constructor(from: string, until: string) {
    super('TEMPORARY_RESIDENCE_PERIOD_INVALID', `Temporary residence from ${from} must end after it starts (${until})`);
  }
}

export class PinInconsistent extends RegistryError {
  constructor(pin: string, reason: string) {
    super('PIN_INCONSISTENT', `PIN ${pin} is not consistent: ${reason}`, [{ field: 'pin', value: pin }]);
  }
}

export class PinWasReestablished extends RegistryError {
  constructor(
    pin: string,
    readonly newPin: string,
  ) {
    super('PIN_REPLACED', `PIN ${pin} was re-established as ${newPin}; record events under the new PIN`, [
      { field: 'pin', value: pin, newPin },
    ]);
  }
}

export class CorrectionChangesNothing extends RegistryError {
  constructor(field: string) {
    super('CORRECTION_CHANGES_NOTHING', `The corrected ${field} equals the recorded one`);
  }
}

export class NameUnchanged extends RegistryError {
  constructor() {
    super('NAME_UNCHANGED', 'The new name equals the current one');
  }
}
