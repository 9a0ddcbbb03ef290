import type { CivilDate } from '../calendar/calendar';
import { effectiveDateOf, type CitizenEvent } from './citizen.events';
import { importedAsOf } from './import-citizen';
import { evolveCitizen, type CitizenRecord, type CitizenState } from './citizen.state';
import { knownAcrossPins, withResidencesFromBirth, type KnownCitizenEvent } from './citizen-history';

export type { KnownCitizenEvent } from './citizen-history';

/**
 * The events a record on `validAt` as known at `knownAt` rests on, in stream order: those known
 * by then (across re-established PINs, see knownAcrossPins) whose fact holds on `validAt`.
 */
export function eventsHoldingOn<E extends KnownCitizenEvent>(
  events: readonly E[],
  validAt: CivilDate,
  knownAt: string,
): E[] {
  const known = knownAcrossPins(events) as E[];
  return known.filter((e) => e.recordedAt <= knownAt && holdsOn(e.event, validAt));
}

/**
 * The record as it stood on `validAt` (valid time) according to what had been recorded by
 * `knownAt` (transaction time). Corrections and PIN links hold from the start; other facts
 * count from their effective date (names by effective date, see citizen-history). Null when the
 * person was not yet born (or not yet known).
 */
export function citizenAsOf(
  events: readonly KnownCitizenEvent[],
  validAt: CivilDate,
  knownAt: string,
): CitizenRecord | null {
  const state = eventsHoldingOn(events, validAt, knownAt)
    .map((e) => (e.event.type === 'CitizenImported' ? importedAsOf(e.event, validAt) : e.event))
    .reduce<CitizenState>(evolveCitizen, null);
  if (state === null || state.dateOfBirth > validAt) return null;
  const temporary = state.temporaryResidence;
  return withResidencesFromBirth(
    temporary && temporary.until < validAt ? { ...state, temporaryResidence: null } : state,
  );
}

/** Whether an event counts for the record on `validAt` (corrections and PIN links always do). */
export function holdsOn(event: CitizenEvent, validAt: CivilDate): boolean {
  switch (event.type) {
    case 'BirthRegistered':
    case 'CitizenImported': // its later facts are cut to validAt by importedAsOf
    case 'RecordCorrected':
    case 'PinReestablished':
    case 'CitizenContinued':
    case 'SpousePinReestablished': // the spouse's PIN as corrected, whenever the marriage holds
      return true;
    default:
      return effectiveDateOf(event) <= validAt;
  }
}
