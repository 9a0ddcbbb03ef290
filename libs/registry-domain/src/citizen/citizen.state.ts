import type { Pin } from '../pin/pin';
import type { CitizenEvent, CitizenImported, CitizenSnapshot, RecordCorrected } from './citizen.events';

/** The citizen as folded from the stream: the record's facts, its PIN, and where it continues. */
export interface CitizenRecord extends CitizenSnapshot {
  readonly pin: Pin;
  /** Set when a correction re-established the PIN: this stream is closed, the citizen lives on there. */
  readonly reestablishedAs: Pin | null;
}

/** A citizen's state as folded from the stream; `null` before the first event. */
export type CitizenState = CitizenRecord | null;

export function initialCitizenState(): CitizenState {
  return null;
}

export function evolveCitizen(state: CitizenState, event: CitizenEvent): CitizenState {
  if (event.type === 'BirthRegistered') return bornCitizen(event.data);
  if (event.type === 'CitizenImported') return importedCitizen(event.data);
  if (event.type === 'CitizenContinued') {
    // Folding a chain of PINs keeps the history; a stream read alone starts from the snapshot.
    const from = state ?? { ...event.data.record, pin: event.data.pin, reestablishedAs: null };
    return { ...from, pin: event.data.pin, reestablishedAs: null };
  }
  if (state === null) return state; // a stream always starts with its birth
  switch (event.type) {
    case 'PermanentResidenceRegistered':
      return { ...state, permanentResidence: { address: event.data.address, since: event.data.effectiveDate } };
    case 'PermanentResidenceCancelled':
      return { ...state, permanentResidence: null };
    case 'TemporaryResidenceRegistered':
      return {
        ...state,
        temporaryResidence: { address: event.data.address, from: event.data.from, until: event.data.until },
      };
    case 'TemporaryResidenceEnded':
      return { ...state, temporaryResidence: null };
    case 'DeathRegistered':
      return { ...state, status: 'deceased', dateOfDeath: event.data.dateOfDeath };
    case 'NameChanged':
      return { ...state, name: event.data.name };
    case 'RecordCorrected':
      return corrected(state, event.data);
    case 'PinReestablished':
      return { ...state, reestablishedAs: event.data.newPin };
    default: {
      const unknown: never = event;
      throw new Error(`Unhandled event ${JSON.stringify(unknown)}`);
    }
  }
}

function bornCitizen(data: Extract<CitizenEvent, { type: 'BirthRegistered' }>['data']): CitizenRecord {
  return {
    pin: data.pin,
    name: data.name,
    sex: data.sex,
    dateOfBirth: data.dateOfBirth,
    placeOfBirth: data.placeOfBirth,
    nationality: data.nationality,
    ethnicity: data.ethnicity,
    motherPin: data.motherPin,
    fatherPin: data.fatherPin,
    status: 'alive',
    dateOfDeath: null,
    permanentResidence: null,
    temporaryResidence: null,
    reestablishedAs: null,
  };
}

function importedCitizen(data: CitizenImported['data']): CitizenRecord {
  const { importedOn: _importedOn, ...facts } = data;
  return {
    ...facts,
    status: data.dateOfDeath === null ? 'alive' : 'deceased',
    temporaryResidence: null,
    reestablishedAs: null,
  };
}

function corrected(state: CitizenRecord, data: RecordCorrected['data']): CitizenRecord {
  return { ...state, [data.field]: data.newValue };
}

/** What a re-established PIN's stream starts from. */
export function snapshotOf(record: CitizenRecord): CitizenSnapshot {
  const { pin: _pin, reestablishedAs: _reestablishedAs, ...snapshot } = record;
  return snapshot;
}

export function foldCitizen(events: readonly CitizenEvent[]): CitizenState {
  return events.reduce(evolveCitizen, initialCitizenState());
}
