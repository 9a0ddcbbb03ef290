import { yearOf } from '../calendar/calendar';
import {
  BirthDateInFuture,
  BirthYearOutOfRange,
  CitizenNotDeceased,
  CorrectionChangesNothing,
  CorrectionConflictsWithChild,
  CorrectedEventNotFound,
  CorrectedEventNotOfField,
  DeathBeforeBirth,
  DeathDateInFuture,
  PinInconsistent,
  RegistryError,
} from '../errors';
import { pinInconsistency, sexCenturyDigit } from '../pin/pin';
import type { CitizenContinued, PinReestablished, RecordCorrected } from './citizen.events';
import { nameChangeRecordedBy } from './citizen-history';
import type { CorrectionRelatives, CorrectRecord, DecisionContext } from './citizen.commands';
import { requirePlausibleParent } from './parent-plausibility';
import { evolveCitizen, namesOf, snapshotOf, type CitizenRecord, type CitizenState } from './citizen.state';
import { requireProvinceOn } from './living-citizen';

/**
 * A correction says the recorded value was wrong all along: it is valid from the date of birth.
 * It is the one kind of event accepted after death. Where it changes the digits the PIN is built
 * from (sex, birth year), the law re-establishes the PIN: this stream closes with a pointer to it.
 */
export function correctRecord(
  command: CorrectRecord,
  state: CitizenState,
  { today }: DecisionContext,
): Array<RecordCorrected | PinReestablished> {
  if (state === null) throw new Error('A citizen command needs a registered citizen');
  const { field, value, reason, legalBasis, uniqueDigits, corrects } = command.data;
  if (corrects) return [correctNamedEvent(state, command.data, corrects)];
  if ((field === 'dateOfDeath' || field === 'placeOfDeath') && state.status !== 'deceased') {
    throw new CitizenNotDeceased(state.pin, `there is no ${field} to correct`);
  }
  // Without `corrects`, a name correction corrects the name given at birth.
  const oldValue = (field === 'name' ? namesOf(state).atBirth : state[field]) ?? null;
  if (JSON.stringify(oldValue) === JSON.stringify(value)) throw new CorrectionChangesNothing(field);
  const corrected = afterCorrection(state, [
    {
      type: 'RecordCorrected',
      data: { pin: state.pin, field, oldValue, newValue: value, reason, legalBasis, effectiveDate: state.dateOfBirth },
    },
  ]);
  checkCorrectedRecord(corrected, today);
  if (command.data.relatives) checkRelatives(corrected, command.data.relatives);
  const effectiveDate = corrected.dateOfBirth;
  const correction: RecordCorrected = {
    type: 'RecordCorrected',
    data: { pin: state.pin, field, oldValue, newValue: value, reason, legalBasis, effectiveDate },
  };
  const digits = pinDigitsFor(corrected);
  if (state.pin.slice(3, 6) === digits) return [correction];
  const newPin = `${state.pin.slice(0, 3)}${digits}${uniqueDigits}`;
  const inconsistency = pinInconsistency(newPin, corrected.sex, corrected.dateOfBirth);
  if (inconsistency) throw new PinInconsistent(newPin, inconsistency);
  return [
    correction,
    { type: 'PinReestablished', data: { pin: state.pin, newPin, correctedField: field, effectiveDate } },
  ];
}

/**
 * A correction naming the event that recorded the wrong value (API.md `corrects`). So far the one
 * such fact is a name change's new name: the corrected name holds for that change's period (from
 * its effective date, the correction's valid time), see withNameChangeCorrected. A name never
 * moves the PIN's digits, so no re-established PIN follows.
 */
function correctNamedEvent(
  state: CitizenRecord,
  { field, value, reason, legalBasis }: CorrectRecord['data'],
  corrects: NonNullable<CorrectRecord['data']['corrects']>,
): RecordCorrected {
  const change = nameChangeRecordedBy(namesOf(state), corrects.eventId);
  if (!change) {
    // An event of the record that is no name change (a residence, the birth...) is not this fact.
    if (corrects.found) throw new CorrectedEventNotOfField(corrects.eventId, field);
    throw new CorrectedEventNotFound(corrects.eventId);
  }
  if (field !== 'name') throw new CorrectedEventNotOfField(corrects.eventId, field);
  if (JSON.stringify(change.name) === JSON.stringify(value)) throw new CorrectionChangesNothing(field);
  return {
    type: 'RecordCorrected',
    data: {
      pin: state.pin,
      field,
      oldValue: change.name,
      newValue: value,
      reason,
      legalBasis,
      effectiveDate: change.effectiveDate,
      correctedEventId: corrects.eventId,
    },
  };
}

/** The first event of the re-established PIN's stream, from the closed stream's record. */
export function continueCitizen(closed: CitizenRecord): CitizenContinued {
  const newPin = closed.reestablishedAs!;
  return {
    type: 'CitizenContinued',
    data: {
      pin: newPin,
      previousPin: closed.pin,
      record: snapshotOf(closed),
      effectiveDate: closed.dateOfBirth,
      // The decisions about the marriage (divorce, death, withdrawal) follow the citizen.
      marriage: closed.marriage ?? null,
    },
  };
}

/** Applies the correction's events to the state, to know the record the new stream continues. */
export function afterCorrection(
  state: CitizenRecord,
  events: ReadonlyArray<RecordCorrected | PinReestablished>,
): CitizenRecord {
  return events.reduce<CitizenState>(evolveCitizen, state)!;
}

function pinDigitsFor(record: CitizenRecord): string {
  return `${sexCenturyDigit(record.sex, yearOf(record.dateOfBirth))}${record.dateOfBirth.slice(2, 4)}`;
}

function checkCorrectedRecord(record: CitizenRecord, today: string): void {
  if (sexCenturyDigit(record.sex, yearOf(record.dateOfBirth)) === undefined) {
    throw new BirthYearOutOfRange(record.dateOfBirth);
  }
  if (record.dateOfBirth > today) throw new BirthDateInFuture(record.dateOfBirth, today);
  if (record.dateOfDeath && record.dateOfDeath < record.dateOfBirth) {
    throw new DeathBeforeBirth(record.dateOfDeath, record.dateOfBirth);
  }
  if (record.dateOfDeath && record.dateOfDeath > today) throw new DeathDateInFuture(record.dateOfDeath, today);
  if (record.dateOfDeath && record.placeOfDeath)
    requireProvinceOn(record.placeOfDeath.provinceCode, record.dateOfDeath);
  requireProvinceOn(record.placeOfBirth.provinceCode, record.dateOfBirth);
}

/**
 * Every rule the corrected facts take part in, checked again against the people they relate to:
 * the parents (a child corrected to be born before its mother) and the children (a mother
 * corrected to have died before a child's birth).
 */
function checkRelatives(record: CitizenRecord, relatives: CorrectionRelatives): void {
  // A parent the registry cannot find now (never a birth's case) leaves nothing to check against.
  if (record.motherPin && relatives.mother) {
    requirePlausibleParent('mother', record.motherPin, relatives.mother, record.dateOfBirth);
  }
  if (record.fatherPin && relatives.father) {
    requirePlausibleParent('father', record.fatherPin, relatives.father, record.dateOfBirth);
  }
  for (const child of relatives.children) {
    const role = child.motherPin === record.pin ? 'mother' : 'father';
    try {
      requirePlausibleParent(role, record.pin, record, child.dateOfBirth);
    } catch (error) {
      if (error instanceof RegistryError) throw new CorrectionConflictsWithChild(child.pin, error);
      throw error;
    }
  }
}
