import type { CivilDate } from '../calendar/calendar';
import type { Pin } from '../pin/pin';
import {
  DivorceBeforeMarriage,
  EffectiveDateInFuture,
  MarriageNotInForce,
  ProhibitedRelationship,
  SpousesNotDistinct,
} from '../errors';
import type { CitizenRecord } from '../citizen/citizen.state';
import { requireMarriageable } from '../citizen/record-marriage';
import {
  evolveMarriage,
  type MarriageDissolved,
  type MarriageEvent,
  type MarriageRequested,
  type MarriageState,
} from './marriage.events';
import type { Decidable } from '../citizen/citizen.commands';

export type MarriageApplication = Omit<MarriageRequested['data'], 'marriageId'>;

/** A person's parents as recorded: what the prohibited-relationship rule reads. */
export interface Parentage {
  readonly motherPin: Pin | null;
  readonly fatherPin: Pin | null;
}

/**
 * Law on Marriage and Family 2014, Art. 8 and 5: both alive and distinct, of marriageable age
 * and married to no one on the date, and not parent and child, grandparent and grandchild or
 * siblings by a common parent. `parentageOf` knows the spouses and their parents.
 */
export function checkMarriage(
  application: MarriageApplication,
  spouses: readonly [CitizenRecord, CitizenRecord],
  parentageOf: (pin: Pin) => Parentage | undefined,
  today: CivilDate,
): void {
  const [a, b] = spouses;
  if (a.pin === b.pin) throw new SpousesNotDistinct(a.pin);
  for (const spouse of spouses) requireMarriageable(spouse, application.date, today);
  const relationship = prohibitedRelationship(a, b, parentageOf);
  if (relationship) throw new ProhibitedRelationship([a.pin, b.pin], relationship);
}

function prohibitedRelationship(
  a: CitizenRecord,
  b: CitizenRecord,
  parentageOf: (pin: Pin) => Parentage | undefined,
): string | undefined {
  const parents = (person: Parentage | undefined) => [person?.motherPin, person?.fatherPin].filter(isPin);
  const grandparents = (person: Parentage) => parents(person).flatMap((pin) => parents(parentageOf(pin)));
  if (parents(a).includes(b.pin) || parents(b).includes(a.pin)) return 'parent and child';
  if (grandparents(a).includes(b.pin) || grandparents(b).includes(a.pin)) return 'grandparent and grandchild';
  if ((a.motherPin && a.motherPin === b.motherPin) || (a.fatherPin && a.fatherPin === b.fatherPin)) {
    return 'siblings by a common parent';
  }
  return undefined;
}

function isPin(pin: Pin | null | undefined): pin is Pin {
  return typeof pin === 'string';
}

/** The marriage's stream opens with the application (a retry finds it there and carries on). */
export function requestMarriage(
  state: MarriageState | null,
  marriageId: string,
  application: MarriageApplication,
): MarriageEvent[] {
  if (state !== null) return [];
  return [{ type: 'MarriageRequested', data: { marriageId, ...application } }];
}

export function concludeMarriage(state: MarriageState, revisions: Record<Pin, number>): MarriageEvent[] {
  if (state.status !== 'pending') return [];
  return [{ type: 'MarriageConcluded', data: { marriageId: state.marriageId, date: state.date, revisions } }];
}

export function refuseMarriage(state: MarriageState, refusal: Refusal): MarriageEvent[] {
  if (state.status !== 'pending') return [];
  return [{ type: 'MarriageRefused', data: { marriageId: state.marriageId, date: state.date, ...refusal } }];
}

export interface Refusal {
  readonly code: string;
  readonly message: string;
  readonly details: readonly Record<string, unknown>[];
}

