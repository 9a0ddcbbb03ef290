import type { CivilDate } from '../calendar/calendar';
import type { Pin } from '../pin/pin';
import {
  DivorceBeforeMarriage,
  EffectiveDateInFuture,
  MarriageNotInForce,
  ProhibitedRelationship,
  SpousesNotDistinct,
  type RegistryRuleBroken,
} from '../errors';
import type { CitizenRecord } from '../citizen/citizen.state';
import { requireMarriageable } from '../citizen/record-marriage';
import type { MarriageDissolved, MarriageEvent, MarriageRequested, MarriageState } from './marriage.events';

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
  return [{ type: 'MarriageConcluded', data: { marriageId: state.marriageId, revisions } }];
}

export function refuseMarriage(state: MarriageState, broken: RegistryRuleBroken): MarriageEvent[] {
  if (state.status !== 'pending') return [];
  return [
    {
      type: 'MarriageRefused',
      data: { marriageId: state.marriageId, code: broken.code, message: broken.message, details: broken.details },
    },
  ];
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
  return [{ type: 'MarriageReinstated', data: { marriageId: state.marriageId, deceasedPin } }];
}
