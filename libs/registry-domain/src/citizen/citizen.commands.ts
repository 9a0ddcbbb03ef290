import type { CivilDate } from '../calendar/calendar';
import type { Pin } from '../pin/pin';
import type {
  Address,
  BirthRegistered,
  CancellationReason,
  CorrectableField,
  PersonName,
  Place,
} from './citizen.events';
import type { CitizenRecord } from './citizen.state';
import type { RecordedSibling } from './possible-duplicate';

/** What the registry knows of a parent named in a birth application: null when not found. */
export type ParentLookup = CitizenRecord | null;

export interface RegisterBirth {
  readonly type: 'RegisterBirth';
  readonly data: {
    readonly child: Pick<
      BirthRegistered['data'],
      'name' | 'sex' | 'dateOfBirth' | 'placeOfBirth' | 'nationality' | 'ethnicity'
    >;
    readonly motherPin: Pin | null;
    readonly fatherPin: Pin | null;
    readonly registrationProvinceCode: string;
    readonly permanentResidence: Address | null;
    /** The six digits that make the PIN unique, drawn by the caller (randomness is an input). */
    readonly uniqueDigits: string;
    readonly mother?: ParentLookup;
    readonly father?: ParentLookup;
    /** Children already recorded for the same mother (the duplicate check). */
    readonly siblings?: readonly RecordedSibling[];
    /** PINs the officer confirmed are other children (twins), not this one. */
    readonly confirmedDistinctFrom?: readonly Pin[];
  };
}

export interface RegisterPermanentResidence {
  readonly type: 'RegisterPermanentResidence';
  readonly data: { readonly address: Address; readonly effectiveDate: CivilDate };
}

export interface RegisterTemporaryResidence {
  readonly type: 'RegisterTemporaryResidence';
  readonly data: { readonly address: Address; readonly from: CivilDate; readonly until: CivilDate };
}

export interface CancelPermanentResidence {
  readonly type: 'CancelPermanentResidence';
  readonly data: {
    readonly reason: CancellationReason;
    readonly effectiveDate: CivilDate;
    readonly note: string | null;
  };
}

export interface RegisterDeath {
  readonly type: 'RegisterDeath';
  readonly data: { readonly dateOfDeath: CivilDate; readonly placeOfDeath: Place; readonly certificateNumber: string };
}

export interface ChangeName {
  readonly type: 'ChangeName';
  readonly data: { readonly name: PersonName; readonly effectiveDate: CivilDate; readonly reason: string };
}

export interface CorrectRecord {
  readonly type: 'CorrectRecord';
  readonly data: {
    readonly field: CorrectableField;
    /** The new value in the field's own shape (a date, a name, a sex, a place, an ethnicity). */
    readonly value: unknown;
    readonly reason: string;
    readonly legalBasis: string;
    /**
     * The event that recorded the wrong value (`corrects`), when not the fact registered at birth;
     * `found` says whether the citizen's stream holds an event of that id (of whatever type).
     */
    readonly corrects?: { readonly eventId: string; readonly found: boolean };
    /** Six digits for a re-established PIN, drawn by the caller, used only when the PIN changes. */
    readonly uniqueDigits: string;
    /** The people the corrected fact is checked against again: parents and children, as recorded. */
    readonly relatives?: CorrectionRelatives;
  };
}

export interface CorrectionRelatives {
  readonly mother?: ParentLookup;
  readonly father?: ParentLookup;
  readonly children: readonly CitizenRecord[];
}

export interface EndTemporaryResidence {
  readonly type: 'EndTemporaryResidence';
  readonly data: { readonly effectiveDate: CivilDate; readonly reason: string };
}

export interface AnnulDeath {
  readonly type: 'AnnulDeath';
  readonly data: {
    readonly reason: string;
    readonly legalBasis: string;
    /** The surviving spouse of a marriage the death ended, as recorded now (null: none or not found). */
    readonly survivor?: CitizenRecord | null;
  };
}

export interface RecordMarriage {
  readonly type: 'RecordMarriage';
  readonly data: {
    readonly marriageId: string;
    readonly spousePin: Pin;
    readonly date: CivilDate;
    readonly certificateNumber: string | null;
  };
}

export interface WithdrawMarriage {
  readonly type: 'WithdrawMarriage';
  readonly data: { readonly marriageId: string; readonly reason: string };
}

export interface RecordDivorce {
  readonly type: 'RecordDivorce';
  readonly data: { readonly marriageId: string; readonly date: CivilDate; readonly decisionNumber: string };
}

export interface RecordSpouseDeath {
  readonly type: 'RecordSpouseDeath';
  readonly data: { readonly marriageId: string; readonly deceasedPin: Pin; readonly date: CivilDate };
}

export interface RestoreMarriage {
  readonly type: 'RestoreMarriage';
  readonly data: { readonly marriageId: string };
}

/** The spouse's PIN was re-established: the marriage names the new one. */
export interface RecordSpousePin {
  readonly type: 'RecordSpousePin';
  readonly data: {
    readonly marriageId: string;
    readonly spousePin: Pin;
    readonly effectiveDate: CivilDate;
  };
}

/** Opens the stream of a PIN a correction re-established, from the closed stream's record. */
export interface ContinueCitizen {
  readonly type: 'ContinueCitizen';
  readonly data: { readonly closed: CitizenRecord };
}

export type CitizenCommand =
  | RegisterBirth
  | RegisterPermanentResidence
  | RegisterTemporaryResidence
  | CancelPermanentResidence
  | RegisterDeath
  | ChangeName
  | CorrectRecord
  | EndTemporaryResidence
  | AnnulDeath
  | RecordMarriage
  | WithdrawMarriage
  | RecordDivorce
  | RecordSpouseDeath
  | RestoreMarriage
  | RecordSpousePin
  | ContinueCitizen;

/** Inputs every decision needs from outside the domain. */
export interface DecisionContext {
  /** Today's civil date in the registry's time zone. */
  readonly today: CivilDate;
}

/** A command as the decider receives it: `{ type, data, metadata }`, the metadata its outside inputs. */
export type Decidable<C extends { readonly type: string }> = C & { readonly metadata: DecisionContext };
