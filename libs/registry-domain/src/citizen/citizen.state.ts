import type { Pin } from '../pin/pin';
import type { CivilDate } from '../calendar/calendar';
import type {
  CitizenEvent,
  CitizenImported,
  CitizenSnapshot,
  DeathAnnulled,
  MaritalStatus,
  NameHistory,
  PermanentResidenceCancelled,
  RecordCorrected,
  SpousePinReestablished,
} from './citizen.events';
import { nameOn, withBirthNameCorrected, withNameChange, withNameChangeCorrected } from './citizen-history';

/** The citizen's current (or last) marriage, as decisions need it. */
export interface MarriageFact {
  readonly marriageId: string;
  readonly spousePin: Pin;
  readonly since: CivilDate;
  readonly endedOn: CivilDate | null;
  /** The status before this marriage, to return to if its registration is withdrawn. */
  readonly previousStatus: MaritalStatus;
}

/** What a registered death ended, so that its annulment can restore it. */
export interface EndedByDeath {
  readonly permanentResidence: CitizenSnapshot['permanentResidence'];
  readonly temporaryResidence: CitizenSnapshot['temporaryResidence'];
  readonly marriage: { readonly marriageId: string; readonly spousePin: Pin } | null;
}

/** The citizen as folded from the stream: the record's facts, its PIN, and where it continues. */
export interface CitizenRecord extends CitizenSnapshot {
  readonly pin: Pin;
  /** Set when a correction re-established the PIN: this stream is closed, the citizen lives on there. */
  readonly reestablishedAs: Pin | null;
  /**
   * Facts only decisions need, folded from the whole stream; absent from a record read back from
   * the read model (which never decides).
   */
  readonly marriage?: MarriageFact | null;
  readonly endedByDeath?: EndedByDeath | null;
  /**
   * The names by valid time (`name` is the latest of them), once there is more than one. Absent
   * until a name change (or from a snapshot without it): `name` is then the name given at birth.
   */
  readonly names?: NameHistory;
}

/** The citizen's names by valid time. */
export function namesOf(record: CitizenRecord): NameHistory {
  return record.names ?? { atBirth: record.name, changes: [] };
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
    const from = state ?? {
      ...UNMARRIED,
      ...event.data.record,
      pin: event.data.pin,
      reestablishedAs: null,
      marriage: event.data.marriage ?? null,
    };
    return { ...from, pin: event.data.pin, reestablishedAs: null };
  }
  if (state === null) return state; // a stream always starts with its birth
  switch (event.type) {
    case 'PermanentResidenceRegistered':
      return { ...state, permanentResidence: { address: event.data.address, since: event.data.effectiveDate } };
    case 'PermanentResidenceCancelled':
      return cancelled(state, event.data);
    case 'TemporaryResidenceRegistered':
      return {
        ...state,
        temporaryResidence: { address: event.data.address, from: event.data.from, until: event.data.until },
      };
    case 'TemporaryResidenceEnded':
      return { ...state, temporaryResidence: null };
    case 'DeathRegistered':
      return {
        ...state,
        status: 'deceased',
        dateOfDeath: event.data.dateOfDeath,
        placeOfDeath: event.data.placeOfDeath,
        // The death ends the temporary residence; the permanent one is cancelled by its own event.
        temporaryResidence: null,
        endedByDeath: { permanentResidence: null, temporaryResidence: state.temporaryResidence, marriage: null },
      };
    case 'DeathAnnulled':
      return annulled(state, event.data);
    case 'NameChanged': {
      const names = withNameChange(namesOf(state), event.data.effectiveDate, event.data.name, event.eventId);
      return { ...state, names, name: nameOn(names) };
    }
    case 'RecordCorrected':
      return corrected(state, event.data);
    case 'PinReestablished':
      return { ...state, reestablishedAs: event.data.newPin };
    case 'MarriageRegistered':
      return {
        ...state,
        maritalStatus: 'married',
        spousePin: event.data.spousePin,
        marriage: {
          marriageId: event.data.marriageId,
          spousePin: event.data.spousePin,
          since: event.data.marriageDate,
          endedOn: null,
          previousStatus: state.maritalStatus ?? 'single',
        },
      };
    // The guards read the record's own fields (a record read back from the read model has no `marriage`).
    case 'MarriageWithdrawn':
      if (state.spousePin !== event.data.spousePin) return state;
      return { ...state, maritalStatus: event.data.maritalStatus, spousePin: null, marriage: null };
    case 'DivorceRegistered':
      return marriageEnded(state, event.data.spousePin, event.data.divorceDate, 'divorced');
    case 'MarriageEndedByDeath':
      // The deceased's own record keeps its status as at death; the survivor is widowed.
      if (event.data.deceasedPin === state.pin) return endedByOwnDeath(state, event.data);
      return marriageEnded(state, event.data.spousePin, event.data.endedOn, 'widowed');
    case 'SpousePinReestablished':
      return spouseRenumbered(state, event.data);
    case 'MarriageRestored':
      if (state.maritalStatus === 'married') return state;
      return {
        ...state,
        maritalStatus: 'married',
        spousePin: event.data.spousePin,
        marriage: state.marriage ? { ...state.marriage, endedOn: null } : state.marriage,
      };
    default: {
      const unknown: never = event;
      throw new Error(`Unhandled event ${JSON.stringify(unknown)}`);
    }
  }
}

