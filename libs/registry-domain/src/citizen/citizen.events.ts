import type { CivilDate } from '../calendar/calendar';
import type { Pin, Sex } from '../pin/pin';

export interface PersonName {
  readonly familyName: string;
  readonly middleName: string | null;
  readonly givenName: string;
}

/** The names a citizen held, by valid time: the one given at birth, then each change from its date. */
export interface NameHistory {
  readonly atBirth: PersonName;
  /** In order of effective date (two changes on one day: the later recorded holds). */
  readonly changes: ReadonlyArray<NameHistoryChange>;
}

/** One name change as the history keeps it. */
export interface NameHistoryChange {
  readonly effectiveDate: CivilDate;
  readonly name: PersonName;
  /** The NameChanged event it came from, so a correction can name it (`corrects`); absent for older records. */
  readonly eventId?: string;
}

/** A place of birth or death: the province (administrative unit) and free text. */
export interface Place {
  readonly provinceCode: string;
  readonly detail: string | null;
}

/** A residence address: commune/ward within a province, and the street line. */
export interface Address {
  readonly provinceCode: string;
  readonly communeCode: string | null;
  readonly line: string;
}

export type CancellationReason = 'deceased' | 'moved_abroad' | 'absent_12_months' | 'other';

export interface BirthRegistered {
  readonly type: 'BirthRegistered';
  readonly data: {
    readonly pin: Pin;
    readonly name: PersonName;
    readonly sex: Sex;
    readonly dateOfBirth: CivilDate;
    readonly placeOfBirth: Place;
    readonly nationality: string;
    readonly ethnicity: string | null;
    readonly motherPin: Pin | null;
    readonly fatherPin: Pin | null;
    readonly registrationProvinceCode: string;
    /** The address in the application; the birth procedure registers it as the first residence. */
    readonly permanentResidence: Address | null;
  };
}

/**
 * A citizen carried over from the legacy register (the initial load): opens the stream with the
 * PIN the person already had and the record as the legacy register held it. Valid time: each
 * fact its own date (birth, residence `since`, death); transaction time: the import.
 */
export interface CitizenImported {
  readonly type: 'CitizenImported';
  /** The birth facts as a birth records them, then the current residence and the death. */
  readonly data: Omit<BirthRegistered['data'], 'registrationProvinceCode' | 'permanentResidence'> & {
    readonly permanentResidence: { readonly address: Address; readonly since: CivilDate } | null;
    /** Set when the legacy register holds the person as deceased. */
    readonly dateOfDeath: CivilDate | null;
    /** The civil date of the import (its transaction time is the event's recordedAt). */
    readonly importedOn: CivilDate;
  };
}

export interface PermanentResidenceRegistered {
  readonly type: 'PermanentResidenceRegistered';
  readonly data: {
    readonly pin: Pin;
    readonly address: Address;
    readonly effectiveDate: CivilDate;
    /** The residence this one ends (on the day before `effectiveDate`), if any. */
    readonly previous: { readonly address: Address; readonly since: CivilDate } | null;
  };
}

export interface TemporaryResidenceRegistered {
  readonly type: 'TemporaryResidenceRegistered';
  readonly data: { readonly pin: Pin; readonly address: Address; readonly from: CivilDate; readonly until: CivilDate };
}

export interface TemporaryResidenceEnded {
  readonly type: 'TemporaryResidenceEnded';
  readonly data: { readonly pin: Pin; readonly address: Address; readonly endedOn: CivilDate; readonly reason: string };
}

export interface PermanentResidenceCancelled {
  readonly type: 'PermanentResidenceCancelled';
  readonly data: {
    readonly pin: Pin;
    readonly address: Address;
    readonly reason: CancellationReason;
    readonly effectiveDate: CivilDate;
    readonly note: string | null;
  };
}

export interface DeathRegistered {
  readonly type: 'DeathRegistered';
  readonly data: {
    readonly pin: Pin;
    readonly dateOfDeath: CivilDate;
    readonly placeOfDeath: Place;
    readonly certificateNumber: string;
  };
}

export interface NameChanged {
  readonly type: 'NameChanged';
  /** The store's id of the event, when folded from the store: the history keeps it for corrections. */
  readonly eventId?: string;
  readonly data: {
    readonly pin: Pin;
    readonly previousName: PersonName;
    readonly name: PersonName;
    readonly effectiveDate: CivilDate;
    readonly reason: string;
  };
}

/** The facts a correction may fix; each says the recorded value was wrong all along. */
export type CorrectableField =
  'dateOfBirth' | 'name' | 'sex' | 'placeOfBirth' | 'ethnicity' | 'dateOfDeath' | 'placeOfDeath';

