import { Inject, Injectable } from '@nestjs/common';
import {
  EVENT_STORE,
  StreamNotFoundError,
  WrongExpectedRevisionError,
  type EventStore,
  type JsonObject,
  type RecordedEvent,
} from '@registry/event-store';
import { foldMarriage, marriageStream, type MarriageEvent, type MarriageState } from '@registry/domain';
import { eventIdFor, type CommandEnvelope } from '../command-envelope';
import { RegistryRequestError } from '../errors';
import { SCHEMA_VERSION } from '../citizens/citizen-streams';

export interface MarriageHistory {
  readonly state: MarriageState | null;
  /** -1 when the stream does not exist. */
  readonly revision: number;
  readonly events: readonly RecordedEvent[];
}

export class MarriageNotFound extends RegistryRequestError {
  constructor(marriageId: string) {
    super('MARRIAGE_NOT_FOUND', `No marriage ${marriageId}`, [{ field: 'marriageId', value: marriageId }]);
  }
}

/** Reads and appends a marriage's own stream (`marriage-<id>`), with the expected revision. */
@Injectable()
export class MarriageStreams {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async load(marriageId: string): Promise<MarriageHistory> {
    try {
      const events = await this.store.readStream(marriageStream(marriageId));
      const state = foldMarriage(events.map((e) => ({ type: e.type, data: e.data }) as MarriageEvent));
      return { state, revision: events.length - 1, events };
    } catch (error) {
      if (error instanceof StreamNotFoundError) return { state: null, revision: -1, events: [] };
      throw error;
    }
  }

  /** False when the stream moved since `revision` was read (the caller decides again). */
  async append(
    marriageId: string,
    events: readonly MarriageEvent[],
    revision: number,
    envelope: CommandEnvelope,
  ): Promise<boolean> {
    if (events.length === 0) return true;
    try {
      await this.store.append(
        marriageStream(marriageId),
        events.map((event, index) => ({
          eventId: eventIdFor(envelope.commandId, index),
          type: event.type,
          data: event.data as unknown as JsonObject,
          metadata: {
            commandId: envelope.commandId,
            correlationId: envelope.correlationId,
            causationId: envelope.causationId,
            actor: { sub: envelope.actor.sub, office: envelope.actor.office, roles: envelope.actor.roles },
            requestedAt: envelope.now.toISOString(),
            schemaVersion: SCHEMA_VERSION,
          },
        })),
        revision < 0 ? 'no_stream' : revision,
      );
      return true;
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError) return false;
      throw error;
    }
  }
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
