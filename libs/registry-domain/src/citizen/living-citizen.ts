import { provinceValidOn } from '../provinces/provinces';
import { communeProblem } from '../communes/communes';
import {
  CitizenDeceased,
  CommuneNotValid,
  EffectiveDateBeforeBirth,
  EffectiveDateInFuture,
  UnknownAdministrativeUnit,
} from '../errors';
import type { CivilDate } from '../calendar/calendar';
import type { Address } from './citizen.events';
import type { CitizenRecord, CitizenState } from './citizen.state';

/** Rules shared by every event recorded on a living citizen (nothing but corrections after death). */
export function requireLiving(state: CitizenState): CitizenRecord {
  if (state === null) throw new Error('A citizen command needs a registered citizen'); // the handler answers 404 first
  if (state.status === 'deceased') throw new CitizenDeceased(state.pin);
  return state;
}

/** The fact's date lies within the citizen's life and not after today. */
export function requireDateInLife(citizen: CitizenRecord, date: CivilDate, today: CivilDate): void {
  if (date < citizen.dateOfBirth) throw new EffectiveDateBeforeBirth(date, citizen.dateOfBirth);
  if (date > today) throw new EffectiveDateInFuture(date, today);
}

export function requireProvinceOn(code: string, date: CivilDate): void {
  if (!provinceValidOn(code, date)) throw new UnknownAdministrativeUnit(code, date);
}

/** The address's province and commune existed on `date`, and the commune lay in that province. */
export function requireAddressOn(address: Address, date: CivilDate): void {
  requireProvinceOn(address.provinceCode, date);
  if (address.communeCode === null) return;
  const problem = communeProblem(address.provinceCode, address.communeCode, date);
  if (problem) throw new CommuneNotValid(address.provinceCode, address.communeCode, date, problem);
}
