import { ResidenceDateBeforeCurrent, TemporaryResidencePeriodInvalid } from '../errors';
import type {
  PermanentResidenceRegistered,
  TemporaryResidenceEnded,
  TemporaryResidenceRegistered,
} from './citizen.events';
import type { DecisionContext, RegisterPermanentResidence, RegisterTemporaryResidence } from './citizen.commands';
import type { CitizenState } from './citizen.state';
import { requireDateInLife, requireLiving, requireProvinceOn } from './living-citizen';

/** One permanent residence at a time: the new one ends the previous one the day before. */
export function registerPermanentResidence(
  command: RegisterPermanentResidence,
  state: CitizenState,
  { today }: DecisionContext,
): [PermanentResidenceRegistered] {
  const citizen = requireLiving(state);
  const { address, effectiveDate } = command.data;
  requireDateInLife(citizen, effectiveDate, today);
  requireProvinceOn(address.provinceCode, effectiveDate);
  const previous = citizen.permanentResidence;
  if (previous && effectiveDate <= previous.since) throw new ResidenceDateBeforeCurrent(effectiveDate, previous.since);
  return [{ type: 'PermanentResidenceRegistered', data: { pin: citizen.pin, address, effectiveDate, previous } }];
}

/** A new temporary residence ends the current one, if any, on the day it starts. */
export function registerTemporaryResidence(
  command: RegisterTemporaryResidence,
  state: CitizenState,
  { today }: DecisionContext,
): Array<TemporaryResidenceEnded | TemporaryResidenceRegistered> {
  const citizen = requireLiving(state);
  const { address, from, until } = command.data;
  requireDateInLife(citizen, from, today);
  if (until <= from) throw new TemporaryResidencePeriodInvalid(from, until);
  requireProvinceOn(address.provinceCode, from);
  const current = citizen.temporaryResidence;
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
