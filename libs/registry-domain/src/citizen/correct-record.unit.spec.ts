import {
  BirthYearOutOfRange,
  CitizenNotDeceased,
  CorrectionConflictsWithChild,
  DeathDateInFuture,
  ParentBornAfterChild,
  BirthDateInFuture,
  CitizenDeceased,
  CorrectionChangesNothing,
  CorrectedEventNotFound,
  CorrectedEventNotOfField,
  DeathBeforeBirth,
  NameUnchanged,
  PinWasReestablished,
} from '../errors';
import type { CitizenCommand } from './citizen.commands';
import type { CitizenEvent, PersonName } from './citizen.events';
import { afterCorrection, continueCitizen } from './correct-record';
import { foldCitizen } from './citizen.state';
import { PIN, born, died, given, place, record } from './citizen.fixtures';

const correct = (field: string, value: unknown): CitizenCommand =>
  ({
    type: 'CorrectRecord',
    data: { field, value, reason: 'Clerical error', legalBasis: 'Decision 1', uniqueDigits: '777777' },
  }) as CitizenCommand;

const corrected = (field: string, oldValue: unknown, newValue: unknown, effectiveDate = '1990-01-15'): CitizenEvent =>
  ({
    type: 'RecordCorrected',
    data: { pin: PIN, field, oldValue, newValue, reason: 'Clerical error', legalBasis: 'Decision 1', effectiveDate },
  }) as CitizenEvent;

describe('CorrectRecord', () => {
  it('corrects the ethnicity: one event, valid from the date of birth', () => {
    given([born()])
      .when(correct('ethnicity', 'Tày'))
      .then([corrected('ethnicity', 'Kinh', 'Tày')]);
  });

  it('corrects the day of birth without touching the PIN (same year)', () => {
    given([born()])
      .when(correct('dateOfBirth', '1990-02-01'))
      .then([corrected('dateOfBirth', '1990-01-15', '1990-02-01', '1990-02-01')]);
  });

  it('re-establishes the PIN when the sex changes: province kept, new sex digit, the given six digits', () => {
    given([born()])
      .when(correct('sex', 'female'))
      .then([
        corrected('sex', 'male', 'female'),
        {
          type: 'PinReestablished',
          data: { pin: PIN, newPin: '001190777777', correctedField: 'sex', effectiveDate: '1990-01-15' },
        },
      ]);
  });

  it('re-establishes the PIN when the birth year changes', () => {
    given([born()])
      .when(correct('dateOfBirth', '2001-01-15'))
      .then([
        corrected('dateOfBirth', '1990-01-15', '2001-01-15', '2001-01-15'),
        {
          type: 'PinReestablished',
          data: { pin: PIN, newPin: '001201777777', correctedField: 'dateOfBirth', effectiveDate: '2001-01-15' },
        },
      ]);
  });

  it('is accepted after death', () => {
    given([born(), died('2020-01-01')])
      .when(correct('placeOfBirth', place('079')))
      .then([corrected('placeOfBirth', place(), place('079'))]);
  });

  it.each([
    [
      'a value equal to the recorded one',
      [born()],
      correct('ethnicity', 'Kinh'),
      CorrectionChangesNothing,
      'CORRECTION_CHANGES_NOTHING',
    ],
    [
      'a birth date in the future',
      [born()],
      correct('dateOfBirth', '2027-01-01'),
      BirthDateInFuture,
      'BIRTH_DATE_IN_FUTURE',
    ],
    [
      'a birth date after the death',
      [born(), died('2020-01-01')],
      correct('dateOfBirth', '2020-06-01'),
      DeathBeforeBirth,
      'DEATH_BEFORE_BIRTH',
    ],
    [
      'a stream closed by a re-established PIN',
      [
        born(),
        {
          type: 'PinReestablished',
          data: { pin: PIN, newPin: '001190777777', correctedField: 'sex', effectiveDate: '1990-01-15' },
        },
      ],
      correct('ethnicity', 'Tày'),
      PinWasReestablished,
      'PIN_REPLACED',
    ],
  ] as const)('refuses %s', (_, events, command, error, code) => {
    given([...events] as CitizenEvent[])
      .when(command)
      .thenThrows(error, code);
  });

  it('continues the citizen under the new PIN with the corrected record', () => {
    const state = record([born()]);
    const closed = afterCorrection(state, [
      corrected('sex', 'male', 'female') as never,
      {
        type: 'PinReestablished',
        data: { pin: PIN, newPin: '001190777777', correctedField: 'sex', effectiveDate: '1990-01-15' },
      },
    ]);
    const continued = continueCitizen(closed);
    expect(continued.data).toMatchObject({
      pin: '001190777777',
      previousPin: PIN,
      record: { sex: 'female', dateOfBirth: '1990-01-15' },
    });
    expect(foldCitizen([continued])).toMatchObject({ pin: '001190777777', sex: 'female', reestablishedAs: null });
  });
});

