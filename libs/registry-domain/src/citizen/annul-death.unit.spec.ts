import { CancellationBeforeDeath, CitizenNotDeceased, SpouseRemarried } from '../errors';
import type { CitizenCommand } from './citizen.commands';
import type { CitizenEvent } from './citizen.events';
import { foldCitizen, type CitizenRecord } from './citizen.state';
import {
  decideOn,
  MARRIAGE_ID,
  PIN,
  SPOUSE_PIN,
  TODAY,
  address,
  born,
  cancelPermanentResidence,
  died,
  given,
  married,
  record,
  registerDeath,
  residedPermanently,
  residedTemporarily,
} from './citizen.fixtures';

const home = address('001', '12 Tràng Tiền');
const stay = address('079', '5 Lê Lợi');

const annulDeath = (survivor?: CitizenRecord | null): CitizenCommand => ({
  type: 'AnnulDeath',
  data: { reason: 'registered in error', legalBasis: 'Decision 7', survivor },
});

/** Applies a decision's events, as the store would, and folds. */
const after = (events: readonly CitizenEvent[], command: CitizenCommand) => {
  const decided = decideOn(command, foldCitizen(events), { today: TODAY });
  return { decided, state: foldCitizen([...events, ...decided])! };
};

const survivorOf = (events: CitizenEvent[]) =>
  record([born({ pin: SPOUSE_PIN, sex: 'female', dateOfBirth: '1992-01-01' }), ...events]);

describe('Death', () => {
  it('ends the temporary residence in force, in the same append', () => {
    const { decided, state } = after(
      [born(), residedTemporarily(stay, '2024-01-01', '2025-12-31')],
      registerDeath('2025-02-01'),
    );
    expect(decided.map((e) => e.type)).toEqual(['DeathRegistered', 'TemporaryResidenceEnded']);
    expect(decided[1].data).toMatchObject({ endedOn: '2025-02-01', reason: 'deceased' });
    expect(state.temporaryResidence).toBeNull();
  });

  it('ends the marriage: the deceased keeps the status at death, the marriage is marked ended', () => {
    const { decided, state } = after([born(), married('2020-05-01')], registerDeath('2025-02-01'));
    expect(decided[1]).toEqual({
      type: 'MarriageEndedByDeath',
      data: { pin: PIN, marriageId: MARRIAGE_ID, spousePin: SPOUSE_PIN, deceasedPin: PIN, endedOn: '2025-02-01' },
    });
    expect(state).toMatchObject({ maritalStatus: 'married', marriage: { endedOn: '2025-02-01' } });
  });

  it('refuses a cancellation for reason "deceased" effective before the death', () => {
    given([born(), residedPermanently(home, '2010-01-01'), died('2024-05-01')])
      .when(cancelPermanentResidence('deceased', '2024-04-30'))
      .thenThrows(CancellationBeforeDeath, 'CANCELLATION_BEFORE_DEATH');
  });
});

describe('AnnulDeath', () => {
  it('refuses when there is no death to annul', () => {
    given([born()]).when(annulDeath()).thenThrows(CitizenNotDeceased, 'CITIZEN_NOT_DECEASED');
  });

  it('brings the citizen back with the residences the death ended', () => {
    const events = [
      born(),
      residedPermanently(home, '2010-01-01'),
      residedTemporarily(stay, '2024-01-01', '2025-12-31'),
    ];
    const death = after(events, registerDeath('2025-02-01'));
    const cancel = after([...events, ...death.decided], cancelPermanentResidence('deceased', '2025-02-01'));
    const history = [...events, ...death.decided, ...cancel.decided];
    const { decided, state } = after(history, annulDeath());
    expect(decided).toEqual([
      {
        type: 'DeathAnnulled',
        data: {
          pin: PIN,
          dateOfDeath: '2025-02-01',
          reason: 'registered in error',
          legalBasis: 'Decision 7',
          restoredPermanentResidence: { address: home, since: '2010-01-01' },
          restoredTemporaryResidence: { address: stay, from: '2024-01-01', until: '2025-12-31' },
          restoredMarriage: null,
          maritalStatus: 'single',
          spousePin: null,
        },
      },
    ]);
    expect(state).toMatchObject({
      status: 'alive',
      dateOfDeath: null,
      permanentResidence: { address: home, since: '2010-01-01' },
      temporaryResidence: { address: stay, from: '2024-01-01', until: '2025-12-31' },
    });
  });

  describe('a death that ended a marriage', () => {
    const history = () => {
      const events = [born(), married('2020-05-01')];
      return [...events, ...after(events, registerDeath('2025-02-01')).decided];
    };
    const widowed: CitizenEvent = {
      type: 'MarriageEndedByDeath',
      data: { pin: SPOUSE_PIN, marriageId: MARRIAGE_ID, spousePin: PIN, deceasedPin: PIN, endedOn: '2025-02-01' },
    };
    const spouseMarried: CitizenEvent = {
      type: 'MarriageRegistered',
      data: {
        pin: SPOUSE_PIN,
        marriageId: MARRIAGE_ID,
        spousePin: PIN,
        marriageDate: '2020-05-01',
        certificateNumber: 'KH-1',
      },
    };

    it('restores the marriage when the survivor is still widowed of it', () => {
      const survivor = survivorOf([spouseMarried, widowed]);
      const { decided, state } = after(history(), annulDeath(survivor));
      expect(decided[0].data).toMatchObject({
        restoredMarriage: { marriageId: MARRIAGE_ID, spousePin: SPOUSE_PIN },
        maritalStatus: 'married',
        spousePin: SPOUSE_PIN,
      });
      expect(state).toMatchObject({ maritalStatus: 'married', spousePin: SPOUSE_PIN, marriage: { endedOn: null } });
    });

    it('refuses with SPOUSE_REMARRIED when the survivor has married since', () => {
      const remarried: CitizenEvent = {
        type: 'MarriageRegistered',
        data: {
          pin: SPOUSE_PIN,
          marriageId: 'm-2',
          spousePin: '001090000077',
          marriageDate: '2025-06-01',
          certificateNumber: null,
        },
      };
      given(history())
        .when(annulDeath(survivorOf([spouseMarried, widowed, remarried])))
        .thenThrows(SpouseRemarried, 'SPOUSE_REMARRIED');
    });

    it('leaves the annulled citizen widowed when the spouse has died since', () => {
      const survivor = {
        ...survivorOf([spouseMarried, widowed]),
        status: 'deceased' as const,
        dateOfDeath: '2025-03-01',
      };
      const { state } = after(history(), annulDeath(survivor));
      expect(state).toMatchObject({ status: 'alive', maritalStatus: 'widowed', spousePin: null });
    });
  });
});