/** A death registered in error was annulled: the citizen lives on, and what the death ended is restored. */
export interface DeathAnnulled {
  readonly type: 'DeathAnnulled';
  readonly data: {
    readonly pin: Pin;
    /** The date of the annulled death (its valid time: before it the death never counted). */
    readonly dateOfDeath: CivilDate;
    readonly reason: string;
    readonly legalBasis: string;
    /** The permanent residence cancelled because of the death, restored. */
    readonly restoredPermanentResidence: { readonly address: Address; readonly since: CivilDate } | null;
    /** The temporary residence the death ended, restored. */
    readonly restoredTemporaryResidence: {
      readonly address: Address;
      readonly from: CivilDate;
      readonly until: CivilDate;
    } | null;
    /** The marriage the death ended, restored (the surviving spouse is married again). */
    readonly restoredMarriage: { readonly marriageId: string; readonly spousePin: Pin } | null;
    /** The citizen's marital status after the annulment (widowed when the spouse has died since). */
    readonly maritalStatus: MaritalStatus;
    readonly spousePin: Pin | null;
  };
}

export type MaritalStatus = 'single' | 'married' | 'divorced' | 'widowed';

/** The citizen married (both spouses' streams get one; the marriage's own stream coordinates). */
export interface MarriageRegistered {
  readonly type: 'MarriageRegistered';
  readonly data: {
    readonly pin: Pin;
    readonly marriageId: string;
    readonly spousePin: Pin;
    readonly marriageDate: CivilDate;
    readonly certificateNumber: string | null;
  };
}

/**
 * A marriage recorded on this citizen's stream could not be recorded on the other spouse's (who
 * married someone else or died first): the registration is taken back, as if it never held.
 */
export interface MarriageWithdrawn {
  readonly type: 'MarriageWithdrawn';
  readonly data: {
    readonly pin: Pin;
    readonly marriageId: string;
    readonly spousePin: Pin;
    readonly marriageDate: CivilDate;
    /** The status the citizen had before the withdrawn registration. */
    readonly maritalStatus: MaritalStatus;
    readonly reason: string;
  };
}

export interface DivorceRegistered {
  readonly type: 'DivorceRegistered';
  readonly data: {
    readonly pin: Pin;
    readonly marriageId: string;
    readonly spousePin: Pin;
    readonly divorceDate: CivilDate;
    readonly decisionNumber: string;
  };
}

/** A spouse died: the marriage ended (the survivor is widowed; the deceased's status stays as at death). */
export interface MarriageEndedByDeath {
  readonly type: 'MarriageEndedByDeath';
  readonly data: {
    readonly pin: Pin;
    readonly marriageId: string;
    readonly spousePin: Pin;
    readonly deceasedPin: Pin;
    readonly endedOn: CivilDate;
  };
}

/** The death that ended a marriage was annulled: the survivor is married again. */
export interface MarriageRestored {
  readonly type: 'MarriageRestored';
  readonly data: {
    readonly pin: Pin;
    readonly marriageId: string;
    readonly spousePin: Pin;
    /** The date of the annulled death (the day the marriage had been taken to end). */
    readonly endedOn: CivilDate;
  };
}

export interface RecordCorrected {
  readonly type: 'RecordCorrected';
  readonly data: {
    readonly pin: Pin;
    readonly field: CorrectableField;
    readonly oldValue: unknown;
    readonly newValue: unknown;
    readonly reason: string;
    readonly legalBasis: string;
    /** Valid time of the corrected fact: it has held since the (corrected) date of birth. */
    readonly effectiveDate: CivilDate;
    /**
     * The event that recorded the wrong value, when the correction named one (`corrects`): a
     * NameChanged whose name is corrected for that change's period. Absent: the fact registered at birth.
     */
    readonly correctedEventId?: string;
  };
}

/** Closes a stream whose PIN a correction re-established; points to the new PIN. */
export interface PinReestablished {
  readonly type: 'PinReestablished';
  readonly data: {
    readonly pin: Pin;
    readonly newPin: Pin;
    readonly correctedField: CorrectableField;
    readonly effectiveDate: CivilDate;
  };
}

/** Opens the stream of a re-established PIN with the record as corrected; points back. */
export interface CitizenContinued {
  readonly type: 'CitizenContinued';
  readonly data: {
    readonly pin: Pin;
    readonly previousPin: Pin;
    readonly record: CitizenSnapshot;
    readonly effectiveDate: CivilDate;
    /**
     * The citizen's current (or last) marriage as the closed stream knew it, so the new stream
     * decides divorces, deaths and withdrawals of it on its own; absent when never married.
     */
    readonly marriage?: CarriedMarriage | null;
  };
}

