import { DeathBeforeBirth, DeathDateInFuture } from '../errors';
import type { DeathRegistered } from './citizen.events';
import type { DecisionContext, RegisterDeath } from './citizen.commands';
import type { CitizenState } from './citizen.state';
import { requireLiving, requireProvinceOn } from './living-citizen';

export function registerDeath(
  command: RegisterDeath,
  state: CitizenState,
  { today }: DecisionContext,
): [DeathRegistered] {
  const citizen = requireLiving(state);
  const { dateOfDeath, placeOfDeath, certificateNumber } = command.data;
  if (dateOfDeath < citizen.dateOfBirth) throw new DeathBeforeBirth(dateOfDeath, citizen.dateOfBirth);
  if (dateOfDeath > today) throw new DeathDateInFuture(dateOfDeath, today);
  requireProvinceOn(placeOfDeath.provinceCode, dateOfDeath);
  return [{ type: 'DeathRegistered', data: { pin: citizen.pin, dateOfDeath, placeOfDeath, certificateNumber } }];
}