describe('CorrectRecord naming a name change (corrects)', () => {
  const CHANGE = '33333333-3333-4333-8333-333333333333';
  const misspelt: PersonName = { familyName: 'Nguyễn', middleName: 'Văn', givenName: 'Bìhn' };
  const right: PersonName = { ...misspelt, givenName: 'Bình' };
  const renamed: CitizenEvent = {
    type: 'NameChanged',
    eventId: CHANGE,
    data: {
      pin: PIN,
      previousName: { ...misspelt, givenName: 'An' },
      name: misspelt,
      effectiveDate: '2020-01-01',
      reason: 'request',
    },
  };
  const correctChange = (field: string, value: unknown, found = true): CitizenCommand =>
    ({
      type: 'CorrectRecord',
      data: {
        ...{ field, value, reason: 'Clerical error', legalBasis: 'Decision 1', uniqueDigits: '777777' },
        corrects: { eventId: CHANGE, found },
      },
    }) as CitizenCommand;

  it('records which change it corrects, with that change as the old value and its date as valid time', () => {
    given([born(), renamed])
      .when(correctChange('name', right))
      .then([
        {
          type: 'RecordCorrected',
          data: {
            ...{ pin: PIN, field: 'name', oldValue: misspelt, newValue: right, reason: 'Clerical error' },
            ...{ legalBasis: 'Decision 1', effectiveDate: '2020-01-01', correctedEventId: CHANGE },
          },
        },
      ]);
  });

  it('refuses an event that is not a fact of the field, and an id the record does not hold', () => {
    given([born(), renamed])
      .when(correctChange('ethnicity', 'Tày'))
      .thenThrows(CorrectedEventNotOfField, 'CORRECTED_EVENT_NOT_OF_FIELD');
    given([born()])
      .when(correctChange('name', right, true))
      .thenThrows(CorrectedEventNotOfField, 'CORRECTED_EVENT_NOT_OF_FIELD');
    given([born()])
      .when(correctChange('name', right, false))
      .thenThrows(CorrectedEventNotFound, 'CORRECTED_EVENT_NOT_FOUND');
    given([born(), renamed])
      .when(correctChange('name', misspelt))
      .thenThrows(CorrectionChangesNothing, 'CORRECTION_CHANGES_NOTHING');
  });
});

describe('ChangeName', () => {
  const newName: PersonName = { familyName: 'Trần', middleName: null, givenName: 'Bình' };
  const changeName = (name = newName, effectiveDate = '2020-01-01'): CitizenCommand => ({
    type: 'ChangeName',
    data: { name, effectiveDate, reason: 'Decision' },
  });

  it('records the new name from its date, keeping the previous one', () => {
    given([born()])
      .when(changeName())
      .then([
        {
          type: 'NameChanged',
          data: {
            pin: PIN,
            previousName: born().data.name,
            name: newName,
            effectiveDate: '2020-01-01',
            reason: 'Decision',
          },
        },
      ]);
  });

  it('refuses the current name (NAME_UNCHANGED) and a deceased citizen (CITIZEN_DECEASED)', () => {
    given([born()]).when(changeName(born().data.name)).thenThrows(NameUnchanged, 'NAME_UNCHANGED');
    given([born(), died('2019-01-01')])
      .when(changeName())
      .thenThrows(CitizenDeceased, 'CITIZEN_DECEASED');
  });
});

describe('CorrectRecord: death facts and the rules they take part in', () => {
  it('corrects the date and the place of death of a deceased citizen', () => {
    given([born(), died('2024-05-01')])
      .when(correct('dateOfDeath', '2024-04-30'))
      .then([corrected('dateOfDeath', '2024-05-01', '2024-04-30')]);
    given([born(), died('2024-05-01')])
      .when(correct('placeOfDeath', place('079')))
      .then([corrected('placeOfDeath', place('001'), place('079'))]);
  });

  it('refuses a death correction for a living citizen with CITIZEN_NOT_DECEASED', () => {
    given([born()]).when(correct('dateOfDeath', '2024-04-30')).thenThrows(CitizenNotDeceased, 'CITIZEN_NOT_DECEASED');
  });

  it('refuses a date of death corrected to before the birth, or to the future', () => {
    given([born(), died('2024-05-01')])
      .when(correct('dateOfDeath', '1989-01-01'))
      .thenThrows(DeathBeforeBirth, 'DEATH_BEFORE_BIRTH');
    given([born(), died('2024-05-01')])
      .when(correct('dateOfDeath', '2026-03-16'))
      .thenThrows(DeathDateInFuture, 'DEATH_DATE_IN_FUTURE');
  });

  it('refuses a date of birth corrected outside the years a PIN can encode', () => {
    given([born()])
      .when(correct('dateOfBirth', '1899-12-31'))
      .thenThrows(BirthYearOutOfRange, 'BIRTH_YEAR_OUT_OF_RANGE');
  });

  const MOTHER = '001165000001';
  const mother = record([born({ pin: MOTHER, sex: 'female', dateOfBirth: '1965-01-01' })]);
  const withRelatives = (field: string, value: unknown, relatives: object): CitizenCommand =>
    ({ ...correct(field, value), data: { ...correct(field, value).data, relatives } }) as CitizenCommand;

  it('refuses a child corrected to be born before its mother', () => {
    given([born({ motherPin: MOTHER })])
      .when(withRelatives('dateOfBirth', '1964-06-01', { mother, children: [] }))
      .thenThrows(ParentBornAfterChild, 'PARENT_BORN_AFTER_CHILD');
  });

  it('refuses a father corrected to have died more than 300 days before a child was born', () => {
    const child = record([born({ pin: '001210000042', dateOfBirth: '2010-01-01', fatherPin: PIN })]);
    const events = [born(), died('2024-05-01')];
    given(events)
      .when(withRelatives('dateOfDeath', '2008-01-01', { children: [child] }))
      .thenThrows(CorrectionConflictsWithChild, 'CORRECTION_CONFLICTS_WITH_CHILD');
    given(events)
      .when(withRelatives('dateOfDeath', '2009-12-01', { children: [child] }))
      .then([corrected('dateOfDeath', '2024-05-01', '2009-12-01')]);
  });

  it('refuses a parent corrected to be born after a child', () => {
    const child = record([born({ pin: '001200000042', dateOfBirth: '2000-01-01', fatherPin: PIN })]);
    given([born()])
      .when(withRelatives('dateOfBirth', '2001-01-01', { children: [child] }))
      .thenThrows(CorrectionConflictsWithChild, 'CORRECTION_CONFLICTS_WITH_CHILD');
  });
});
