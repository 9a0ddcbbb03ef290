import { addYears } from '../calendar/calendar';
import {
  NoTemporaryResidence,
  ResidenceDateBeforeCurrent,
  TemporaryResidenceBeforeCurrent,
  TemporaryResidenceInPermanentCommune,
  TemporaryResidencePeriodInvalid,
  TemporaryResidenceTooLong,
} from '../errors';
import type {
  Address,
  PermanentResidenceRegistered,
  TemporaryResidenceEnded,
  TemporaryResidenceRegistered,
} from './citizen.events';
import type {
  DecisionContext,
  EndTemporaryResidence,
  RegisterPermanentResidence,
  RegisterTemporaryResidence,
} from './citizen.commands';
import type { CitizenRecord, CitizenState } from './citizen.state';
import { requireAddressOn, requireDateInLife, requireLiving } from './living-citizen';

/** Law on Residence 2020, Art. 27: a temporary residence is registered for at most two years. */
export const TEMPORARY_RESIDENCE_MAX_YEARS = 2;

/** One permanent residence at a time: the new one ends the previous one the day before. */
export function registerPermanentResidence(
  command: RegisterPermanentResidence,
  state: CitizenState,
  { today }: DecisionContext,
): [PermanentResidenceRegistered] {
  const citizen = requireLiving(state);
  const { address, effectiveDate } = command.data;
  requireDateInLife(citizen, effectiveDate, today);
  requireAddressOn(address, effectiveDate);
  const previous = citizen.permanentResidence;
  if (previous && effectiveDate <= previous.since) throw new ResidenceDateBeforeCurrent(effectiveDate, previous.since);
  return [{ type: 'PermanentResidenceRegistered', data: { pin: citizen.pin, address, effectiveDate, previous } }];
}

/**
 * Law on Residence 2020: at most two years, outside the commune of the permanent residence. A
 * new temporary residence ends the current one, if any, on the day it starts (never before that
 * one began).
 */
export function registerTemporaryResidence(
  command: RegisterTemporaryResidence,
  state: CitizenState,
  { today }: DecisionContext,
): Array<TemporaryResidenceEnded | TemporaryResidenceRegistered> {
  const citizen = requireLiving(state);
  const { address, from, until } = command.data;
  requireDateInLife(citizen, from, today);
  if (until <= from) throw new TemporaryResidencePeriodInvalid(from, until);
  const latest = addYears(from, TEMPORARY_RESIDENCE_MAX_YEARS);
  if (until > latest) throw new TemporaryResidenceTooLong(from, until, latest);
  requireAddressOn(address, from);
  requireOutsidePermanentCommune(citizen, address);
  const current = inForceOn(citizen, from);
  if (current && from <= current.from) throw new TemporaryResidenceBeforeCurrent(from, current.from);
  const ended: TemporaryResidenceEnded[] = current
    ? [
        {
          type: 'TemporaryResidenceEnded',
          data: { pin: citizen.pin, address: current.address, endedOn: from, reason: 'replaced' },
        },
      ]
    : [];
  return [...ended, { type: 'TemporaryResidenceRegistered', data: { pin: citizen.pin, address, from, until } }];
}

/** Ends the temporary residence in force on the date (the citizen left before its registered end). */
export function endTemporaryResidence(
  command: EndTemporaryResidence,
  state: CitizenState,
  { today }: DecisionContext,
): [TemporaryResidenceEnded] {
  const citizen = requireLiving(state);
  const { effectiveDate, reason } = command.data;
  requireDateInLife(citizen, effectiveDate, today);
  const current = citizen.temporaryResidence;
  if (!current || effectiveDate > current.until) throw new NoTemporaryResidence(citizen.pin, effectiveDate);
  if (effectiveDate < current.from) throw new TemporaryResidenceBeforeCurrent(effectiveDate, current.from);
  return [
    {
      type: 'TemporaryResidenceEnded',
      data: { pin: citizen.pin, address: current.address, endedOn: effectiveDate, reason },
    },
  ];
}

/** The registered temporary residence if it still held on `date` (one past its end has lapsed). */
function inForceOn(citizen: CitizenRecord, date: string): CitizenRecord['temporaryResidence'] {
  const current = citizen.temporaryResidence;
  return current && current.until >= date ? current : null;
}

function requireOutsidePermanentCommune(citizen: CitizenRecord, address: Address): void {
  const home = citizen.permanentResidence?.address;
  if (!home || home.communeCode === null || address.communeCode === null) return;
  if (home.provinceCode === address.provinceCode && home.communeCode === address.communeCode) {
    throw new TemporaryResidenceInPermanentCommune(address.communeCode);
  }
}
