import type { CitizenState } from '@registry/domain';
import type { EventSourcedHandler, StreamHistory } from '../command-handling/event-sourced-handler';
import { citizenStreams } from './citizen-streams';

// A correction re-establishes a PIN rarely; a longer run of links is a broken history, not a person.
const MAX_LINKS = 10;

/**
 * The citizen under the PIN they hold now: a PIN a correction re-established leads to its
 * successor (parents and spouses named by an old PIN are the same people).
 */
export async function loadCurrentCitizen(
  streams: EventSourcedHandler,
  pin: string,
): Promise<StreamHistory<CitizenState>> {
  let history = await streams.load(citizenStreams, pin);
  for (let links = 0; history.state?.reestablishedAs && links < MAX_LINKS; links++) {
    history = await streams.load(citizenStreams, history.state.reestablishedAs);
  }
  return history;
}
