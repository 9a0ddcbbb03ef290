import {
  AlreadyMarried,
  CitizenDeceased,
  DivorceBeforeMarriage,
  MarriageNotInForce,
  ProhibitedRelationship,
  SpousesNotDistinct,
  UnderMarriageableAge,
  type RegistryError,
} from '../errors';
import type { CitizenEvent } from '../citizen/citizen.events';
import { foldCitizen, type CitizenRecord } from '../citizen/citizen.state';
import { continueCitizen } from '../citizen/correct-record';
import {
  decideOn,
  MARRIAGE_ID,
  PIN,
  SPOUSE_PIN,
  TODAY,
  born,
  died,
  given,
  married,
  recordMarriage,
} from '../citizen/citizen.fixtures';
import {
  checkMarriage,
  divorce,
  endMarriageByDeath,
  reestablishSpousePin,
  reinstateMarriage,
  type Parentage,
} from './marriage.decisions';
import { foldMarriage, type MarriageEvent } from './marriage.events';

const man = (events: CitizenEvent[] = [], data = {}) => foldCitizen([born(data), ...events])!;
const woman = (data = {}) =>
  foldCitizen([born({ pin: SPOUSE_PIN, sex: 'female', dateOfBirth: '1992-01-01', ...data })])!;
const application = {
  spouses: [PIN, SPOUSE_PIN] as const,
  date: '2024-05-20',
  registrationProvinceCode: '001',
  certificateNumber: 'KH-1',
};

function check(a: CitizenRecord, b: CitizenRecord, parentage: Record<string, Parentage> = {}, date = application.date) {
  return () => checkMarriage({ ...application, date }, [a, b], (pin) => parentage[pin], TODAY);
}

function thrown(action: () => unknown): RegistryError | undefined {
  try {
    action();
  } catch (error) {
    return error as RegistryError;
  }
  return undefined;
}

describe('RegisterMarriage: the conditions of the Law on Marriage and Family 2014', () => {
  it('accepts two living, unmarried adults who are not related', () => {
    expect(check(man(), woman())).not.toThrow();
  });

  it.each([
    ['a man under 20', man([], { dateOfBirth: '2004-05-21' }), woman(), UnderMarriageableAge, 'UNDER_MARRIAGEABLE_AGE'],
    ['a woman under 18', man(), woman({ dateOfBirth: '2006-05-21' }), UnderMarriageableAge, 'UNDER_MARRIAGEABLE_AGE'],
    ['a married man', man([married('2020-01-01', '001192000555', 'm-0')]), woman(), AlreadyMarried, 'ALREADY_MARRIED'],
    ['a deceased man', man([died('2023-01-01')]), woman(), CitizenDeceased, 'CITIZEN_DECEASED'],
    ['one person twice', man(), man(), SpousesNotDistinct, 'SPOUSES_NOT_DISTINCT'],
  ])('refuses %s', (_, a, b, errorClass, code) => {
    expect(check(a, b)).toThrow(errorClass);
    expect(thrown(check(a, b))?.code).toBe(code);
  });

  it('accepts a man of exactly 20 and a woman of exactly 18 on the date', () => {
    expect(check(man([], { dateOfBirth: '2004-05-20' }), woman({ dateOfBirth: '2006-05-20' }))).not.toThrow();
  });

  it('refuses someone divorced after the marriage date (married on that date)', () => {
    const divorced: CitizenEvent = {
      type: 'DivorceRegistered',
      data: {
        pin: PIN,
        marriageId: 'm-0',
        spousePin: '001192000555',
        divorceDate: '2024-06-01',
        decisionNumber: 'BA-1',
      },
    };
    const a = man([married('2020-01-01', '001192000555', 'm-0'), divorced]);
    expect(thrown(check(a, woman()))?.code).toBe('ALREADY_MARRIED');
    expect(check(a, woman(), {}, '2024-06-02')).not.toThrow();
  });

  it.each([
    ['parent and child', man([], { motherPin: SPOUSE_PIN }), woman(), {}],
    [
      'grandparent and grandchild',
      man([], { motherPin: '001170000001' }),
      woman(),
      { '001170000001': { motherPin: SPOUSE_PIN, fatherPin: null } },
    ],
    ['siblings by a common father', man([], { fatherPin: '001160000001' }), woman({ fatherPin: '001160000001' }), {}],
    ['siblings by a common mother', man([], { motherPin: '001165000001' }), woman({ motherPin: '001165000001' }), {}],
  ])('refuses %s with PROHIBITED_RELATIONSHIP', (relationship, a, b, parentage) => {
    expect(check(a, b, parentage)).toThrow(ProhibitedRelationship);
    expect(thrown(check(a, b, parentage))?.message).toContain(relationship.replace(/ by a common (father|mother)/, ''));
  });
});

