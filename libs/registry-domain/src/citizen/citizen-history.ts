import { dayAfter, type CivilDate } from '../calendar/calendar';
import { provinceAnsweringFor } from '../provinces/provinces';
import type {
  Address,
  CitizenEvent,
  CitizenSnapshot,
  NameHistory,
  NameHistoryChange,
  PersonName,
} from './citizen.events';

/**
 * The registry's two time axes, written once (docs/historians.md). Every answer about the past
 * (the record, the as-of record, the timeline, residents, population, statistics) applies these
 * rules, so a rule changed here changes every answer alike.
 */

/**
 * A name change holds from its effective date until the next change by effective date. The
 * history keeps the change's event id (when known) so that a correction can name the change.
 */
export function withNameChange(
  names: NameHistory,
  effectiveDate: CivilDate,
  name: PersonName,
  eventId?: string,
): NameHistory {
  const changes = [...names.changes];
  let at = changes.length;
  while (at > 0 && changes[at - 1].effectiveDate > effectiveDate) at--;
  changes.splice(at, 0, eventId === undefined ? { effectiveDate, name } : { effectiveDate, name, eventId });
  return { ...names, changes };
}

/**
 * A correction naming a name change (`corrects`) says that change's name was misspelt: the
 * corrected name holds for that change's period (its effective date until the next change by
 * effective date), and no other name moves. The current name changes only when that change is
 * the one in force. A history without the change (an as-of answer before its effective date, or
 * as known before it was recorded) is left as it is: there the change never held.
 */
export function withNameChangeCorrected(names: NameHistory, eventId: string, name: PersonName): NameHistory {
  if (!names.changes.some((change) => change.eventId === eventId)) return names;
  return {
    ...names,
    changes: names.changes.map((change) => (change.eventId === eventId ? { ...change, name } : change)),
  };
}

/** The change recorded by the event `eventId`, if the history holds it. */
export function nameChangeRecordedBy(names: NameHistory, eventId: string): NameHistoryChange | undefined {
  return names.changes.find((change) => change.eventId === eventId);
}

/**
 * A correction of the name corrects the name given at birth: it holds for the period that name
 * covered (until the first change), and later names are untouched.
 */
export function withBirthNameCorrected(names: NameHistory, name: PersonName): NameHistory {
  return { ...names, atBirth: name };
}

/** The name held on `date` (omitted: the latest). */
export function nameOn(names: NameHistory, date?: CivilDate): PersonName {
  const held = names.changes.filter((change) => date === undefined || change.effectiveDate <= date);
  return held.at(-1)?.name ?? names.atBirth;
}

/** A valid-time date that began before birth is taken to begin at birth. */
export function notBeforeBirth(date: CivilDate, dateOfBirth: CivilDate): CivilDate {
  return date < dateOfBirth ? dateOfBirth : date;
}

/**
 * The record's residences as answered: one that began before birth (a date of birth corrected
 * to a later date) begins at birth, and a stay that ended before birth never held. The record
 * keeps the dates as registered, so a later correction back to an earlier date gives them back.
 */
export function withResidencesFromBirth<R extends CitizenSnapshot>(record: R): R {
  const { dateOfBirth, permanentResidence: permanent, temporaryResidence: temporary } = record;
  if ((!permanent || permanent.since >= dateOfBirth) && (!temporary || temporary.from >= dateOfBirth)) return record;
  return {
    ...record,
    permanentResidence: permanent && { ...permanent, since: notBeforeBirth(permanent.since, dateOfBirth) },
    temporaryResidence:
      temporary && temporary.until >= dateOfBirth
        ? { ...temporary, from: notBeforeBirth(temporary.from, dateOfBirth) }
        : null,
  };
}

/**
 * The days on which a census at 0:00 counts a resident (API.md: born before the date, not dead
 * before it): from the residence's start, but not before the day after birth, until (exclusive)
 * `until` or the day after death, whichever comes first. Null when no such day exists.
 */
export function censusDays(
  from: CivilDate,
  until: CivilDate | null,
  dateOfBirth: CivilDate,
  dateOfDeath: CivilDate | null = null,
): { readonly from: CivilDate; readonly until: CivilDate | null } | null {
  const first = notBeforeBirth(from, dayAfter(dateOfBirth));
  const afterDeath = dateOfDeath === null ? null : dayAfter(dateOfDeath);
  const last = afterDeath !== null && (until === null || afterDeath < until) ? afterDeath : until;
  return last !== null && last <= first ? null : { from: first, until: last };
}

/** Whether a census at 0:00 of `date` counts a person born and dead on these dates. */
export function countedOn(date: CivilDate, dateOfBirth: CivilDate, dateOfDeath: CivilDate | null): boolean {
  return dateOfBirth < date && (dateOfDeath === null || dateOfDeath >= date);
}

/** The last day of every civil date the registry answers for "now" (current queries). */
export const CURRENT: CivilDate = '9999-12-31';

/**
 * An address as answered on `date`: a province merged since is answered under its successor in
 * `provinceCode`, the recorded code in `recordedProvinceCode` (API.md). `CURRENT` for the record.
 */
export function addressAnsweredOn<A extends Address>(
  address: A,
  date: CivilDate,
): A & { readonly recordedProvinceCode?: string } {
  const answering = provinceAnsweringFor(address.provinceCode, date) ?? address.provinceCode;
  if (answering === address.provinceCode) return address;
  return { ...address, provinceCode: answering, recordedProvinceCode: address.provinceCode };
}

/** An event with its transaction time: when the registry recorded it (ISO-8601 instant). */
export interface KnownCitizenEvent {
  readonly event: CitizenEvent;
  readonly recordedAt: string;
}

/**
 * When each event of a person's chain of streams (across re-established PINs, oldest first)
 * became known. A re-established PIN's stream is opened a moment before the old one closes; its
 * facts count as known only from the closing instant, so both streams become known at one
 * instant and no `knownAt` sees the person twice or not at all. Put generally: an event counts
 * as known no earlier than the one before it in the chain (the opening follows the close there).
 */
export function knownAcrossPins(chain: readonly KnownCitizenEvent[]): KnownCitizenEvent[] {
  let latest = '';
  const known = chain.map((e) => {
    if (e.recordedAt > latest) latest = e.recordedAt;
    return e.recordedAt === latest ? e : { ...e, recordedAt: latest };
  });
  return known;
}
