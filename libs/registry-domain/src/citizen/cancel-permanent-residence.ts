import {
  CancellationBeforeDeath,
  CitizenDeceased,
  CitizenNotDeceased,
  NoPermanentResidence,
  ResidenceDateBeforeCurrent,
} from '../errors';
import type { PermanentResidenceCancelled } from './citizen.events';
import type { CancelPermanentResidence, DecisionContext } from './citizen.commands';
import type { CitizenState } from './citizen.state';
import { requireDateInLife } from './living-citizen';

/**
 * Cancelling a permanent residence. The one command a death does not forbid: the death
 * procedure cancels the residence of the deceased with reason `deceased`.
 */
export function cancelPermanentResidence(
  command: CancelPermanentResidence,
  state: CitizenState,
  { today }: DecisionContext,
): [PermanentResidenceCancelled] {
  if (state === null) throw new Error('A citizen command needs a registered citizen');
  const { reason, effectiveDate, note } = command.data;
  if (state.status === 'deceased' && reason !== 'deceased') throw new CitizenDeceased(state.pin);
  if (state.status === 'alive' && reason === 'deceased') throw new CitizenNotDeceased(state.pin);
  if (reason === 'deceased' && state.dateOfDeath && effectiveDate < state.dateOfDeath) {
    throw new CancellationBeforeDeath(effectiveDate, state.dateOfDeath);
  }
  const current = state.permanentResidence;
  if (!current) throw new NoPermanentResidence(state.pin);
  requireDateInLife(state, effectiveDate, today);
  if (effectiveDate < current.since) throw new ResidenceDateBeforeCurrent(effectiveDate, current.since);
  return [
    {
      type: 'PermanentResidenceCancelled',
      data: { pin: state.pin, address: current.address, reason, effectiveDate, note },
    },
  ];
}
