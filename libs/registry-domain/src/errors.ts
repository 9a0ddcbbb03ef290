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
  constructor(pin: string, consequence = 'the reason cannot be "deceased"') {
    super('CITIZEN_NOT_DECEASED', `Citizen ${pin} has no registered death; ${consequence}`);
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

/** `corrects` names no event of the citizen's record (API.md: a correction corrects one recorded fact). */
export class CorrectedEventNotFound extends RegistryError {
  constructor(eventId: string) {
    super('CORRECTED_EVENT_NOT_FOUND', `The event ${eventId} is not in this citizen's record`, [
      { field: 'corrects', value: eventId },
    ]);
  }
}

/** `corrects` names an event that did not record the corrected field (so far: a name change for `name`). */
export class CorrectedEventNotOfField extends RegistryError {
  constructor(eventId: string, field: string) {
    super('CORRECTED_EVENT_NOT_OF_FIELD', `The event ${eventId} did not record the ${field} being corrected`, [
      { field: 'corrects', value: eventId },
    ]);
  }
}

export class NameUnchanged extends RegistryError {
  constructor() {
    super('NAME_UNCHANGED', 'The new name equals the current one');
  }
}

export class ProcedureNotFound extends RegistryError {
  constructor(id: string) {
    super('PROCEDURE_NOT_FOUND', `No procedure ${id}`, [{ field: 'id', value: id }]);
  }
}

export class ProcedureNotRetryable extends RegistryError {
  constructor(id: string, status: string) {
    super('PROCEDURE_NOT_RETRYABLE', `Procedure ${id} is ${status}; only a procedure that needs attention is retried`);
  }
}

export class UnknownServiceRequest extends RegistryError {
  constructor(requestId: string) {
    super('UNKNOWN_SERVICE_REQUEST', `No procedure step sent request ${requestId}`);
  }
}

export class CommuneNotValid extends RegistryError {
  constructor(provinceCode: string, communeCode: string, on: string, problem: 'unknown' | 'elsewhere') {
    const why = problem === 'unknown' ? 'did not exist' : `did not lie in province ${provinceCode}`;
    super('UNKNOWN_ADMINISTRATIVE_UNIT', `Commune ${communeCode} ${why} on ${on}`, [
      { field: 'communeCode', value: communeCode, provinceCode, validAt: on, problem },
    ]);
  }
}

export class TemporaryResidenceTooLong extends RegistryError {
  constructor(from: string, until: string, latest: string) {
    super(
      'TEMPORARY_RESIDENCE_PERIOD_INVALID',
      `A temporary residence is registered for at most 2 years: from ${from}, until ${until} is after ${latest}`,
      [{ field: 'until', value: until, latest }],
    );
  }
}

export class TemporaryResidenceInPermanentCommune extends RegistryError {
  constructor(communeCode: string) {
    super(
      'TEMPORARY_RESIDENCE_IN_PERMANENT_COMMUNE',
      `A temporary residence lies outside the commune of the permanent residence (${communeCode})`,
      [{ field: 'address.communeCode', value: communeCode }],
    );
  }
}

export class TemporaryResidenceBeforeCurrent extends RegistryError {
  constructor(date: string, currentFrom: string) {
    super(
      'RESIDENCE_DATE_BEFORE_CURRENT',
      `${date} is not after the start of the current temporary residence (${currentFrom})`,
      [{ value: date, currentFrom }],
    );
  }
}

export class NoTemporaryResidence extends RegistryError {
  constructor(pin: string, on: string) {
    super('NO_TEMPORARY_RESIDENCE', `Citizen ${pin} has no temporary residence in force on ${on}`);
  }
}

export class CancellationBeforeDeath extends RegistryError {
  constructor(date: string, dateOfDeath: string) {
    super(
      'CANCELLATION_BEFORE_DEATH',
      `A cancellation for reason "deceased" takes effect on ${date}, before the death (${dateOfDeath})`,
      [{ field: 'effectiveDate', value: date, dateOfDeath }],
    );
  }
}

export class BirthYearOutOfRange extends RegistryError {
  constructor(dateOfBirth: string) {
    super(
      'BIRTH_YEAR_OUT_OF_RANGE',
      `A PIN can be assigned for births from 1900 to 2399; ${dateOfBirth} is outside that range`,
      [{ field: 'dateOfBirth', value: dateOfBirth }],
    );
  }
}

export class ParentTooYoung extends RegistryError {
  constructor(role: 'mother' | 'father', pin: string, minimumAge: number) {
    super('PARENT_TOO_YOUNG', `The ${role} ${pin} was younger than ${minimumAge} at the birth`, [
      { field: `${role}Pin`, value: pin, minimumAge },
    ]);
  }
}

export class FatherDeceasedBeforeConception extends RegistryError {
  constructor(pin: string, dateOfDeath: string) {
    super(
      'FATHER_DECEASED_BEFORE_CONCEPTION',
      `The father ${pin} died on ${dateOfDeath}, more than 300 days before the birth`,
      [{ field: 'fatherPin', value: pin, dateOfDeath }],
    );
  }
}

export class CorrectionConflictsWithChild extends RegistryError {
  constructor(childPin: string, broken: RegistryError) {
    super(
      'CORRECTION_CONFLICTS_WITH_CHILD',
      `The corrected record no longer fits the child ${childPin}: ${broken.message}`,
      [{ field: 'value', childPin, rule: broken.code }],
    );
  }
}

export class PossibleDuplicate extends RegistryError {
  constructor(pins: readonly string[]) {
    super(
      'POSSIBLE_DUPLICATE',
      'A birth of the same mother on the same date with a similar name is already recorded; ' +
        'if this is another child, say so in "confirmedDistinctFrom"',
      pins.map((pin) => ({ field: 'confirmedDistinctFrom', existingPin: pin })),
    );
  }
}

export class AlreadyMarried extends RegistryError {
  constructor(pin: string, on: string) {
    super('ALREADY_MARRIED', `Citizen ${pin} is married on ${on}`, [{ field: 'spouses', value: pin }]);
  }
}

export class UnderMarriageableAge extends RegistryError {
  constructor(pin: string, minimumAge: number, on: string) {
    super('UNDER_MARRIAGEABLE_AGE', `Citizen ${pin} is younger than ${minimumAge} on ${on}`, [
      { field: 'spouses', value: pin, minimumAge },
    ]);
  }
}

export class ProhibitedRelationship extends RegistryError {
  constructor(pins: readonly string[], relationship: string) {
    super('PROHIBITED_RELATIONSHIP', `Citizens ${pins.join(' and ')} may not marry: ${relationship}`, [
      { field: 'spouses', value: [...pins], relationship },
    ]);
  }
}

export class SpousesNotDistinct extends RegistryError {
  constructor(pin: string) {
    super('SPOUSES_NOT_DISTINCT', `A marriage needs two different people; ${pin} is named twice`);
  }
}

export class MarriageNotInForce extends RegistryError {
  constructor(marriageId: string, status: string) {
    super('MARRIAGE_NOT_IN_FORCE', `Marriage ${marriageId} is ${status}`);
  }
}

export class DivorceBeforeMarriage extends RegistryError {
  constructor(date: string, marriageDate: string) {
    super('DIVORCE_BEFORE_MARRIAGE', `Divorce date ${date} is before the marriage (${marriageDate})`);
  }
}

export class SpouseRemarried extends RegistryError {
  constructor(pin: string) {
    super(
      'SPOUSE_REMARRIED',
      `The marriage this death ended cannot be restored: the surviving spouse ${pin} has married since`,
      [{ field: 'spousePin', value: pin }],
    );
  }
}