describe("a spouse's side on the spouse's own stream", () => {
  it('records MarriageRegistered and shows married with the spouse', () => {
    given([born()])
      .when(recordMarriage('2024-05-20'))
      .then([
        {
          type: 'MarriageRegistered',
          data: {
            pin: PIN,
            marriageId: MARRIAGE_ID,
            spousePin: SPOUSE_PIN,
            marriageDate: '2024-05-20',
            certificateNumber: 'KH-1',
          },
        },
      ]);
    expect(foldCitizen([born(), married('2024-05-20')])).toMatchObject({
      maritalStatus: 'married',
      spousePin: SPOUSE_PIN,
    });
  });

  it('records the same marriage once (a resumed process changes nothing)', () => {
    given([born(), married('2024-05-20')])
      .when(recordMarriage('2024-05-20'))
      .then([]);
  });

  it('refuses a second marriage on the stream with ALREADY_MARRIED (the concurrency point)', () => {
    given([born(), married('2024-05-20')])
      .when(recordMarriage('2024-06-01', '001192000777', 'marriage-2'))
      .thenThrows(AlreadyMarried, 'ALREADY_MARRIED');
  });

  it('withdraws a side the other spouse could not record, back to the earlier status', () => {
    const events = [born(), married('2024-05-20')];
    const withdrawn = decideOn(
      { type: 'WithdrawMarriage', data: { marriageId: MARRIAGE_ID, reason: 'ALREADY_MARRIED' } },
      foldCitizen(events),
      { today: TODAY },
    );
    expect(withdrawn.map((e) => e.type)).toEqual(['MarriageWithdrawn']);
    expect(foldCitizen([...events, ...withdrawn])).toMatchObject({ maritalStatus: 'single', spousePin: null });
  });

  it('divorce: divorced, no spouse; the spouse of a deceased: widowed', () => {
    const events = [born(), married('2020-05-01')];
    const divorced = decideOn(
      { type: 'RecordDivorce', data: { marriageId: MARRIAGE_ID, date: '2024-01-01', decisionNumber: 'BA-9' } },
      foldCitizen(events),
      { today: TODAY },
    );
    expect(foldCitizen([...events, ...divorced])).toMatchObject({ maritalStatus: 'divorced', spousePin: null });
    const widowed = decideOn(
      { type: 'RecordSpouseDeath', data: { marriageId: MARRIAGE_ID, deceasedPin: SPOUSE_PIN, date: '2024-01-01' } },
      foldCitizen(events),
      { today: TODAY },
    );
    expect(foldCitizen([...events, ...widowed])).toMatchObject({ maritalStatus: 'widowed', spousePin: null });
    // A marriage already ended is not ended again.
    expect(
      decideOn(
        { type: 'RecordDivorce', data: { marriageId: MARRIAGE_ID, date: '2024-02-01', decisionNumber: 'BA-9' } },
        foldCitizen([...events, ...widowed]),
        { today: TODAY },
      ),
    ).toEqual([]);
  });
});

