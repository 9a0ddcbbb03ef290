import { addressWords, eventSummary, eventTitle, fullName, placeWords } from './event-words';
import { byId, el, vi } from './dom';
import { instantForPeople, today } from './dates';
import { getJson, RegistryAnswerError, type Session } from './registry-client';
import {
  knownAtStops,
  knownEventsAlongValidTime,
  type KnownAtStop,
  type Timeline,
  type TimelineEvent,
} from './timeline';

/** The record shape of `GET /v1/citizens/{pin}?validAt=&knownAt=` (API.md), as the page shows it. */
interface CitizenAsOf {
  pin: string;
  name: { familyName: string; middleName: string | null; givenName: string };
  sex: string;
  dateOfBirth: string;
  placeOfBirth: { provinceCode: string; detail: string | null };
  nationality: string;
  ethnicity: string | null;
  status: string;
  dateOfDeath: string | null;
  permanentResidence: {
    address: { provinceCode: string; communeCode: string | null; line: string };
    since: string;
  } | null;
  temporaryResidence: {
    address: { provinceCode: string; communeCode: string | null; line: string };
    from: string;
    until: string;
  } | null;
  revision: number;
}

/**
 * The citizen view: the events of a PIN's chain along valid time, a "known at" slider that
 * replays what the registry believed at each recording, and the record as of both axes.
 */
export class CitizenView {
  private timeline: Timeline | undefined;
  private stops: KnownAtStop[] = [];
  private readonly slider = byId<HTMLInputElement>('known-at');
  private readonly validAt = byId<HTMLInputElement>('valid-at');
  private readonly status = byId<HTMLParagraphElement>('citizen-status');
  /** Answers arriving after a newer request are dropped. */
  private generation = 0;

  constructor(private readonly session: () => Session | undefined) {
    this.validAt.value = today();
    byId<HTMLFormElement>('citizen-form').addEventListener('submit', (event) => {
      event.preventDefault();
      location.hash = `#/citizen/${byId<HTMLInputElement>('pin').value.trim()}`;
    });
    this.slider.addEventListener('input', () => void this.showStop());
    this.validAt.addEventListener('change', () => void this.showStop());
  }

  async load(pin: string): Promise<void> {
    const session = this.session();
    byId<HTMLInputElement>('pin').value = pin;
    if (!session) return this.say('Sign in with a token first.');
    const generation = ++this.generation;
    this.say(`Loading ${pin}…`);
    try {
      const timeline = await getJson<Timeline>(session, `/v1/citizens/${pin}/timeline`);
      if (generation !== this.generation) return;
      this.timeline = timeline;
      this.stops = knownAtStops(timeline.events);
      this.slider.max = String(this.stops.length - 1);
      this.slider.value = this.slider.max;
      this.showChain(timeline);
      byId('citizen-result').hidden = false;
      await this.showStop();
    } catch (error) {
      byId('citizen-result').hidden = true;
      this.say(problem(error));
    }
  }

  private async showStop(): Promise<void> {
    const session = this.session();
    const timeline = this.timeline;
    if (!session || !timeline) return;
    const stop = this.stops[Number(this.slider.value)];
    const label = stop.knownAt ? instantForPeople(stop.recordedAt) : 'now';
    const text = `${label}: after “${eventTitle(stop.lastEvent)}” was recorded`;
    byId('known-at-label').textContent = text;
    this.slider.setAttribute('aria-valuetext', text);
    this.showEvents(knownEventsAlongValidTime(timeline.events, stop));

    const generation = ++this.generation;
    // The PIN the registry knew the person under at that instant (a later re-establishment unknown yet).
    const pin = stop.lastEvent.pin;
    try {
      const record = await getJson<CitizenAsOf>(session, `/v1/citizens/${pin}`, {
        validAt: this.validAt.value || undefined,
        knownAt: stop.knownAt,
      });
      if (generation !== this.generation) return;
      this.showRecord(record, stop);
      this.say(`${timeline.events.length} events recorded for this person.`);
    } catch (error) {
      if (generation !== this.generation) return;
      byId('record').replaceChildren();
      this.say(problem(error));
    }
  }

