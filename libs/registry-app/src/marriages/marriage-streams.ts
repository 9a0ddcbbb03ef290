import {
  effectiveDateOfMarriageEvent,
  marriageDecider,
  marriageStream,
  type Decidable,
  type MarriageCommand,
  type MarriageEvent,
  type MarriageState,
} from '@registry/domain';
import type { RecordedEvent } from '@registry/event-store';
import { civilDateIn, type CommandEnvelope } from '../command-handling/command-envelope';
import type { EventSourcedStream } from '../command-handling/event-sourced-stream';
import { RegistryError } from '@registry/domain';

export class MarriageNotFound extends RegistryError {
  constructor(marriageId: string) {
    super('MARRIAGE_NOT_FOUND', `No marriage ${marriageId}`, [{ field: 'marriageId', value: marriageId }]);
  }
}

/** Marriages' own streams (`marriage-<id>`) for the generic handler (ADR 0018). */
export const marriageStreams: EventSourcedStream<Decidable<MarriageCommand>, MarriageEvent, MarriageState | null> = {
  decider: marriageDecider,
  streamName: marriageStream,
  effectiveAt: effectiveDateOfMarriageEvent,
  notFound: (id) => new MarriageNotFound(id),
};

/** The command with its outside inputs: today's date where the registry keeps its books. */
export function marriageCommand(command: MarriageCommand, envelope: CommandEnvelope): Decidable<MarriageCommand> {
  return { ...command, metadata: { today: civilDateIn(envelope.now) } };
}

/** The envelope a recorded event was written with: a resumed step acts for the same officer. */
export function envelopeOfEvent(event: RecordedEvent, now: Date): CommandEnvelope {
  const metadata = event.metadata as {
    commandId?: string;
    correlationId?: string;
    actor?: { sub?: string; office?: string | null; roles?: string[] };
  };
  return {
    commandId: String(metadata.commandId ?? event.eventId),
    correlationId: String(metadata.correlationId ?? event.eventId),
    causationId: event.eventId,
    actor: {
      sub: metadata.actor?.sub ?? 'registry',
      office: metadata.actor?.office ?? null,
      roles: metadata.actor?.roles ?? [],
    },
    now,
  };
}
