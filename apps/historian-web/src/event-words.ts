import { provinceName } from './provinces';
import type { TimelineEvent } from './timeline';

type Name = { familyName: string; middleName: string | null; givenName: string };
type Address = { provinceCode: string; communeCode: string | null; line: string };
type Place = { provinceCode: string; detail: string | null };

const TITLES: Record<string, string> = {
  BirthRegistered: 'Birth',
  NameChanged: 'Change of name',
  RecordCorrected: 'Correction',
  PinReestablished: 'PIN re-established',
  CitizenContinued: 'Continued from an earlier PIN',
  PermanentResidenceRegistered: 'Permanent residence',
  TemporaryResidenceRegistered: 'Temporary residence',
  TemporaryResidenceEnded: 'Temporary residence ended',
  PermanentResidenceCancelled: 'Permanent residence cancelled',
  DeathRegistered: 'Death',
  CitizenImported: 'Imported from the legacy register',
};

const FIELDS: Record<string, string> = {
  dateOfBirth: 'date of birth',
  name: 'name',
  sex: 'sex',
  placeOfBirth: 'place of birth',
  ethnicity: 'ethnicity',
  dateOfDeath: 'date of death',
  placeOfDeath: 'place of death',
};

export function eventTitle(event: TimelineEvent): string {
  if (event.type === 'RecordCorrected') return `Correction of ${FIELDS[String(event.data.field)] ?? event.data.field}`;
  return TITLES[event.type] ?? event.type;
}

export function fullName(name: Name): string {
  return [name.familyName, name.middleName, name.givenName].filter(Boolean).join(' ');
}

export function addressWords(address: Address): string {
  return `${address.line}, ${provinceName(address.provinceCode)}`;
}

export function placeWords(place: Place): string {
  return [place.detail, provinceName(place.provinceCode)].filter(Boolean).join(', ');
}

/** A value of any correctable field, in words. */
export function valueWords(value: unknown): string {
  if (value === null || value === undefined) return '(none)';
  if (typeof value !== 'object') return String(value);
  if ('givenName' in value) return fullName(value as Name);
  if ('line' in value) return addressWords(value as Address);
  if ('provinceCode' in value) return placeWords(value as Place);
  return JSON.stringify(value);
}

/** What the event says, in a sentence (without the PIN links: see citizen-view). */
export function eventSummary(event: TimelineEvent): string {
  const d = event.data as Record<string, never>;
  switch (event.type) {
    case 'BirthRegistered':
      return `${fullName(d.name)}, ${d.sex}, born ${d.dateOfBirth} in ${placeWords(d.placeOfBirth)}`;
    case 'NameChanged':
      return `${fullName(d.previousName)} → ${fullName(d.name)} (${d.reason})`;
    case 'RecordCorrected':
      return `${valueWords(d.oldValue)} → ${valueWords(d.newValue)} (${d.reason}; ${d.legalBasis})`;
    case 'PermanentResidenceRegistered':
      return `${addressWords(d.address)}, from ${d.effectiveDate}`;
    case 'TemporaryResidenceRegistered':
      return `${addressWords(d.address)}, ${d.from} to ${d.until}`;
    case 'TemporaryResidenceEnded':
      return `${addressWords(d.address)}, ended ${d.endedOn} (${d.reason})`;
    case 'PermanentResidenceCancelled':
      return `${addressWords(d.address)} (${String(d.reason).replace(/_/g, ' ')})`;
    case 'DeathRegistered':
      return `died ${d.dateOfDeath} in ${placeWords(d.placeOfDeath)}`;
    default:
      return '';
  }
}
