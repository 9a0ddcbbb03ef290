import {
  importCitizen,
  isCivilDate,
  isPinShaped,
  RegistryError,
  type CitizenImported,
  type LegacyCitizen,
} from '@registry/domain';
import type { LegacyRecord } from './legacy-columns';

/** Why a row is not imported: the rule's code, as written to the rejects file. */
export class RowRejected extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

// C0/C1 controls (tab and line breaks included): no name or address line holds one.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const NATIONALITY = /^[A-Z]{2}$/;
const COMMUNE = /^\d{5}$/;

/**
 * A legacy row as the registry's facts, checked by the domain's rules (the same as for a birth
 * and a residence today), or RowRejected with the code of the first rule it breaks. Parents and
 * uniqueness need the whole file and the store: the import checks those.
 */
export function importedFromRow(record: LegacyRecord, today: string): CitizenImported {
  try {
    return importCitizen(legacyCitizen(record), today);
  } catch (error) {
    if (error instanceof RegistryError) throw new RowRejected(error.code, error.message);
    throw error;
  }
}

function legacyCitizen(row: LegacyRecord): LegacyCitizen {
  const pin = row.pin.trim();
  if (!isPinShaped(pin)) throw new RowRejected('PIN_MALFORMED', 'a PIN has 12 digits');
  const dateOfBirth = requiredDate(row.date_of_birth, 'DATE_OF_BIRTH_INVALID');
  const dateOfDeath = death(row);
  return {
    pin,
    name: {
      familyName: requiredText(row.family_name, 'NAME_REQUIRED'),
      middleName: optionalText(row.middle_name),
      givenName: requiredText(row.given_name, 'NAME_REQUIRED'),
    },
    sex: sexOf(row.sex),
    dateOfBirth,
    placeOfBirth: { provinceCode: requiredText(row.place_of_birth_province, 'PLACE_OF_BIRTH_REQUIRED'), detail: null },
    nationality: nationalityOf(row.nationality),
    ethnicity: optionalText(row.ethnicity),
    motherPin: parentPin(row.mother_pin),
    fatherPin: parentPin(row.father_pin),
    permanentResidence: residence(row),
    dateOfDeath,
  };
}

function sexOf(value: string): LegacyCitizen['sex'] {
  const sex = value.trim();
  if (sex !== 'male' && sex !== 'female') throw new RowRejected('SEX_INVALID', 'sex is male or female');
  return sex;
}

function nationalityOf(value: string): string {
  const nationality = value.trim() || 'VN';
  if (!NATIONALITY.test(nationality)) throw new RowRejected('NATIONALITY_INVALID', 'an ISO 3166-1 alpha-2 code');
  return nationality;
}

function parentPin(value: string): string | null {
  const pin = value.trim();
  if (pin === '') return null;
  if (!isPinShaped(pin)) throw new RowRejected('PARENT_PIN_MALFORMED', 'a parent PIN has 12 digits');
  return pin;
}

/** All four residence cells, or none (no current permanent residence). */
function residence(row: LegacyRecord): LegacyCitizen['permanentResidence'] {
  const cells = [row.permanent_province, row.permanent_commune, row.permanent_line, row.permanent_since];
  if (cells.every((cell) => cell.trim() === '')) return null;
  if (cells.some((cell) => cell.trim() === '')) {
    throw new RowRejected('RESIDENCE_INCOMPLETE', 'a permanent residence needs province, commune, line and since');
  }
  const communeCode = row.permanent_commune.trim();
  if (!COMMUNE.test(communeCode)) throw new RowRejected('UNKNOWN_ADMINISTRATIVE_UNIT', 'a commune code has 5 digits');
  return {
    address: {
      provinceCode: row.permanent_province.trim(),
      communeCode,
      line: requiredText(row.permanent_line, 'RESIDENCE_INCOMPLETE'),
    },
    since: requiredDate(row.permanent_since, 'RESIDENCE_DATE_INVALID'),
  };
}

function death(row: LegacyRecord): string | null {
  const status = row.status.trim() || 'alive';
  if (status !== 'alive' && status !== 'deceased')
    throw new RowRejected('STATUS_INVALID', 'status is alive or deceased');
  if (status === 'alive') {
    if (row.date_of_death.trim() !== '')
      throw new RowRejected('DATE_OF_DEATH_UNEXPECTED', 'a living person has no date of death');
    return null;
  }
  if (row.date_of_death.trim() === '')
    throw new RowRejected('DATE_OF_DEATH_REQUIRED', 'a deceased person has a date of death');
  return requiredDate(row.date_of_death, 'DATE_OF_DEATH_INVALID');
}

function requiredDate(value: string, code: string): string {
  const date = value.trim();
  if (!isCivilDate(date)) throw new RowRejected(code, `${JSON.stringify(date)} is not a real YYYY-MM-DD date`);
  return date;
}

/** Trimmed and in Unicode NFC, as every name the registry records. */
function requiredText(value: string, code: string): string {
  const text = optionalText(value);
  if (text === null) throw new RowRejected(code, 'a required text is blank');
  return text;
}

function optionalText(value: string): string | null {
  if (CONTROL.test(value)) throw new RowRejected('TEXT_INVALID', 'text holds control characters');
  const text = value.normalize('NFC').trim();
  return text === '' ? null : text;
}
