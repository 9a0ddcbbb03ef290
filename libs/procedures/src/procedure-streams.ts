import {
  ProcedureNotFound,
  procedureDecider,
  procedureStream,
  type ProcedureCommand,
  type ProcedureEvent,
  type ProcedureState,
} from '@registry/domain';
import { commandIdCausedBy, type EventSourcedStream } from '@registry/app';

/** Procedures' streams (`procedure-<id>`) for the generic handler. */
export const procedureStreams: EventSourcedStream<ProcedureCommand, ProcedureEvent, ProcedureState> = {
  decider: procedureDecider,
  streamName: procedureStream,
  // A procedure's events are about the registry's own work, not facts of a life: valid time is when it started.
  effectiveAt: (event) => (event.type === 'ProcedureStarted' ? event.data.startedOn : ''),
  notFound: (id) => new ProcedureNotFound(id),
};

/**
 * The procedure started by a birth or a death: derived from that event's id, so the write's answer
 * can name it before the runner has started it, and a re-run starts the same one.
 */
export function procedureIdFor(startingEventId: string): string {
  return commandIdCausedBy(startingEventId, 'procedure');
}