export function divorce(
  state: MarriageState,
  { date, courtDecision }: { readonly date: CivilDate; readonly courtDecision: string },
  today: CivilDate,
): [MarriageDissolved] {
  if (state.status !== 'married') throw new MarriageNotInForce(state.marriageId, state.status);
  if (date < state.date) throw new DivorceBeforeMarriage(date, state.date);
  if (date > today) throw new EffectiveDateInFuture(date, today);
  return [
    {
      type: 'MarriageDissolved',
      data: { marriageId: state.marriageId, cause: 'divorce', date, courtDecision, deceasedPin: null },
    },
  ];
}

/** A spouse's death ends a marriage in force; nothing to do for one already ended. */
export function endMarriageByDeath(state: MarriageState, deceasedPin: Pin, date: CivilDate): MarriageEvent[] {
  if (state.status !== 'married') return [];
  return [
    {
      type: 'MarriageDissolved',
      data: { marriageId: state.marriageId, cause: 'death', date, courtDecision: null, deceasedPin },
    },
  ];
}

export function reinstateMarriage(state: MarriageState, deceasedPin: Pin): MarriageEvent[] {
  if (state.status !== 'ended_by_death' || state.deceasedPin !== deceasedPin) return [];
  return [{ type: 'MarriageReinstated', data: { marriageId: state.marriageId, deceasedPin, date: state.endedOn! } }];
}

/** A spouse's PIN was re-established: nothing to do once the marriage names the new one. */
export function reestablishSpousePin(
  state: MarriageState,
  previousPin: Pin,
  pin: Pin,
  date: CivilDate,
): MarriageEvent[] {
  if (!state.spouses.includes(previousPin)) return [];
  return [{ type: 'MarriageSpousePinReestablished', data: { marriageId: state.marriageId, previousPin, pin, date } }];
}

/** What happens to a marriage's own stream (ADR 0018); the process runs each as a step. */
export type MarriageCommand =
  | { readonly type: 'RequestMarriage'; readonly data: { readonly marriageId: string } & MarriageApplication }
  | { readonly type: 'ConcludeMarriage'; readonly data: { readonly revisions: Record<Pin, number> } }
  | { readonly type: 'RefuseMarriage'; readonly data: Refusal }
  | { readonly type: 'Divorce'; readonly data: { readonly date: CivilDate; readonly courtDecision: string } }
  | { readonly type: 'EndMarriageByDeath'; readonly data: { readonly deceasedPin: Pin; readonly date: CivilDate } }
  | { readonly type: 'ReinstateMarriage'; readonly data: { readonly deceasedPin: Pin } }
  | {
      readonly type: 'ReestablishSpousePin';
      readonly data: { readonly previousPin: Pin; readonly pin: Pin; readonly date: CivilDate };
    };

export function decideMarriage(command: Decidable<MarriageCommand>, state: MarriageState | null): MarriageEvent[] {
  if (command.type === 'RequestMarriage') {
    const { marriageId, ...application } = command.data;
    return requestMarriage(state, marriageId, application);
  }
  if (state === null) throw new Error('A marriage command needs a requested marriage'); // the handler answers 404 first
  switch (command.type) {
    case 'ConcludeMarriage':
      return concludeMarriage(state, command.data.revisions);
    case 'RefuseMarriage':
      return refuseMarriage(state, command.data);
    case 'Divorce':
      return divorce(state, command.data, command.metadata.today);
    case 'EndMarriageByDeath':
      return endMarriageByDeath(state, command.data.deceasedPin, command.data.date);
    case 'ReinstateMarriage':
      return reinstateMarriage(state, command.data.deceasedPin);
    case 'ReestablishSpousePin':
      return reestablishSpousePin(state, command.data.previousPin, command.data.pin, command.data.date);
    default: {
      const unknown: never = command;
      throw new Error(`Unhandled command ${JSON.stringify(unknown)}`);
    }
  }
}

/** The decider of a marriage's stream (Emmett's shape). */
export const marriageDecider = {
  decide: decideMarriage,
  evolve: evolveMarriage,
  initialState: (): MarriageState | null => null,
};
