import type { CivilDate } from '../calendar/calendar';
import type { RegistryError } from '../errors';
import type { Address, BirthRegistered, CancellationReason, CitizenEvent, Place } from './citizen.events';
import type { CitizenCommand, RegisterBirth } from './citizen.commands';
import { decideCitizen } from './citizen.decider';
import { foldCitizen, type CitizenRecord, type CitizenState } from './citizen.state';

/** Tests are data: given events, when a command (on a day), then events or a named error. */
export const TODAY = '2026-03-15';

export function given(events: readonly CitizenEvent[] = []) {
  return {
    when(command: CitizenCommand, today: CivilDate = TODAY) {
      const decide = () => decideCitizen({ ...command, metadata: { today } }, foldCitizen(events));
      return {
        then(expected: readonly CitizenEvent[]): void {
          expect(decide()).toEqual(expected);
        },
        thenThrows(errorClass: new (...args: never[]) => RegistryError, code: string): void {
          expect(decide).toThrow(errorClass);
          expect(thrownBy(decide)).toHaveProperty('code', code);
        },
      };
    },
  };
}

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}

export const place = (provinceCode = '001'): Place => ({ provinceCode, detail: null });
export const address = (provinceCode = '001', line = '12 Tràng Tiền'): Address => ({
  provinceCode,
  communeCode: null,
  line,
});

/** The citizen most tests are about: a man born in Hà Nội on 1990-01-15. */
export const PIN = '001090000001';

export const born = (data: Partial<BirthRegistered['data']> = {}): BirthRegistered => ({
  type: 'BirthRegistered',
  data: {
    pin: PIN,
    name: { familyName: 'Nguyễn', middleName: 'Văn', givenName: 'An' },
    sex: 'male',
    dateOfBirth: '1990-01-15',
    placeOfBirth: place(),
    nationality: 'VN',
    ethnicity: 'Kinh',
    motherPin: null,
    fatherPin: null,
    registrationProvinceCode: '001',
    permanentResidence: null,
    ...data,
  },
});

export const residedPermanently = (at: Address, effectiveDate: CivilDate): CitizenEvent => ({
  type: 'PermanentResidenceRegistered',
  data: { pin: PIN, address: at, effectiveDate, previous: null },
});

export const residedTemporarily = (at: Address, from: CivilDate, until: CivilDate): CitizenEvent => ({
  type: 'TemporaryResidenceRegistered',
  data: { pin: PIN, address: at, from, until },
});

export const died = (dateOfDeath: CivilDate, placeOfDeath = place()): CitizenEvent => ({
  type: 'DeathRegistered',
  data: { pin: PIN, dateOfDeath, placeOfDeath, certificateNumber: 'KT-0001' },
});

/** A citizen as the registry would look it up (for parents named in a birth application). */
export const record = (events: readonly CitizenEvent[]): CitizenRecord => foldCitizen(events)!;

export const registerBirth = (
  data: Partial<RegisterBirth['data']> = {},
  child: Partial<RegisterBirth['data']['child']> = {},
): RegisterBirth => ({
  type: 'RegisterBirth',
  data: {
    child: {
      name: { familyName: 'Trần', middleName: 'Thị', givenName: 'Bình' },
      sex: 'female',
      dateOfBirth: '2024-05-10',
      placeOfBirth: place(),
      nationality: 'VN',
      ethnicity: 'Kinh',
      ...child,
    },
    motherPin: null,
    fatherPin: null,
    registrationProvinceCode: '001',
    permanentResidence: null,
    uniqueDigits: '000123',
    ...data,
  },
});

export const registerPermanentResidence = (at: Address, effectiveDate: CivilDate): CitizenCommand => ({
  type: 'RegisterPermanentResidence',
  data: { address: at, effectiveDate },
});

export const registerTemporaryResidence = (at: Address, from: CivilDate, until: CivilDate): CitizenCommand => ({
  type: 'RegisterTemporaryResidence',
  data: { address: at, from, until },
});

export const cancelPermanentResidence = (reason: CancellationReason, effectiveDate: CivilDate): CitizenCommand => ({
  type: 'CancelPermanentResidence',
  data: { reason, effectiveDate, note: null },
});

export const registerDeath = (dateOfDeath: CivilDate, placeOfDeath = place()): CitizenCommand => ({
  type: 'RegisterDeath',
  data: { dateOfDeath, placeOfDeath, certificateNumber: 'KT-0001' },
});

export const SPOUSE_PIN = '001192000009';
export const MARRIAGE_ID = 'marriage-1';

export const married = (marriageDate: CivilDate, spousePin = SPOUSE_PIN, marriageId = MARRIAGE_ID): CitizenEvent => ({
  type: 'MarriageRegistered',
  data: { pin: PIN, marriageId, spousePin, marriageDate, certificateNumber: 'KH-1' },
});

export const recordMarriage = (date: CivilDate, spousePin = SPOUSE_PIN, marriageId = MARRIAGE_ID): CitizenCommand => ({
  type: 'RecordMarriage',
  data: { marriageId, spousePin, date, certificateNumber: 'KH-1' },
});

export const communeAddress = (provinceCode: string, communeCode: string, line = '1 Phố Huế'): Address => ({
  provinceCode,
  communeCode,
  line,
});

/** The decider called as the generic handler calls it, with today's date in the command's metadata. */
export const decideOn = (command: CitizenCommand, state: CitizenState, { today }: { today: CivilDate }) =>
  decideCitizen({ ...command, metadata: { today } }, state);
