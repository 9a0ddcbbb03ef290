import { pinInconsistency, pinPrefix } from '../pin/pin';
import { provinceValidOn } from '../provinces/provinces';
import {
  BirthDateInFuture,
  BirthYearOutOfRange,
  CitizenAlreadyRegistered,
  PinInconsistent,
  PossibleDuplicate,
  UnknownAdministrativeUnit,
} from '../errors';
import type { BirthRegistered } from './citizen.events';
import type { DecisionContext, RegisterBirth } from './citizen.commands';
import type { CitizenState } from './citizen.state';
import { requirePlausibleParent } from './parent-plausibility';
import { possibleDuplicates } from './possible-duplicate';
import { requireAddressOn } from './living-citizen';

export function registerBirth(
  command: RegisterBirth,
  state: CitizenState,
  { today }: DecisionContext,
): [BirthRegistered] {
  const { child, registrationProvinceCode: office } = command.data;
  const prefix = pinPrefix(office, child.sex, child.dateOfBirth);
  if (prefix === undefined) throw new BirthYearOutOfRange(child.dateOfBirth);
  if (child.dateOfBirth > today) throw new BirthDateInFuture(child.dateOfBirth, today);
  if (!provinceValidOn(office, today)) throw new UnknownAdministrativeUnit(office, today);
  const birthplace = child.placeOfBirth.provinceCode;
  if (!provinceValidOn(birthplace, child.dateOfBirth))
    throw new UnknownAdministrativeUnit(birthplace, child.dateOfBirth);
  const residence = command.data.permanentResidence;
  // The child's first residence starts on the date of birth.
  if (residence) requireAddressOn(residence, child.dateOfBirth);
  if (command.data.motherPin !== null) {
    requirePlausibleParent('mother', command.data.motherPin, command.data.mother, child.dateOfBirth);
  }
  if (command.data.fatherPin !== null) {
    requirePlausibleParent('father', command.data.fatherPin, command.data.father, child.dateOfBirth);
  }
  const duplicates = possibleDuplicates(child, command.data.siblings ?? [], command.data.confirmedDistinctFrom ?? []);
  if (duplicates.length > 0) throw new PossibleDuplicate(duplicates);

  const pin = `${prefix}${command.data.uniqueDigits}`;
  const inconsistency = pinInconsistency(pin, child.sex, child.dateOfBirth);
  if (inconsistency) throw new PinInconsistent(pin, inconsistency);
  if (state !== null) throw new CitizenAlreadyRegistered(state.pin);
  return [
    {
      type: 'BirthRegistered',
      data: {
        pin,
        ...child,
        motherPin: command.data.motherPin,
        fatherPin: command.data.fatherPin,
        registrationProvinceCode: office,
        permanentResidence: residence,
      },
    },
  ];
}
