import type { CitizenEvent } from './citizen.events';
import type { CitizenCommand, DecisionContext } from './citizen.commands';
import { evolveCitizen, initialCitizenState, type CitizenState } from './citizen.state';
import { registerBirth } from './register-birth';
import { endTemporaryResidence, registerPermanentResidence, registerTemporaryResidence } from './register-residence';
import { annulDeath } from './annul-death';
import { recordDivorce, recordMarriage, recordSpouseDeath, restoreMarriage, withdrawMarriage } from './record-marriage';
import { cancelPermanentResidence } from './cancel-permanent-residence';
import { registerDeath } from './register-death';
import { changeName } from './change-name';
import { correctRecord } from './correct-record';
import { PinReplaced } from '../errors';

export function decideCitizen(command: CitizenCommand, state: CitizenState, context: DecisionContext): CitizenEvent[] {
  if (state?.replacedBy) throw new PinReplaced(state.pin, state.replacedBy);
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

export function citizenStream(pin: string): string {
  return `citizen-${pin}`;
}