describe("the marriage's own stream", () => {
  const requested: MarriageEvent = { type: 'MarriageRequested', data: { marriageId: MARRIAGE_ID, ...application } };
  const concluded: MarriageEvent = {
    type: 'MarriageConcluded',
    data: { marriageId: MARRIAGE_ID, date: '2024-05-20', revisions: { [PIN]: 1, [SPOUSE_PIN]: 1 } },
  };

  it('divorces a marriage in force, not before its date, not one already ended', () => {
    const state = foldMarriage([requested, concluded])!;
    expect(divorce(state, { date: '2025-01-01', courtDecision: 'BA-1' }, TODAY)[0].data).toMatchObject({
      cause: 'divorce',
    });
    expect(() => divorce(state, { date: '2024-05-19', courtDecision: 'BA-1' }, TODAY)).toThrow(DivorceBeforeMarriage);
    const ended = foldMarriage([requested, concluded, ...endMarriageByDeath(state, PIN, '2025-01-01')])!;
    expect(ended).toMatchObject({ status: 'ended_by_death', endedOn: '2025-01-01' });
    expect(() => divorce(ended, { date: '2025-02-01', courtDecision: 'BA-1' }, TODAY)).toThrow(MarriageNotInForce);
    expect(() => divorce(foldMarriage([requested])!, { date: '2025-01-01', courtDecision: 'x' }, TODAY)).toThrow(
      MarriageNotInForce,
    );
  });

  it('reinstates a marriage only for the annulled death that ended it', () => {
    const ended = foldMarriage([
      requested,
      concluded,
      ...endMarriageByDeath(foldMarriage([requested, concluded])!, PIN, '2025-01-01'),
    ])!;
    expect(reinstateMarriage(ended, SPOUSE_PIN)).toEqual([]);
    expect(
      foldMarriage([
        requested,
        concluded,
        {
          type: 'MarriageDissolved',
          data: { marriageId: MARRIAGE_ID, cause: 'death', date: '2025-01-01', courtDecision: null, deceasedPin: PIN },
        },
        ...reinstateMarriage(ended, PIN),
      ]),
    ).toMatchObject({ status: 'married', endedOn: null });
  });
});

describe("a spouse's PIN re-established by a correction", () => {
  const NEW_SPOUSE_PIN = '001191000009';
  const renumber = (marriageId = MARRIAGE_ID) => ({
    type: 'RecordSpousePin' as const,
    data: { marriageId, spousePin: NEW_SPOUSE_PIN, effectiveDate: '1991-01-01' },
  });
  const renumbered: CitizenEvent = {
    type: 'SpousePinReestablished',
    data: {
      pin: PIN,
      marriageId: MARRIAGE_ID,
      previousSpousePin: SPOUSE_PIN,
      spousePin: NEW_SPOUSE_PIN,
      effectiveDate: '1991-01-01',
    },
  };

  it("records the spouse's new PIN on the other side, once; the record and the marriage name it", () => {
    given([born(), married('2024-05-20')])
      .when(renumber())
      .then([renumbered]);
    given([born(), married('2024-05-20'), renumbered])
      .when(renumber())
      .then([]);
    const record = foldCitizen([born(), married('2024-05-20'), renumbered])!;
    expect(record).toMatchObject({ maritalStatus: 'married', spousePin: NEW_SPOUSE_PIN });
    expect(record.marriage).toMatchObject({ marriageId: MARRIAGE_ID, spousePin: NEW_SPOUSE_PIN });
  });

  it('records nothing for a marriage that is not the citizen’s own, or a citizen never married', () => {
    given([born(), married('2024-05-20')])
      .when(renumber('marriage-other'))
      .then([]);
    given([born()]).when(renumber()).then([]);
  });

  it('carries the marriage to the new stream, which then decides a divorce on its own', () => {
    const closed = foldCitizen([born(), married('2024-05-20')])!;
    const continued = continueCitizen({ ...closed, reestablishedAs: '001089000001' });
    expect(continued).toMatchObject({
      type: 'CitizenContinued',
      data: { marriage: { marriageId: MARRIAGE_ID, spousePin: SPOUSE_PIN, since: '2024-05-20', endedOn: null } },
    });
    given([continued])
      .when({ type: 'RecordDivorce', data: { marriageId: MARRIAGE_ID, date: '2025-01-01', decisionNumber: 'BA-1' } })
      .then([
        {
          type: 'DivorceRegistered',
          data: {
            pin: '001089000001',
            marriageId: MARRIAGE_ID,
            spousePin: SPOUSE_PIN,
            divorceDate: '2025-01-01',
            decisionNumber: 'BA-1',
          },
        },
      ]);
  });

  it("renames the spouse on the marriage's stream once", () => {
    const requested: MarriageEvent = { type: 'MarriageRequested', data: { marriageId: MARRIAGE_ID, ...application } };
    const state = foldMarriage([requested])!;
    const events = reestablishSpousePin(state, SPOUSE_PIN, NEW_SPOUSE_PIN, '1991-01-01');
    expect(events).toHaveLength(1);
    const after = foldMarriage([requested, ...events])!;
    expect(after.spouses).toEqual([PIN, NEW_SPOUSE_PIN]);
    expect(reestablishSpousePin(after, SPOUSE_PIN, NEW_SPOUSE_PIN, '1991-01-01')).toEqual([]);
  });
});
