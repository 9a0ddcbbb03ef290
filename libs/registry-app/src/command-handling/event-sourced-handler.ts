import { Inject, Injectable } from '@nestjs/common';
import {
  EVENT_STORE,
  PartialRetryError,
  StreamNotFoundError,
  WrongExpectedRevisionError,
  type EventStore,
  type EventToAppend,
  type RecordedEvent,
} from '@registry/event-store';
import { RevisionMismatch, WriteContention } from '../errors';
import { eventIdFor, SCHEMA_VERSION, type CommandEnvelope } from './command-envelope';
import { backOff, MAX_ATTEMPTS } from './contention';
import type { DecidedEvent, EventSourcedStream } from './event-sourced-stream';
import { StreamLanes } from './stream-lanes';

export interface StreamHistory<State> {
  readonly state: State;
  /** -1 when the stream does not exist. */
  readonly revision: number;
  readonly events: readonly RecordedEvent[];
}

/** What a caller may ask of a write besides the command itself. */
export interface WriteConditions<State> {
  /** The client's expected revision (If-Match): a stale one is REVISION_MISMATCH, never retried. */
  readonly ifMatch?: number;
  /** Checks the caller against the current state (jurisdiction) before anything is decided. */
  readonly authorize?: (state: NonNullable<State>) => void;
}

export interface HandleOptions<State, Event> extends WriteConditions<State> {
  /** `no_stream`: the command opens the stream (a birth). Otherwise the stream must exist. */
  readonly expected?: 'no_stream';
  /** A step that must succeed before the events are appended (e.g. opening a re-established PIN). */
  readonly beforeAppend?: (events: readonly Event[], state: NonNullable<State>) => Promise<void>;
}

export interface WriteResult<Event = DecidedEvent> {
  /** The id the stream is named after (a citizen's PIN). */
  readonly id: string;
  /** Stream revision after the command's events. */
  readonly revision: number;
  readonly events: readonly Event[];
}

/** A `no_stream` command found the stream already there (written by another command). */
export class StreamAlreadyExists extends Error {
  constructor(readonly streamId: string) {
    super(`Stream ${streamId} already exists`);
  }
}

/**
 * The one command handler of every event-sourced stream: read, fold, decide, append with the
 * expected revision. When another writer wins the append and the client pinned no revision, it
 * reads and decides again (a few times, with jitter); with If-Match the conflict is the answer.
 * A command whose events are already in the stream (a retry) gets the first run's answer.
 * No business rules live here.
 */
@Injectable()
export class EventSourcedHandler {
  private readonly lanes = new StreamLanes();

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async load<Command, Event extends DecidedEvent, State>(
    kind: EventSourcedStream<Command, Event, State>,
    id: string,
  ): Promise<StreamHistory<State>> {
    try {
      const events = await this.store.readStream(kind.streamName(id));
      const state = events.map(asFolded<Event>).reduce(kind.decider.evolve, kind.decider.initialState());
      return { state, revision: events.length - 1, events };
    } catch (error) {
      if (error instanceof StreamNotFoundError) return { state: kind.decider.initialState(), revision: -1, events: [] };
      throw error;
    }
  }

  handle<Command, Event extends DecidedEvent, State>(
    kind: EventSourcedStream<Command, Event, State>,
    id: string,
    command: Command,
    envelope: CommandEnvelope,
    options: HandleOptions<State, Event> = {},
  ): Promise<WriteResult<Event>> {
    return this.lanes.run(kind.streamName(id), () => this.decideAndAppend(kind, id, command, envelope, options));
  }

