/** An event as deciders produce it and streams hold it. */
export interface DecidedEvent {
  readonly type: string;
  readonly data: object;
}

/** Emmett's decider shape: the whole business logic of one kind of stream. */
export interface Decider<Command, Event extends DecidedEvent, State> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

/**
 * One kind of event-sourced stream (citizens; later procedures, marriages): its decider, how its
 * streams are named, and what the generic handler needs to know about its events.
 */
export interface EventSourcedStream<Command, Event extends DecidedEvent, State> {
  readonly decider: Decider<Command, Event, State>;
  streamName(id: string): string;
  /** Valid time of an event (`effectiveAt` in its metadata). */
  effectiveAt(event: Event): string;
  /** The error for a command on a stream that does not exist (unless the command creates it). */
  notFound(id: string): Error;
}
