import {
  addressAnsweredOn,
  CURRENT,
  withResidencesFromBirth,
  type Address,
  type CitizenRecord,
  type PersonName,
  type Place,
} from '@registry/domain';

/** The body of `GET /v1/citizens/{pin}` (API.md), stored as served. */
export interface CitizenDocument {
  readonly pin: string;
  readonly name: PersonName;
  readonly sex: CitizenRecord['sex'];
  readonly dateOfBirth: string;
  readonly placeOfBirth: Place;
  readonly nationality: string;
  readonly ethnicity: string | null;
  readonly status: CitizenRecord['status'];
  readonly dateOfDeath: string | null;
  readonly motherPin: string | null;
  readonly fatherPin: string | null;
  readonly maritalStatus: CitizenRecord['maritalStatus'];
  readonly spousePin: string | null;
  readonly permanentResidence: CitizenRecord['permanentResidence'];
  readonly temporaryResidence: CitizenRecord['temporaryResidence'];
  readonly revision: number;
}

/**
 * Builds every object with its keys in API.md's order, whatever order the event data came in
 * (jsonb reorders keys): the stored text is then the same however the record was reached.
 * Addresses are answered as on `answeredOn` (the current record: today and later), so a
 * province merged since answers under its successor, with the recorded code beside it.
 */
export function citizenDocument(stored: CitizenRecord, revision: number, answeredOn = CURRENT): CitizenDocument {
  const record = withResidencesFromBirth(stored);
  const answered = (address: Address) => addressAnsweredOn(addressOf(address), answeredOn);
  return {
    pin: record.pin,
    name: nameOf(record.name),
    sex: record.sex,
    dateOfBirth: record.dateOfBirth,
    placeOfBirth: placeOf(record.placeOfBirth),
    nationality: record.nationality,
    ethnicity: record.ethnicity ?? null,
    status: record.status,
    dateOfDeath: record.dateOfDeath ?? null,
    motherPin: record.motherPin ?? null,
    fatherPin: record.fatherPin ?? null,
    maritalStatus: record.maritalStatus ?? 'single',
    spousePin: record.spousePin ?? null,
    permanentResidence: record.permanentResidence
      ? { address: answered(record.permanentResidence.address), since: record.permanentResidence.since }
      : null,
    temporaryResidence: record.temporaryResidence
      ? {
          address: answered(record.temporaryResidence.address),
          from: record.temporaryResidence.from,
          until: record.temporaryResidence.until,
        }
      : null,
    revision,
  };
}

/**
 * What the folded record holds and its answer shows otherwise, kept beside the document so the
 * fold goes on from the same state: the names by valid time (once there was a change), and the
 * residences as registered where the answer begins them at birth. Null when there is none.
 */
export type RegisteredFacts = Pick<CitizenRecord, 'names' | 'permanentResidence' | 'temporaryResidence'>;

export function registeredFactsOf(record: CitizenRecord): Partial<RegisteredFacts> | null {
  const answered = withResidencesFromBirth(record);
  const facts: Partial<RegisteredFacts> = {
    ...(record.names && record.names.changes.length > 0 ? { names: record.names } : {}),
    ...(answered.permanentResidence !== record.permanentResidence
      ? { permanentResidence: record.permanentResidence }
      : {}),
    ...(answered.temporaryResidence !== record.temporaryResidence
      ? { temporaryResidence: record.temporaryResidence }
      : {}),
  };
  return Object.keys(facts).length > 0 ? facts : null;
}

/** The domain's record from a stored document (the record's fields, its revision), `replaced_by` and the registered facts. */
export function recordOf(
  document: CitizenDocument,
  reestablishedAs: string | null,
  registered: Partial<RegisteredFacts> | null = null,
): CitizenRecord {
  const { revision: _revision, ...stored } = document;
  // Documents written before marriages were recorded have no marital fields: single.
  const record: CitizenRecord = {
    ...stored,
    maritalStatus: stored.maritalStatus ?? 'single',
    spousePin: stored.spousePin ?? null,
    permanentResidence: stored.permanentResidence && {
      ...stored.permanentResidence,
      address: recordedAddress(stored.permanentResidence.address),
    },
    temporaryResidence: stored.temporaryResidence && {
      ...stored.temporaryResidence,
      address: recordedAddress(stored.temporaryResidence.address),
    },
    reestablishedAs,
  };
  return { ...record, ...registered };
}

/** The address as recorded, from one answered under a successor province. */
function recordedAddress(address: Address & { recordedProvinceCode?: string }): Address {
  const { recordedProvinceCode, ...answered } = address;
  return recordedProvinceCode ? { ...answered, provinceCode: recordedProvinceCode } : answered;
}

export function fullNameOf(name: PersonName): string {
  return [name.familyName, name.middleName, name.givenName].filter((part) => part).join(' ');
}

function nameOf(name: PersonName): PersonName {
  return { familyName: name.familyName, middleName: name.middleName ?? null, givenName: name.givenName };
}

function placeOf(place: Place): Place {
  return { provinceCode: place.provinceCode, detail: place.detail ?? null };
}

export function addressOf(address: Address): Address {
  return { provinceCode: address.provinceCode, communeCode: address.communeCode ?? null, line: address.line };
}
