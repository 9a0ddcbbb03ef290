import { DeathBeforeBirth, DeathDateInFuture } from '../errors';
import type { DeathRegistered, MarriageEndedByDeath, TemporaryResidenceEnded } from './citizen.events';
import type { DecisionContext, RegisterDeath } from './citizen.commands';
import type { CitizenRecord, CitizenState } from './citizen.state';
import { requireLiving, requireProvinceOn } from './living-citizen';

type DeathEvents = [DeathRegistered, ...Array<TemporaryResidenceEnded | MarriageEndedByDeath>];

/**
 * A death ends what only a living person holds, in the same append: the temporary residence in
 * force, and the marriage (the survivor's stream learns it from the marriage process). The
 * permanent residence is cancelled by its own procedure step (reason `deceased`).
 */
export function registerDeath(command: RegisterDeath, state: CitizenState, { today }: DecisionContext): DeathEvents {
  const citizen = requireLiving(state);
  const { dateOfDeath, placeOfDeath, certificateNumber } = command.data;
  if (dateOfDeath < citizen.dateOfBirth) throw new DeathBeforeBirth(dateOfDeath, citizen.dateOfBirth);
  if (dateOfDeath > today) throw new DeathDateInFuture(dateOfDeath, today);
  requireProvinceOn(placeOfDeath.provinceCode, dateOfDeath);
  return [
    { type: 'DeathRegistered', data: { pin: citizen.pin, dateOfDeath, placeOfDeath, certificateNumber } },
    ...temporaryResidenceEnded(citizen, dateOfDeath),
    ...marriageEnded(citizen, dateOfDeath),
  ];
}

function temporaryResidenceEnded(citizen: CitizenRecord, dateOfDeath: string): TemporaryResidenceEnded[] {
  const current = citizen.temporaryResidence;
  if (!current || current.until < dateOfDeath) return []; // lapsed already
  // A stay registered to begin after the date of death ends the day it would have begun.
  const endedOn = current.from > dateOfDeath ? current.from : dateOfDeath;
  return [
    {
      type: 'TemporaryResidenceEnded',
      data: { pin: citizen.pin, address: current.address, endedOn, reason: 'deceased' },
    },
  ];
}

function marriageEnded(citizen: CitizenRecord, dateOfDeath: string): MarriageEndedByDeath[] {
  const marriage = citizen.marriage;
  if (citizen.maritalStatus !== 'married' || !marriage || marriage.endedOn !== null) return [];
  const endedOn = marriage.since > dateOfDeath ? marriage.since : dateOfDeath;
  return [
    {
      type: 'MarriageEndedByDeath',
      data: {
        pin: citizen.pin,
        marriageId: marriage.marriageId,
        spousePin: marriage.spousePin,
        deceasedPin: citizen.pin,
        endedOn,
      },
    },
  ];
}