const UNMARRIED = { maritalStatus: 'single', spousePin: null } as const;

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
    ...UNMARRIED,
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
    ...UNMARRIED,
    temporaryResidence: null,
    reestablishedAs: null,
  };
}

function cancelled(state: CitizenRecord, data: PermanentResidenceCancelled['data']): CitizenRecord {
  const byDeath = state.status === 'deceased' && data.reason === 'deceased' && state.endedByDeath;
  return {
    ...state,
    permanentResidence: null,
    ...(byDeath ? { endedByDeath: { ...byDeath, permanentResidence: state.permanentResidence } } : {}),
  };
}

/** Only a deceased citizen is brought back (an as-of fold before the death date has nothing to undo). */
function annulled(state: CitizenRecord, data: DeathAnnulled['data']): CitizenRecord {
  if (state.status !== 'deceased') return state;
  const marriage = data.restoredMarriage && state.marriage ? { ...state.marriage, endedOn: null } : state.marriage;
  return {
    ...state,
    status: 'alive',
    dateOfDeath: null,
    placeOfDeath: null,
    permanentResidence: data.restoredPermanentResidence ?? state.permanentResidence,
    temporaryResidence: data.restoredTemporaryResidence ?? state.temporaryResidence,
    maritalStatus: data.maritalStatus,
    spousePin: data.spousePin,
    marriage,
    endedByDeath: null,
  };
}

function marriageEnded(
  state: CitizenRecord,
  spousePin: string,
  endedOn: CivilDate,
  status: MaritalStatus,
): CitizenRecord {
  if (state.maritalStatus !== 'married' || state.spousePin !== spousePin) return state;
  const marriage = state.marriage ? { ...state.marriage, endedOn } : state.marriage;
  return { ...state, maritalStatus: status, spousePin: null, marriage };
}

function endedByOwnDeath(
  state: CitizenRecord,
  data: Extract<CitizenEvent, { type: 'MarriageEndedByDeath' }>['data'],
): CitizenRecord {
  if (state.marriage?.marriageId !== data.marriageId) return state;
  const ended = state.endedByDeath ?? { permanentResidence: null, temporaryResidence: null, marriage: null };
  return {
    ...state,
    marriage: { ...state.marriage, endedOn: data.endedOn },
    endedByDeath: { ...ended, marriage: { marriageId: data.marriageId, spousePin: data.spousePin } },
  };
}

/** The marriage names the spouse's new PIN (a record from the read model has only `spousePin`). */
function spouseRenumbered(state: CitizenRecord, data: SpousePinReestablished['data']): CitizenRecord {
  const marriage = state.marriage;
  if (marriage && marriage.marriageId !== data.marriageId) return state;
  return {
    ...state,
    spousePin: state.spousePin === data.previousSpousePin ? data.spousePin : state.spousePin,
    marriage: marriage ? { ...marriage, spousePin: data.spousePin } : marriage,
  };
}

/** A correction holds for the whole period the corrected fact covered (docs/historians.md). */
function corrected(state: CitizenRecord, data: RecordCorrected['data']): CitizenRecord {
  if (data.field === 'name') {
    const name = data.newValue as CitizenRecord['name'];
    // Naming a name change corrects that change's period; otherwise the name given at birth.
    const names = data.correctedEventId
      ? withNameChangeCorrected(namesOf(state), data.correctedEventId, name)
      : withBirthNameCorrected(namesOf(state), name);
    return { ...state, names, name: nameOn(names) };
  }
  return { ...state, [data.field]: data.newValue };
}

/** What a re-established PIN's stream starts from: the record's facts (the contract's CitizenSnapshot). */
export function snapshotOf(record: CitizenRecord): CitizenSnapshot {
  const {
    pin: _pin,
    reestablishedAs: _reestablishedAs,
    marriage: _marriage,
    endedByDeath: _endedByDeath,
    placeOfDeath: _placeOfDeath,
    ...snapshot
  } = record;
  return snapshot;
}

export function foldCitizen(events: readonly CitizenEvent[]): CitizenState {
  return events.reduce(evolveCitizen, initialCitizenState());
}
