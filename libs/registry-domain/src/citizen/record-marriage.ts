import { ageOn } from '../calendar/calendar';
import { AlreadyMarried, UnderMarriageableAge } from '../errors';
import type {
  DivorceRegistered,
  MarriageEndedByDeath,
  MarriageRegistered,
  MarriageRestored,
  MarriageWithdrawn,
  SpousePinReestablished,
} from './citizen.events';
import type {
  DecisionContext,
  RecordDivorce,
  RecordMarriage,
  RecordSpouseDeath,
  RecordSpousePin,
  RestoreMarriage,
  WithdrawMarriage,
} from './citizen.commands';
import type { CitizenRecord, CitizenState } from './citizen.state';
import { requireDateInLife, requireLiving } from './living-citizen';
import { SpouseRemarried } from '../errors';

/** Law on Marriage and Family 2014, Art. 8: men from 20, women from 18. */
export const MARRIAGEABLE_AGE = { male: 20, female: 18 } as const;

/**
 * One spouse's side of a marriage, decided on that spouse's own stream: the append at the
 * stream's revision is what makes "not already married" hold under concurrency. Recording the
 * same marriage again changes nothing (the marriage process may resume after a crash).
 */
export function recordMarriage(
  command: RecordMarriage,
  state: CitizenState,
  { today }: DecisionContext,
): MarriageRegistered[] {
  const { marriageId, spousePin, date, certificateNumber } = command.data;
  if (state?.marriage?.marriageId === marriageId) return [];
  const citizen = requireLiving(state);
  requireMarriageable(citizen, date, today);
  return [
    {
      type: 'MarriageRegistered',
      data: { pin: citizen.pin, marriageId, spousePin, marriageDate: date, certificateNumber },
    },
  ];
}

/** Alive, of age on the date, and married to no one on it. */
export function requireMarriageable(citizen: CitizenRecord, date: string, today: string): void {
  requireLiving(citizen);
  requireDateInLife(citizen, date, today);
  if (citizen.maritalStatus === 'married') throw new AlreadyMarried(citizen.pin, date);
  const last = citizen.marriage;
  if (last?.endedOn && date <= last.endedOn) throw new AlreadyMarried(citizen.pin, date);
  const minimum = MARRIAGEABLE_AGE[citizen.sex];
  if (ageOn(citizen.dateOfBirth, date) < minimum) throw new UnderMarriageableAge(citizen.pin, minimum, date);
}

/** Takes back this spouse's side of a marriage the other side could not record. */
export function withdrawMarriage(command: WithdrawMarriage, state: CitizenState): MarriageWithdrawn[] {
  const marriage = state?.marriage;
  if (!state || marriage?.marriageId !== command.data.marriageId || marriage.endedOn !== null) return [];
  return [
    {
      type: 'MarriageWithdrawn',
      data: {
        pin: state.pin,
        marriageId: marriage.marriageId,
        spousePin: marriage.spousePin,
        marriageDate: marriage.since,
        maritalStatus: marriage.previousStatus,
        reason: command.data.reason,
      },
    },
  ];
}

export function recordDivorce(command: RecordDivorce, state: CitizenState): DivorceRegistered[] {
  const marriage = state?.marriage;
  if (!state || marriage?.marriageId !== command.data.marriageId || marriage.endedOn !== null) return [];
  const { date, decisionNumber } = command.data;
  return [
    {
      type: 'DivorceRegistered',
      data: {
        pin: state.pin,
        marriageId: marriage.marriageId,
        spousePin: marriage.spousePin,
        divorceDate: date,
        decisionNumber,
      },
    },
  ];
}

/**
 * The spouse's PIN was re-established: this side of the marriage names the new PIN. Nothing to
 * record when it already does, or when this citizen's marriage is another one (remarried since).
 */
export function recordSpousePin(command: RecordSpousePin, state: CitizenState): SpousePinReestablished[] {
  const marriage = state?.marriage;
  const { marriageId, spousePin, effectiveDate } = command.data;
  if (!state || marriage?.marriageId !== marriageId || marriage.spousePin === spousePin) return [];
  return [
    {
      type: 'SpousePinReestablished',
      data: { pin: state.pin, marriageId, previousSpousePin: marriage.spousePin, spousePin, effectiveDate },
    },
  ];
}

/** The survivor's side of a marriage a death ended: widowed. */
export function recordSpouseDeath(command: RecordSpouseDeath, state: CitizenState): MarriageEndedByDeath[] {
  const marriage = state?.marriage;
  if (!state || marriage?.marriageId !== command.data.marriageId || marriage.endedOn !== null) return [];
  return [
    {
      type: 'MarriageEndedByDeath',
      data: {
        pin: state.pin,
        marriageId: marriage.marriageId,
        spousePin: marriage.spousePin,
        deceasedPin: command.data.deceasedPin,
        endedOn: command.data.date,
      },
    },
  ];
}

/** The survivor's side when the death that ended the marriage is annulled. */
export function restoreMarriage(command: RestoreMarriage, state: CitizenState): MarriageRestored[] {
  if (!state) return [];
  const marriage = state.marriage;
  if (marriage?.marriageId !== command.data.marriageId) throw new SpouseRemarried(state.pin);
  if (marriage.endedOn === null) return [];
  return [
    {
      type: 'MarriageRestored',
      data: {
        pin: state.pin,
        marriageId: marriage.marriageId,
        spousePin: marriage.spousePin,
        endedOn: marriage.endedOn,
      },
    },
  ];
}
