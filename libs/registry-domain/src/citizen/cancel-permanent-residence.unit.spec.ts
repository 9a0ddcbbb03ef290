import {
  CitizenDeceased,
  CitizenNotDeceased,
  EffectiveDateBeforeBirth,
  EffectiveDateInFuture,
  NoPermanentResidence,
  ResidenceDateBeforeCurrent,
} from '../errors';
import type { CitizenEvent } from './citizen.events';
import { PIN, address, born, cancelPermanentResidence, died, given, residedPermanently } from './citizen.fixtures';

const home = address('001', '12 Tràng Tiền');
const livingAtHome = [born(), residedPermanently(home, '2010-06-01')];

const cancelled = (reason: 'deceased' | 'moved_abroad', effectiveDate: string): CitizenEvent => ({
  type: 'PermanentResidenceCancelled',
  data: { pin: PIN, address: home, reason, effectiveDate, note: null },
});

describe('CancelPermanentResidence', () => {
  it('cancels the current permanent residence', () => {
    given(livingAtHome)
      .when(cancelPermanentResidence('moved_abroad', '2025-01-10'))
      .then([cancelled('moved_abroad', '2025-01-10')]);
  });

  it('after death, cancels with reason deceased (the death procedure)', () => {
    given([...livingAtHome, died('2025-01-01')])
      .when(cancelPermanentResidence('deceased', '2025-01-01'))
      .then([cancelled('deceased', '2025-01-01')]);
  });

  it.each([
    [
      'after death for any reason but deceased',
      [...livingAtHome, died('2025-01-01')],
      cancelPermanentResidence('moved_abroad', '2025-01-01'),
      CitizenDeceased,
      'CITIZEN_DECEASED',
    ],
    [
      'with reason deceased while the citizen lives',
      livingAtHome,
      cancelPermanentResidence('deceased', '2025-01-10'),
      CitizenNotDeceased,
      'CITIZEN_NOT_DECEASED',
    ],
    [
      'of a citizen who never had one',
      [born()],
      cancelPermanentResidence('moved_abroad', '2025-01-10'),
      NoPermanentResidence,
      'NO_PERMANENT_RESIDENCE',
    ],
    [
      'already cancelled',
      [...livingAtHome, cancelled('moved_abroad', '2025-01-10')],
      cancelPermanentResidence('other', '2025-02-01'),
      NoPermanentResidence,
      'NO_PERMANENT_RESIDENCE',
    ],
    [
      'dated before the current residence began',
      livingAtHome,
      cancelPermanentResidence('other', '2010-05-31'),
      ResidenceDateBeforeCurrent,
      'RESIDENCE_DATE_BEFORE_CURRENT',
    ],
    [
      'dated before the birth',
      [born(), residedPermanently(home, '1990-01-15')],
      cancelPermanentResidence('other', '1990-01-14'),
      EffectiveDateBeforeBirth,
      'EFFECTIVE_DATE_BEFORE_BIRTH',
    ],
    [
      'dated after today',
      livingAtHome,
      cancelPermanentResidence('other', '2026-03-16'),
      EffectiveDateInFuture,
      'EFFECTIVE_DATE_IN_FUTURE',
    ],
  ] as const)('refuses a cancellation %s', (_, events, command, errorClass, code) => {
    given(events).when(command, '2026-03-15').thenThrows(errorClass, code);
  });
});
