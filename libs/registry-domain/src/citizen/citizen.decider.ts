import type { CitizenEvent } from './citizen.events';
import type { CitizenCommand, Decidable, DecisionContext } from './citizen.commands';
import { evolveCitizen, initialCitizenState, type CitizenState } from './citizen.state';
import { registerBirth } from './register-birth';
import { endTemporaryResidence, registerPermanentResidence, registerTemporaryResidence } from './register-residence';
import { annulDeath } from './annul-death';
import {
  recordDivorce,
  recordMarriage,
  recordSpouseDeath,
  recordSpousePin,
  restoreMarriage,
  withdrawMarriage,
} from './record-marriage';
import { cancelPermanentResidence } from './cancel-permanent-residence';
import { registerDeath } from './register-death';
import { changeName } from './change-name';
import { continueCitizen, correctRecord } from './correct-record';
import { CitizenAlreadyRegistered, PinWasReestablished } from '../errors';

/**
 * Decides a citizen command on the folded state. The inputs from outside the domain (today's
 * date) travel in the command's metadata, so the decider is `decide(command, state)`.
 */
export function decideCitizen(command: Decidable<CitizenCommand>, state: CitizenState): CitizenEvent[] {
  const context: DecisionContext = command.metadata;
  if (state?.reestablishedAs) throw new PinWasReestablished(state.pin, state.reestablishedAs);
  switch (command.type) {
    case 'RegisterBirth':
      return registerBirth(command, state, context);
    case 'RegisterPermanentResidence':
      return registerPermanentResidence(command, state, context);
    case 'RegisterTemporaryResidence':
      return registerTemporaryResidence(command, state, context);
    case 'CancelPermanentResidence':
      return cancelPermanentResidence(command, state, context);
    case 'RegisterDeath':
      return registerDeath(command, state, context);
    case 'ChangeName':
      return changeName(command, state, context);
    case 'CorrectRecord':
      return correctRecord(command, state, context);
    case 'EndTemporaryResidence':
      return endTemporaryResidence(command, state, context);
    case 'AnnulDeath':
      return annulDeath(command, state, context);
    case 'RecordMarriage':
      return recordMarriage(command, state, context);
    case 'WithdrawMarriage':
      return withdrawMarriage(command, state);
    case 'RecordDivorce':
      return recordDivorce(command, state);
    case 'RecordSpouseDeath':
      return recordSpouseDeath(command, state);
    case 'RestoreMarriage':
      return restoreMarriage(command, state);
    case 'RecordSpousePin':
      return recordSpousePin(command, state);
    case 'ContinueCitizen':
      if (state !== null) throw new CitizenAlreadyRegistered(state.pin);
      return [continueCitizen(command.data.closed)];
    default: {
      const unknown: never = command;
      throw new Error(`Unhandled command ${JSON.stringify(unknown)}`);
    }
  }
}

/** The decider of a citizen's stream (Emmett's shape: decide, evolve, initialState). */
export const citizenDecider = {
  decide: decideCitizen,
  evolve: evolveCitizen,
  initialState: initialCitizenState,
};
