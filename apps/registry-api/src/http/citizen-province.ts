import type { CitizenRecord } from '@registry/domain';

/** The office of the citizen's residence, or of the province that issued the PIN. */
export const provinceOfCitizen = (citizen: CitizenRecord): string =>
  citizen.permanentResidence?.address.provinceCode ?? citizen.pin.slice(0, 3);