  private showChain(timeline: Timeline): void {
    const pins = [...new Set(timeline.events.map((e) => e.pin))];
    const chain = byId('pin-chain');
    if (pins.length < 2) return chain.replaceChildren(`PIN ${timeline.currentPin}`);
    chain.replaceChildren(
      'PINs of this person, oldest first: ',
      ...pins.flatMap((pin, i) => [i > 0 ? ' → ' : '', pinLink(pin)]),
      ` (current: ${timeline.currentPin})`,
    );
  }

  private showEvents(events: TimelineEvent[]): void {
    byId('events').replaceChildren(...events.map(eventItem));
  }

  private showRecord(record: CitizenAsOf, stop: KnownAtStop): void {
    const residence = record.permanentResidence;
    const temporary = record.temporaryResidence;
    const rows: Array<[string, string, Node | string]> = [
      ['pin', 'PIN', record.pin],
      ['name', 'Name', vi(fullName(record.name))],
      ['sex', 'Sex', record.sex],
      ['dateOfBirth', 'Date of birth', record.dateOfBirth],
      ['placeOfBirth', 'Place of birth', vi(placeWords(record.placeOfBirth))],
      ['ethnicity', 'Ethnicity', vi(record.ethnicity ?? '(none)')],
      ['nationality', 'Nationality', record.nationality],
      ['status', 'Status', record.dateOfDeath ? `${record.status} (${record.dateOfDeath})` : record.status],
      [
        'permanentResidence',
        'Permanent residence',
        residence ? vi(`${addressWords(residence.address)}, since ${residence.since}`) : '(none)',
      ],
      [
        'temporaryResidence',
        'Temporary residence',
        temporary ? vi(`${addressWords(temporary.address)}, ${temporary.from} to ${temporary.until}`) : '(none)',
      ],
    ];
    byId('record').replaceChildren(
      ...rows.flatMap(([field, term, value]) => [el('dt', {}, term), el('dd', { 'data-field': field }, value)]),
    );
    byId('record-basis').textContent =
      `On ${this.validAt.value}, as known ${stop.knownAt ? `at ${instantForPeople(stop.knownAt)}` : 'now'} ` +
      `(revision ${record.revision}).`;
  }

  private say(text: string): void {
    this.status.textContent = text;
  }
}

function eventItem(event: TimelineEvent): HTMLLIElement {
  const links: Array<Node | string> = [];
  if (typeof event.data.newPin === 'string') links.push(' New PIN: ', pinLink(event.data.newPin));
  if (typeof event.data.previousPin === 'string') links.push(' Earlier PIN: ', pinLink(event.data.previousPin));
  return el(
    'li',
    { 'data-type': event.type, 'data-event-id': event.eventId },
    el('time', { datetime: event.effectiveAt ?? '', class: 'valid' }, event.effectiveAt ?? '(no date)'),
    el(
      'div',
      { class: 'body' },
      el('strong', {}, eventTitle(event)),
      ' ',
      vi(eventSummary(event)),
      ...links,
      el(
        'div',
        { class: 'recorded' },
        'Recorded ',
        el('time', { datetime: event.recordedAt }, instantForPeople(event.recordedAt)),
        ` under PIN ${event.pin}`,
        event.actor.office ? ` by office ${event.actor.office}` : '',
      ),
    ),
  );
}

function pinLink(pin: string): HTMLAnchorElement {
  return el('a', { href: `#/citizen/${pin}` }, pin);
}

function problem(error: unknown): string {
  if (error instanceof RegistryAnswerError) {
    if (error.status === 404) return 'The registry knows no such person on that date, as known at that instant.';
    if (error.status === 401) return 'The token was refused (expired or not signed by this registry): sign in again.';
    if (error.status === 403) return `This token may not read this (${error.code ?? 'forbidden'}): ${error.message}`;
    return `${error.code ?? error.status}: ${error.message}`;
  }
  return `The registry could not be reached: ${String(error)}`;
}

export { problem };