  private async decideAndAppend<Command, Event extends DecidedEvent, State>(
    kind: EventSourcedStream<Command, Event, State>,
    id: string,
    command: Command,
    envelope: CommandEnvelope,
    { expected, ifMatch, authorize, beforeAppend }: HandleOptions<State, Event>,
  ): Promise<WriteResult<Event>> {
    const stream = kind.streamName(id);
    if (expected === 'no_stream' && !beforeAppend) {
      const opened = await this.openWithoutReading(kind, id, command, envelope);
      if (opened) return opened;
    }
    for (let attempt = 1; ; attempt++) {
      if (attempt > 1) await backOff(attempt);
      const history = await this.load(kind, id);
      const earlier = resultOfEarlierRun<Event>(id, history.events, envelope.commandId);
      if (earlier) return earlier;
      if (expected === 'no_stream' && history.revision >= 0) throw new StreamAlreadyExists(stream);
      if (expected !== 'no_stream' && history.revision < 0) throw kind.notFound(id);
      const state = history.state as NonNullable<State>;
      if (expected !== 'no_stream') authorize?.(state);
      if (ifMatch !== undefined && ifMatch !== history.revision) throw new RevisionMismatch(ifMatch, history.revision);
      const events = kind.decider.decide(command, history.state);
      if (events.length === 0) return { id, revision: history.revision, events }; // nothing (left) to record
      await beforeAppend?.(events, state);
      try {
        const appended = await this.store.append(
          stream,
          toAppend(kind, events, envelope),
          expected === 'no_stream' ? 'no_stream' : history.revision,
        );
        return { id, revision: appended.nextRevision, events };
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        if (ifMatch !== undefined) throw new RevisionMismatch(ifMatch, Number(error.actual));
        if (attempt >= MAX_ATTEMPTS) throw new WriteContention(stream);
      }
    }
  }

  /**
   * A command that opens its stream decides on the initial state and appends with "no stream"
   * expected, without reading first: the stream is almost always new (a birth's PIN), and the
   * append itself says when it is not. One round trip instead of two (ADR 0071). Undefined when
   * the decision failed or the store saw part of this command's events: the caller then reads, and
   * answers as always (the earlier run's result for a retried command, or the rule broken).
   * StreamAlreadyExists when the stream holds another command's events.
   * A retry whose events are already stored lands as the store's idempotent duplicate (same
   * event ids at revision 0), with the same revision as the first run.
   */
  private async openWithoutReading<Command, Event extends DecidedEvent, State>(
    kind: EventSourcedStream<Command, Event, State>,
    id: string,
    command: Command,
    envelope: CommandEnvelope,
  ): Promise<WriteResult<Event> | undefined> {
    let events: Event[];
    try {
      events = kind.decider.decide(command, kind.decider.initialState());
    } catch {
      return undefined;
    }
    if (events.length === 0) return undefined;
    const stream = kind.streamName(id);
    try {
      const appended = await this.store.append(stream, toAppend(kind, events, envelope), 'no_stream');
      return { id, revision: appended.nextRevision, events };
    } catch (error) {
      // This command's own events can only be the stream's first ones, which the store answers as a
      // duplicate or a partial retry: a conflict on a stream that exists is another command's, and
      // reading it would only find that out again (ADR 0125; a birth then tries its next PIN).
      if (error instanceof WrongExpectedRevisionError && error.actual !== 'no_stream') {
        throw new StreamAlreadyExists(stream);
      }
      if (error instanceof WrongExpectedRevisionError || error instanceof PartialRetryError) return undefined;
      throw error;
    }
  }
}

export function asDecided<Event extends DecidedEvent>(event: RecordedEvent): Event {
  return { type: event.type, data: event.data } as unknown as Event;
}

/** A stored event as a fold reads it: with its id, which a later event may name (a correction's `corrects`). */
export function asFolded<Event extends DecidedEvent>(event: RecordedEvent): Event {
  return { type: event.type, data: event.data, eventId: event.eventId } as unknown as Event;
}

function toAppend<Event extends DecidedEvent>(
  kind: EventSourcedStream<unknown, Event, unknown>,
  events: readonly Event[],
  envelope: CommandEnvelope,
): EventToAppend[] {
  return events.map((event, index) => ({
    eventId: eventIdFor(envelope.commandId, index),
    type: event.type,
    data: event.data as Record<string, unknown>,
    metadata: {
      commandId: envelope.commandId,
      correlationId: envelope.correlationId,
      causationId: envelope.causationId,
      actor: { sub: envelope.actor.sub, office: envelope.actor.office, roles: envelope.actor.roles },
      effectiveAt: kind.effectiveAt(event),
      requestedAt: envelope.now.toISOString(),
      schemaVersion: SCHEMA_VERSION,
    },
  }));
}

/** A retried command finds its own events already in the stream: answer as the first run did. */
function resultOfEarlierRun<Event extends DecidedEvent>(
  id: string,
  events: readonly RecordedEvent[],
  commandId: string,
): WriteResult<Event> | undefined {
  const own = events.filter((e) => e.metadata.commandId === commandId);
  if (own.length === 0) return undefined;
  return { id, revision: own[own.length - 1].revision, events: own.map(asDecided<Event>) };
}
