import type { AgencyEntitlement } from './agency-entitlements';

type Json = Record<string, unknown>;

/** Record fields set by BirthRegistered under the same names (its `permanentResidence` is the application's). */
const BIRTH_FIELDS = [
  'name',
  'sex',
  'dateOfBirth',
  'placeOfBirth',
  'nationality',
  'ethnicity',
  'motherPin',
  'fatherPin',
];

/**
 * A citizen record (API.md "Reads") reduced to what an agency is entitled to, by the same
 * entitlement as its feed: a record field is visible when the event field that records it is.
 * `pin` and `revision` always; a field outside the entitlement is absent, not null.
 */
export function agencyRecordView(agency: AgencyEntitlement, record: Json): Json {
  const view: Json = { pin: record.pin, revision: record.revision };
  const birth = agency.view('BirthRegistered', pickKeys(record, BIRTH_FIELDS)) ?? {};
  Object.assign(view, birth);
  const death = agency.view('DeathRegistered', { dateOfDeath: record.dateOfDeath });
  if (death && 'dateOfDeath' in death) Object.assign(view, { status: record.status, dateOfDeath: record.dateOfDeath });
  const permanent = record.permanentResidence as Json | null | undefined;
  if (permanent !== undefined) {
    const seen =
      permanent &&
      agency.view('PermanentResidenceRegistered', { address: permanent.address, effectiveDate: permanent.since });
    if (permanent === null && agency.entitles('PermanentResidenceRegistered')) view.permanentResidence = null;
    else if (seen && 'address' in seen)
      view.permanentResidence = {
        address: seen.address,
        ...('effectiveDate' in seen ? { since: seen.effectiveDate } : {}),
      };
  }
  const temporary = record.temporaryResidence as Json | null | undefined;
  if (temporary !== undefined) {
    const seen = temporary && agency.view('TemporaryResidenceRegistered', temporary);
    if (temporary === null && agency.entitles('TemporaryResidenceRegistered')) view.temporaryResidence = null;
    else if (seen && 'address' in seen) view.temporaryResidence = seen;
  }
  const marriage = agency.view('MarriageRegistered', { spousePin: record.spousePin });
  if (marriage && 'spousePin' in marriage) Object.assign(view, pickKeys(record, ['maritalStatus', 'spousePin']));
  return view;
}

function pickKeys(record: Json, keys: readonly string[]): Json {
  return Object.fromEntries(keys.filter((key) => key in record).map((key) => [key, record[key]]));
}
