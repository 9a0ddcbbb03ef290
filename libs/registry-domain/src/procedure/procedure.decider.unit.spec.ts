import type { ProcedureCommand } from './procedure.commands';
import { decideProcedure } from './procedure.decider';
import type { ProcedureEvent } from './procedure.events';
import { foldProcedure, isOverdue } from './procedure.state';

const address = { provinceCode: '001', communeCode: null, line: '12 Phố Huế' };
const start = (kind: 'birth' | 'death', dateOfBirth = '2026-11-20'): ProcedureCommand => ({
  type: 'StartProcedure',
  data: {
    procedureId: 'p-1',
    kind,
    pin: '001226000001',
    provinceCode: '001',
    startedOn: '2026-11-27',
    application: {
      name: { familyName: 'Nguyễn', middleName: null, givenName: 'An' },
      address: kind === 'birth' ? address : null,
      dateOfBirth,
      dateOfDeath: null,
      motherPin: null,
    },
    startedBy: 'event-1',
  },
});

/** Runs commands in order, each on the state folded from the events so far; returns all events. */
function run(...commands: ProcedureCommand[]): ProcedureEvent[] {
  return commands.reduce<ProcedureEvent[]>(
    (events, command) => [...events, ...decideProcedure(command, foldProcedure(events))],
    [],
  );
}

const residenceDone: ProcedureCommand = {
  type: 'RecordStepDone',
  data: { step: 'permanent_residence', outcome: { revision: 1 } },
};
const cardRequested: ProcedureCommand = {
  type: 'RecordServiceRequested',
  data: { step: 'health_insurance_card', requestId: 'r-1', agency: 'vss', kind: 'HEALTH_INSURANCE_CARD' },
};
const reply = (outcome: 'GRANTED' | 'REFUSED', attempt = 1): ProcedureCommand => ({
  type: 'ApplyServiceReply',
  data: {
    requestId: 'r-1',
    attempt,
    outcome,
    reference: outcome === 'GRANTED' ? 'GD4797912345678' : null,
    validUntil: outcome === 'GRANTED' ? '2032-11-19' : null,
    reason: outcome === 'REFUSED' ? 'not insured' : null,
  },
});

describe('birth procedure', () => {
  it('plans residence then card for a child under 6, due 3 working days later (the weekend does not count)', () => {
    const [started] = run(start('birth'));
    expect(started).toMatchObject({
      type: 'ProcedureStarted',
      data: { steps: ['permanent_residence', 'health_insurance_card'], dueBy: '2026-12-02' },
    });
  });

  it('plans no card for a child registered at 6 or older', () => {
    const [started] = run(start('birth', '2020-11-27'));
    expect(started).toMatchObject({ data: { steps: ['permanent_residence'] } });
  });

  it('completes when the card is granted, with the card number on the step', () => {
    const events = run(start('birth'), residenceDone, cardRequested, reply('GRANTED'));
    expect(events.map((event) => event.type)).toEqual([
      'ProcedureStarted',
      'ProcedureStepDone',
      'ServiceRequested',
      'ServiceReplyApplied',
      'ProcedureStepDone',
      'ProcedureCompleted',
    ]);
    const procedure = foldProcedure(events);
    expect(procedure?.status).toBe('completed');
    expect(procedure?.steps[1].outcome).toEqual({ cardNumber: 'GD4797912345678', validUntil: '2032-11-19' });
  });

  it('applies a reply once however often it is delivered', () => {
    const once = run(start('birth'), residenceDone, cardRequested, reply('GRANTED'));
    expect(run(start('birth'), residenceDone, cardRequested, reply('GRANTED'), reply('GRANTED'))).toEqual(once);
  });

  it('records each step and request once when the runner repeats itself after a crash', () => {
    const once = run(start('birth'), residenceDone, cardRequested);
    expect(run(start('birth'), start('birth'), residenceDone, residenceDone, cardRequested, cardRequested)).toEqual(
      once,
    );
  });

  it('needs attention after a refusal; a retry asks again with the same request id, and a stale reply is skipped', () => {
    const refused = run(start('birth'), residenceDone, cardRequested, reply('REFUSED'));
    expect(foldProcedure(refused)).toMatchObject({ status: 'needs_attention', reason: 'not insured' });
    const events = run(
      start('birth'),
      residenceDone,
      cardRequested,
      reply('REFUSED'),
      { type: 'RetryProcedure', data: {} },
      cardRequested,
      reply('REFUSED', 1),
      reply('GRANTED', 2),
    );
    const retried = events.slice(refused.length);
    expect(retried.map((event) => event.type)).toEqual([
      'ProcedureRetried',
      'ServiceRequested',
      'ServiceReplyApplied',
      'ProcedureStepDone',
      'ProcedureCompleted',
    ]);
    expect(retried[1]).toMatchObject({ data: { requestId: 'r-1', attempt: 2 } });
  });

  it('refuses a retry of a procedure that does not need attention', () => {
    expect(() => run(start('birth'), { type: 'RetryProcedure', data: {} })).toThrow(
      expect.objectContaining({ code: 'PROCEDURE_NOT_RETRYABLE' }),
    );
  });

  it('refuses a reply to a request no step sent (the runner logs and skips it)', () => {
    expect(() => run(start('birth'), reply('GRANTED'))).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_SERVICE_REQUEST' }),
    );
  });

  it('a step that keeps failing waits for a person', () => {
    const events = run(start('birth'), {
      type: 'RecordStepFailure',
      data: { step: 'permanent_residence', reason: 'CITIZEN_DECEASED' },
    });
    expect(foldProcedure(events)).toMatchObject({
      status: 'needs_attention',
      reason: 'CITIZEN_DECEASED',
      steps: [{ status: 'failed' }, { status: 'pending' }],
    });
  });
});

describe('death procedure', () => {
  it('cancels the residence then asks for the funeral allowance; an annulment compensates what was done, last first', () => {
    const events = run(
      start('death', '1940-01-01'),
      { type: 'RecordStepDone', data: { step: 'residence_cancellation', outcome: { revision: 4 } } },
      {
        type: 'RecordServiceRequested',
        data: { step: 'funeral_allowance', requestId: 'r-1', agency: 'vss', kind: 'FUNERAL_ALLOWANCE' },
      },
      { type: 'CancelProcedure', data: { reason: 'death annulled' } },
      { type: 'CancelProcedure', data: { reason: 'death annulled' } },
    );
    expect(events.slice(3).map((event) => [event.type, 'step' in event.data ? event.data.step : null])).toEqual([
      ['ProcedureStepCompensated', 'funeral_allowance'],
      ['ProcedureStepCompensated', 'residence_cancellation'],
      ['ProcedureCancelled', null],
    ]);
    expect(foldProcedure(events)?.status).toBe('cancelled');
  });
});

describe('overdue', () => {
  it('is overdue only after the due day and only while unfinished', () => {
    const procedure = foldProcedure(run(start('birth')))!;
    expect(isOverdue(procedure, '2026-12-02')).toBe(false);
    expect(isOverdue(procedure, '2026-12-03')).toBe(true);
    expect(isOverdue({ ...procedure, status: 'completed' }, '2026-12-03')).toBe(false);
  });
});
