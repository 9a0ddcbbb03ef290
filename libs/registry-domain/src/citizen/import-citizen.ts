import type { CivilDate } from '../calendar/calendar';
import {
  BirthDateInFuture,
  DeathBeforeBirth,
  DeathDateInFuture,
  EffectiveDateBeforeBirth,
  EffectiveDateInFuture,
  PinInconsistent,
} from '../errors';
import { pinInconsistency } from '../pin/pin';
import type { CitizenImported } from './citizen.events';
import { requireProvinceOn } from './living-citizen';

/** A legacy record as the import read it: the facts of CitizenImported without the import date. */
export type LegacyCitizen = Omit<CitizenImported['data'], 'importedOn'>;

/**
 * The rules a legacy record must meet on its own (the same as for a birth and a residence
 * registered today). Parents and uniqueness need the whole file and the store: the import
 * checks those.
 */
export function importCitizen(citizen: LegacyCitizen, today: CivilDate): CitizenImported {
  const inconsistency = pinInconsistency(citizen.pin, citizen.sex, citizen.dateOfBirth);
  if (inconsistency) throw new PinInconsistent(citizen.pin, inconsistency);
  if (citizen.dateOfBirth > today) throw new BirthDateInFuture(citizen.dateOfBirth, today);
  requireProvinceOn(citizen.placeOfBirth.provinceCode, citizen.dateOfBirth);
  const residence = citizen.permanentResidence;
  if (residence) {
    if (residence.since < citizen.dateOfBirth) throw new EffectiveDateBeforeBirth(residence.since, citizen.dateOfBirth);
    if (residence.since > today) throw new EffectiveDateInFuture(residence.since, today);
    requireProvinceOn(residence.address.provinceCode, residence.since);
  }
  const death = citizen.dateOfDeath;
  if (death !== null) {
    if (death < citizen.dateOfBirth) throw new DeathBeforeBirth(death, citizen.dateOfBirth);
    if (death > today) throw new DeathDateInFuture(death, today);
  }
  return { type: 'CitizenImported', data: { ...citizen, importedOn: today } };
}

/**
 * The imported record as it stood on `validAt`: the residence counts from its `since`, the
 * death from its date (the birth facts hold from birth, like a BirthRegistered).
 */
export function importedAsOf(event: CitizenImported, validAt: CivilDate): CitizenImported {
  const { permanentResidence, dateOfDeath } = event.data;
  return {
    ...event,
    data: {
      ...event.data,
      permanentResidence: permanentResidence && permanentResidence.since <= validAt ? permanentResidence : null,
      dateOfDeath: dateOfDeath !== null && dateOfDeath <= validAt ? dateOfDeath : null,
    },
  };
}
