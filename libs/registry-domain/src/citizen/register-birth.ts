import { pinInconsistency, pinPrefix } from '../pin/pin';
import { provinceValidOn } from '../provinces/provinces';
import {
  BirthDateInFuture,
  CitizenAlreadyRegistered,
  PinInconsistent,
  MotherDeceasedBeforeBirth,
  ParentBornAfterChild,
  ParentNotFound,
  ParentSexMismatch,
  UnknownAdministrativeUnit,
} from '../errors';
import type { BirthRegistered } from './citizen.events';
import type { DecisionContext, ParentLookup, RegisterBirth } from './citizen.commands';
import type { CitizenState } from './citizen.state';

export function registerBirth(
  command: RegisterBirth,
  state: CitizenState,
  { today }: DecisionContext,
): [BirthRegistered] {
  const { child, registrationProvinceCode: office } = command.data;
  if (child.dateOfBirth > today) throw new BirthDateInFuture(child.dateOfBirth, today);
  if (!provinceValidOn(office, today)) throw new UnknownAdministrativeUnit(office, today);
  const birthplace = child.placeOfBirth.provinceCode;
  if (!provinceValidOn(birthplace, child.dateOfBirth))
    throw new UnknownAdministrativeUnit(birthplace, child.dateOfBirth);
  const residence = command.data.permanentResidence;
  // The child's first residence starts on the date of birth.
  if (residence && !provinceValidOn(residence.provinceCode, child.dateOfBirth)) {
    throw new UnknownAdministrativeUnit(residence.provinceCode, child.dateOfBirth);
  }
  checkParent('mother', command.data.motherPin, command.data.mother, child.dateOfBirth);
  checkParent('father', command.data.fatherPin, command.data.father, child.dateOfBirth);

  const pin = `${pinPrefix(office, child.sex, child.dateOfBirth)}${command.data.uniqueDigits}`;
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

function checkParent(
  role: 'mother' | 'father',
  pin: string | null,
  parent: ParentLookup | undefined,
  dateOfBirth: string,
): void {
  if (pin === null) return;
  if (!parent) throw new ParentNotFound(role, pin);
  if (parent.sex !== (role === 'mother' ? 'female' : 'male')) throw new ParentSexMismatch(role, pin);
  if (parent.dateOfBirth >= dateOfBirth) throw new ParentBornAfterChild(role, pin);
  // A father may die before the birth; the mother cannot.
  if (role === 'mother' && parent.dateOfDeath !== null && parent.dateOfDeath < dateOfBirth) {
    throw new MotherDeceasedBeforeBirth(pin);
  }
}
