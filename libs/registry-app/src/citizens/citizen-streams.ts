import { Injectable } from '@nestjs/common';
import type { ICommandHandler } from '@nestjs/cqrs';
import type { RecordedEvent } from '@registry/event-store';
import {
  citizenDecider,
  citizenStream,
  effectiveDateOf,
  type CitizenCommand,
  type CitizenEvent,
  type CitizenState,
  type Decidable,
} from '@registry/domain';
import { civilDateIn, type CommandEnvelope } from '../command-handling/command-envelope';
import type { EventSourcedStream } from '../command-handling/event-sourced-stream';
import {
  EventSourcedHandler,
  asFolded,
  type WriteConditions,
  type WriteResult,
} from '../command-handling/event-sourced-handler';
import { CitizenNotFound } from '../errors';

/** Citizens' streams (`citizen-<PIN>`) for the generic handler. */
export const citizenStreams: EventSourcedStream<Decidable<CitizenCommand>, CitizenEvent, CitizenState> = {
  decider: citizenDecider,
  streamName: citizenStream,
  effectiveAt: effectiveDateOf,
  notFound: (pin) => new CitizenNotFound(pin),
};

/** The command with its outside inputs: today's date where the registry keeps its books. */
export function citizenCommand<C extends CitizenCommand>(command: C, envelope: CommandEnvelope): Decidable<C> {
  return { ...command, metadata: { today: civilDateIn(envelope.now) } };
}

export type CitizenWriteConditions = WriteConditions<CitizenState>;

/**
 * A command on an existing citizen as the HTTP layer hands it over: the PIN, the command's data,
 * who and when, and the write's conditions. Each use case names its own subclass.
 */
export abstract class CitizenWrite<Data> {
  constructor(
    readonly pin: string,
    readonly data: Data,
    readonly envelope: CommandEnvelope,
    readonly conditions: CitizenWriteConditions = {},
  ) {}
}

type CitizenCommandOf<T extends CitizenCommand['type']> = Extract<CitizenCommand, { type: T }>;

/**
 * The handler of a life event on an existing citizen: the generic handler with the citizen's
 * decider. Each use case names its subclass and the domain command it runs; nothing else.
 */
@Injectable()
export abstract class CitizenWriteHandler<T extends CitizenCommand['type']> implements ICommandHandler<
  CitizenWrite<CitizenCommandOf<T>['data']>,
  WriteResult<CitizenEvent>
> {
  protected abstract readonly type: T;

  constructor(private readonly streams: EventSourcedHandler) {}

  execute({ pin, data, envelope, conditions }: CitizenWrite<CitizenCommandOf<T>['data']>) {
    // The cast only joins `type` and `data`, which the use case's command class keeps matched.
    const command = citizenCommand({ type: this.type, data } as CitizenCommandOf<T>, envelope);
    return this.streams.handle(citizenStreams, pin, command, envelope, conditions);
  }
}

export function asCitizenEvent(event: RecordedEvent): CitizenEvent {
  return asFolded<CitizenEvent>(event);
}
