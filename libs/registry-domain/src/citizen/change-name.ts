import { NameUnchanged } from '../errors';
import type { NameChanged } from './citizen.events';
import type { ChangeName, DecisionContext } from './citizen.commands';
import type { CitizenState } from './citizen.state';
import { requireDateInLife, requireLiving } from './living-citizen';

/** A name change is a new fact from its date (unlike a correction, which rewrites the past). */
export function changeName(command: ChangeName, state: CitizenState, { today }: DecisionContext): [NameChanged] {
  const citizen = requireLiving(state);
  const { name, effectiveDate, reason } = command.data;
  requireDateInLife(citizen, effectiveDate, today);
  if (sameName(name, citizen.name)) throw new NameUnchanged();
  return [{ type: 'NameChanged', data: { pin: citizen.pin, previousName: citizen.name, name, effectiveDate, reason } }];
}

function sameName(a: ChangeName['data']['name'], b: ChangeName['data']['name']): boolean {
  return (
    a.familyName === b.familyName && (a.middleName ?? null) === (b.middleName ?? null) && a.givenName === b.givenName
  );
}