/** A marriage carried over to a re-established PIN (the decisions' view of it). */
export interface CarriedMarriage {
  readonly marriageId: string;
  readonly spousePin: Pin;
  readonly since: CivilDate;
  readonly endedOn: CivilDate | null;
  /** The status before this marriage, to return to if its registration is withdrawn. */
  readonly previousStatus: MaritalStatus;
}

/**
 * The spouse's PIN was re-established (a correction): this citizen's marriage now names the new
 * PIN. Valid time: `effectiveDate` of the spouse's new PIN (valid since the spouse's birth).
 */
export interface SpousePinReestablished {
  readonly type: 'SpousePinReestablished';
  readonly data: {
    readonly pin: Pin;
    readonly marriageId: string;
    readonly previousSpousePin: Pin;
    readonly spousePin: Pin;
    readonly effectiveDate: CivilDate;
  };
}

/** The record carried over to a re-established PIN (the shape of the citizen state). */
export interface CitizenSnapshot {
  readonly name: PersonName;
  readonly sex: Sex;
  readonly dateOfBirth: CivilDate;
  readonly placeOfBirth: Place;
  readonly nationality: string;
  readonly ethnicity: string | null;
  readonly motherPin: Pin | null;
  readonly fatherPin: Pin | null;
  readonly status: 'alive' | 'deceased';
  readonly dateOfDeath: CivilDate | null;
  /** Kept for decisions (a correction of it); not part of the record's answer. */
  readonly placeOfDeath?: Place | null;
  readonly maritalStatus: MaritalStatus;
  readonly spousePin: Pin | null;
  readonly permanentResidence: { readonly address: Address; readonly since: CivilDate } | null;
  readonly temporaryResidence: {
    readonly address: Address;
    readonly from: CivilDate;
    readonly until: CivilDate;
  } | null;
  /** The names by valid time, once there was a change (citizen-history): the new PIN keeps them. */
  readonly names?: NameHistory;
}

export type CitizenEvent =
  | BirthRegistered
  | CitizenImported
  | NameChanged
  | RecordCorrected
  | PinReestablished
  | CitizenContinued
  | SpousePinReestablished
  | PermanentResidenceRegistered
  | TemporaryResidenceRegistered
  | TemporaryResidenceEnded
  | PermanentResidenceCancelled
  | DeathRegistered
  | DeathAnnulled
  | MarriageRegistered
  | MarriageWithdrawn
  | DivorceRegistered
  | MarriageEndedByDeath
  | MarriageRestored;

export type CitizenEventType = CitizenEvent['type'];

export const CITIZEN_EVENT_TYPES: readonly CitizenEventType[] = [
  'BirthRegistered',
  'CitizenImported',
  'PermanentResidenceRegistered',
  'TemporaryResidenceRegistered',
  'TemporaryResidenceEnded',
  'PermanentResidenceCancelled',
  'DeathRegistered',
  'NameChanged',
  'RecordCorrected',
  'PinReestablished',
  'CitizenContinued',
  'DeathAnnulled',
  'MarriageRegistered',
  'MarriageWithdrawn',
  'DivorceRegistered',
  'MarriageEndedByDeath',
  'MarriageRestored',
  'SpousePinReestablished',
];

/** The valid-time date of each event: when the fact happened in the world. */
export function effectiveDateOf(event: CitizenEvent): CivilDate {
  switch (event.type) {
    case 'BirthRegistered':
    case 'CitizenImported':
      return event.data.dateOfBirth;
    case 'PermanentResidenceRegistered':
    case 'PermanentResidenceCancelled':
    case 'NameChanged':
    case 'RecordCorrected':
    case 'PinReestablished':
    case 'CitizenContinued':
    case 'SpousePinReestablished':
      return event.data.effectiveDate;
    case 'TemporaryResidenceRegistered':
      return event.data.from;
    case 'TemporaryResidenceEnded':
      return event.data.endedOn;
    case 'DeathRegistered':
    case 'DeathAnnulled':
      return event.data.dateOfDeath;
    case 'MarriageRegistered':
    case 'MarriageWithdrawn':
      return event.data.marriageDate;
    case 'DivorceRegistered':
      return event.data.divorceDate;
    case 'MarriageEndedByDeath':
    case 'MarriageRestored':
      return event.data.endedOn;
    default: {
      const unknown: never = event;
      throw new Error(`Unhandled event ${JSON.stringify(unknown)}`);
    }
  }
}
