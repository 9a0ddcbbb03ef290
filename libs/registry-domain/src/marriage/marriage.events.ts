import type { CivilDate } from '../calendar/calendar';
import type { Pin } from '../pin/pin';

/**
 * Events of a marriage's own stream (`marriage-<id>`): the one place that says whether the
 * marriage holds. The spouses' streams carry their sides (MarriageRegistered...); this stream
 * coordinates them (ADR 0018).
 */
export interface MarriageRequested {
  readonly type: 'MarriageRequested';
  readonly data: {
    readonly marriageId: string;
    readonly spouses: readonly [Pin, Pin];
    readonly date: CivilDate;
    readonly registrationProvinceCode: string;
    readonly certificateNumber: string | null;
  };
}

/** Both spouses' streams hold the marriage: it is recorded. */
export interface MarriageConcluded {
  readonly type: 'MarriageConcluded';
  readonly data: {
    readonly marriageId: string;
    readonly date: CivilDate;
    readonly revisions: Readonly<Record<Pin, number>>;
  };
}

/** A spouse's stream refused it (married meanwhile, died...): any side already recorded was withdrawn. */
export interface MarriageRefused {
  readonly type: 'MarriageRefused';
  readonly data: {
    readonly marriageId: string;
    readonly date: CivilDate;
    readonly code: string;
    readonly message: string;
    readonly details: readonly Record<string, unknown>[];
  };
}

export interface MarriageDissolved {
  readonly type: 'MarriageDissolved';
  readonly data: {
    readonly marriageId: string;
    readonly cause: 'divorce' | 'death';
    readonly date: CivilDate;
    readonly courtDecision: string | null;
    readonly deceasedPin: Pin | null;
  };
}

/** The death that dissolved the marriage was annulled. */
export interface MarriageReinstated {
  readonly type: 'MarriageReinstated';
  /** `date`: the day the annulled death had ended it (it never ended). */
  readonly data: { readonly marriageId: string; readonly deceasedPin: Pin; readonly date: CivilDate };
}

/** A spouse's PIN was re-established by a correction: the marriage names the new PIN. */
export interface MarriageSpousePinReestablished {
  readonly type: 'MarriageSpousePinReestablished';
  /** `date`: the first day of the new PIN. */
  readonly data: {
    readonly marriageId: string;
    readonly previousPin: Pin;
    readonly pin: Pin;
    readonly date: CivilDate;
  };
}

export type MarriageEvent =
  | MarriageRequested
  | MarriageConcluded
  | MarriageRefused
  | MarriageDissolved
  | MarriageReinstated
  | MarriageSpousePinReestablished;

export type MarriageStatus = 'pending' | 'married' | 'refused' | 'divorced' | 'ended_by_death';

export interface MarriageState {
  readonly marriageId: string;
  readonly spouses: readonly [Pin, Pin];
  readonly date: CivilDate;
  readonly registrationProvinceCode: string;
  readonly certificateNumber: string | null;
  readonly status: MarriageStatus;
  readonly endedOn: CivilDate | null;
  readonly deceasedPin: Pin | null;
  readonly revisions: Readonly<Record<Pin, number>> | null;
  readonly refusal: MarriageRefused['data'] | null;
}

export function evolveMarriage(state: MarriageState | null, event: MarriageEvent): MarriageState | null {
  if (event.type === 'MarriageRequested') {
    return { ...event.data, status: 'pending', endedOn: null, deceasedPin: null, revisions: null, refusal: null };
  }
  if (state === null) return state;
  switch (event.type) {
    case 'MarriageConcluded':
      return { ...state, status: 'married', revisions: event.data.revisions };
    case 'MarriageRefused':
      return { ...state, status: 'refused', refusal: event.data };
    case 'MarriageDissolved':
      return {
        ...state,
        status: event.data.cause === 'divorce' ? 'divorced' : 'ended_by_death',
        endedOn: event.data.date,
        deceasedPin: event.data.deceasedPin,
      };
    case 'MarriageReinstated':
      return { ...state, status: 'married', endedOn: null, deceasedPin: null };
    case 'MarriageSpousePinReestablished': {
      const renumbered = (pin: Pin) => (pin === event.data.previousPin ? event.data.pin : pin);
      const [a, b] = state.spouses;
      return {
        ...state,
        spouses: [renumbered(a), renumbered(b)],
        deceasedPin: state.deceasedPin && renumbered(state.deceasedPin),
      };
    }
    default: {
      const unknown: never = event;
      throw new Error(`Unhandled event ${JSON.stringify(unknown)}`);
    }
  }
}

/** Valid time of a marriage's event: the date of the marriage, or of its end. */
export function effectiveDateOfMarriageEvent(event: MarriageEvent): CivilDate {
  return event.data.date;
}

export function foldMarriage(events: readonly MarriageEvent[]): MarriageState | null {
  return events.reduce(evolveMarriage, null);
}

export function marriageStream(marriageId: string): string {
  return `marriage-${marriageId}`;
}
