import { CitizenNotDeceased, SpouseRemarried } from '../errors';
import type { DeathAnnulled } from './citizen.events';
import type { AnnulDeath, DecisionContext } from './citizen.commands';
import type { CitizenRecord, CitizenState } from './citizen.state';

/**
 * A death registered in error is annulled: the citizen is alive again from the start, and what
 * the death ended comes back (the residence its procedure cancelled, the temporary residence,
 * the marriage, unless the surviving spouse has married since).
 */
export function annulDeath(command: AnnulDeath, state: CitizenState, _context: DecisionContext): [DeathAnnulled] {
  if (state === null) throw new Error('A citizen command needs a registered citizen');
  if (state.status !== 'deceased' || state.dateOfDeath === null) {
    throw new CitizenNotDeceased(state.pin, 'there is no death to annul');
  }
  const ended = state.endedByDeath ?? null;
  const marriage = restoredMarriage(state, command.data.survivor);
  return [
    {
      type: 'DeathAnnulled',
      data: {
        pin: state.pin,
        dateOfDeath: state.dateOfDeath,
        reason: command.data.reason,
        legalBasis: command.data.legalBasis,
        restoredPermanentResidence: state.permanentResidence ? null : (ended?.permanentResidence ?? null),
        restoredTemporaryResidence: ended?.temporaryResidence ?? null,
        restoredMarriage: marriage.restored,
        maritalStatus: marriage.status,
        spousePin: marriage.status === 'married' ? (marriage.restored?.spousePin ?? state.spousePin) : null,
      },
    },
  ];
}

function restoredMarriage(
  state: CitizenRecord,
  survivor: CitizenRecord | null | undefined,
): { restored: DeathAnnulled['data']['restoredMarriage']; status: CitizenRecord['maritalStatus'] } {
  const ended = state.endedByDeath?.marriage;
  if (!ended) return { restored: null, status: state.maritalStatus };
  // The spouse died since (or cannot be found): the annulled person is a widow(er), not married.
  if (!survivor || survivor.status === 'deceased') return { restored: null, status: 'widowed' };
  const stillWidowedOfIt = survivor.marriage?.marriageId === ended.marriageId && survivor.maritalStatus === 'widowed';
  if (!stillWidowedOfIt) throw new SpouseRemarried(survivor.pin);
  return { restored: ended, status: 'married' };
}
