import { sampleDates, MAX_POINTS } from '../src/dates';
import { codeAnsweringFor, mergedInto } from '../src/provinces';
import { knownAtStops, knownEventsAlongValidTime, type TimelineEvent } from '../src/timeline';

function event(revision: number, effectiveAt: string, recordedAt: string, type = 'X'): TimelineEvent {
  return {
    pin: '001190000001',
    eventId: `e${revision}`,
    type,
    revision,
    effectiveAt,
    recordedAt,
    actor: { sub: 'officer', office: '001' },
    data: {},
  };
}

describe('"known at" stops', () => {
  const birth = event(0, '1990-04-01', '2024-03-10T09:00:00.000Z', 'BirthRegistered');
  const move = event(1, '2015-06-01', '2024-09-02T10:00:00.000Z', 'PermanentResidenceRegistered');
  const correction = event(2, '1990-04-11', '2025-02-01T08:00:00.000Z', 'RecordCorrected');

  it('has one stop per recording, asking halfway to the next one, and "now" last', () => {
    const stops = knownAtStops([birth, move, correction]);
    expect(stops.map((s) => s.knownAt)).toEqual(['2024-06-06T09:30:00.000Z', '2024-11-17T09:00:00.000Z', undefined]);
    expect(stops.map((s) => s.lastEvent.type)).toEqual([
      'BirthRegistered',
      'PermanentResidenceRegistered',
      'RecordCorrected',
    ]);
  });

  it('joins events recorded at the same instant into one stop', () => {
    const sameInstant = event(1, '2000-01-01', birth.recordedAt);
    const stops = knownAtStops([birth, sameInstant, move]);
    expect(stops).toHaveLength(2);
    expect(stops[0].lastEvent).toBe(sameInstant);
  });

  it('shows only what was recorded by the stop, along valid time', () => {
    const stops = knownAtStops([birth, move, correction]);
    expect(knownEventsAlongValidTime([birth, move, correction], stops[1]).map((e) => e.revision)).toEqual([0, 1]);
    expect(knownEventsAlongValidTime([birth, move, correction], stops[2]).map((e) => e.revision)).toEqual([0, 2, 1]);
  });
  it('keeps the chain order among events of one valid date', () => {
    const continued = event(3, '1990-04-01', '2025-02-01T07:59:59.000Z', 'CitizenContinued');
    const reestablished = event(2, '1990-04-01', '2025-02-01T08:00:00.000Z', 'PinReestablished');
    const stops = knownAtStops([birth, reestablished, continued]);
    const shown = knownEventsAlongValidTime([birth, reestablished, continued], stops.at(-1)!);
    expect(shown.map((e) => e.type)).toEqual(['BirthRegistered', 'PinReestablished', 'CitizenContinued']);
  });
});

describe('dates of a chart', () => {
  it('steps by months from the first date, keeping its day where the month has it', () => {
    expect(sampleDates('2024-01-31', '2024-05-01', 1)).toEqual([
      '2024-01-31',
      '2024-02-29',
      '2024-03-31',
      '2024-04-30',
    ]);
    expect(sampleDates('2018-01-01', '2026-01-01', 12)).toHaveLength(9);
    expect(sampleDates('2024-02-01', '2024-01-01', 1)).toEqual([]);
  });

  it(`stops at ${MAX_POINTS} dates`, () => {
    expect(sampleDates('1900-01-01', '2026-01-01', 1)).toHaveLength(MAX_POINTS);
  });
});

describe('provinces merged in 2025', () => {
  it('answer under their own code to their last day and within their successor after it', () => {
    expect(codeAnsweringFor('030', '2025-06-30')).toBe('030');
    expect(codeAnsweringFor('030', '2025-07-01')).toBe('031');
    expect(codeAnsweringFor('031', '2025-07-01')).toBe('031');
    expect(mergedInto('031').map((p) => p.code)).toEqual(['030']);
  });
});
