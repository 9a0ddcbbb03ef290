import { Inject, Injectable } from '@nestjs/common';
import {
  EVENT_STORE,
  StreamNotFoundError,
  WrongExpectedRevisionError,
  type EventStore,
  type EventToAppend,
  type RecordedEvent,
} from '@registry/event-store';
import {
  citizenStream,
  decideCitizen,
  effectiveDateOf,
  foldCitizen,
  type CitizenCommand,
  type CitizenEvent,
  type CitizenRecord,
  type CitizenState,
} from '@registry/domain';
import { civilDateIn, eventIdFor, type CommandEnvelope } from '../command-envelope';
import { CitizenNotFound, RevisionMismatch, WriteContention } from '../errors';

export const SCHEMA_VERSION = 1;
const MAX_ATTEMPTS = 5;
const MAX_PIN_LINKS = 10;

export interface CitizenHistory {
  readonly state: CitizenState;
  /** -1 when the stream does not exist. */
  readonly revision: number;
  readonly events: readonly RecordedEvent[];
}

export interface ExecuteOptions {
  readonly ifMatch?: number;
  readonly authorize?: (citizen: CitizenRecord) => void;
  /** A step that must succeed before the events are appended (e.g. opening a re-established PIN). */
  readonly beforeAppend?: (events: readonly CitizenEvent[], citizen: CitizenRecord) => Promise<void>;
}

export interface WriteResult {
  readonly pin: string;
  /** Stream revision after the command's events. */
  readonly revision: number;
  readonly events: readonly CitizenEvent[];
}

/**
 * The one generic command handler of citizen streams: read, fold, decide, append with the
 * expected revision. No business rules live here.
 */
@Injectable()
export class CitizenStreams {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async load(pin: string): Promise<CitizenHistory> {
    try {
      const events = await this.store.readStream(citizenStream(pin));
      return { state: foldCitizen(events.map(asCitizenEvent)), revision: events.length - 1, events };
    } catch (error) {
      if (error instanceof StreamNotFoundError) return { state: null, revision: -1, events: [] };
      throw error;
    }
  }

  /**
   * Runs a command on an existing citizen; `ifMatch` is the client's expected revision and
   * `authorize` checks the caller against the citizen (jurisdiction) before anything is decided.
   */
  async execute(
    pin: string,
    command: CitizenCommand,
    envelope: CommandEnvelope,
    { ifMatch, authorize, beforeAppend }: ExecuteOptions = {},
  ): Promise<WriteResult> {
    for (let attempt = 1; ; attempt++) {
      const history = await this.load(pin);
      const earlier = resultOfEarlierRun(pin, history.events, envelope.commandId);
      if (earlier) return earlier;
      if (history.state === null) throw new CitizenNotFound(pin);
      authorize?.(history.state);
      if (ifMatch !== undefined && ifMatch !== history.revision) throw new RevisionMismatch(ifMatch, history.revision);
      const events = decideCitizen(command, history.state, { today: civilDateIn(envelope.now) });
      if (events.length === 0) return { pin, revision: history.revision, events }; // nothing left to record
      await beforeAppend?.(events, history.state);
      try {
        const result = await this.store.append(citizenStream(pin), toAppend(events, envelope), history.revision);
        return { pin, revision: result.nextRevision, events };
      } catch (error) {
        // Someone else wrote first: decide again on the new state, unless the client pinned a revision.
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        if (ifMatch !== undefined) throw new RevisionMismatch(ifMatch, Number(error.actual));
        if (attempt >= MAX_ATTEMPTS) throw new WriteContention(pin);
      }
    }
  }

  /**
   * The citizen under the PIN they hold now: a PIN a correction re-established leads to its
   * successor (parents and spouses named by an old PIN are the same people).
   */
  async loadCurrent(pin: string): Promise<CitizenHistory> {
    let history = await this.load(pin);
    for (let hops = 0; history.state?.replacedBy && hops < MAX_PIN_LINKS; hops++) {
      history = await this.load(history.state.replacedBy);
    }
    return history;
  }

  /** Appends the first events of a new stream; resolves false when the stream already exists. */
  async create(pin: string, events: readonly CitizenEvent[], envelope: CommandEnvelope): Promise<WriteResult | false> {
    try {
      const result = await this.store.append(citizenStream(pin), toAppend(events, envelope), 'no_stream');
      return { pin, revision: result.nextRevision, events };
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError) return false;
      throw error;
    }
  }
}

export function asCitizenEvent(event: RecordedEvent): CitizenEvent {
  return { type: event.type, data: event.data } as CitizenEvent;
}

function toAppend(events: readonly CitizenEvent[], envelope: CommandEnvelope): EventToAppend[] {
  return events.map((event, index) => ({
    eventId: eventIdFor(envelope.commandId, index),
    type: event.type,
    data: event.data as unknown as Record<string, unknown>,
    metadata: {
      commandId: envelope.commandId,
      correlationId: envelope.correlationId,
      causationId: envelope.causationId,
      actor: { sub: envelope.actor.sub, office: envelope.actor.office, roles: envelope.actor.roles },
      effectiveAt: effectiveDateOf(event),
      requestedAt: envelope.now.toISOString(),
      schemaVersion: SCHEMA_VERSION,
    },
  }));
}

/** A retried command finds its own events already in the stream: answer as the first run did. */
function resultOfEarlierRun(pin: string, events: readonly RecordedEvent[], commandId: string): WriteResult | undefined {
  const own = events.filter((e) => e.metadata.commandId === commandId);
  if (own.length === 0) return undefined;
  return { pin, revision: own[own.length - 1].revision, events: own.map(asCitizenEvent) };
}
