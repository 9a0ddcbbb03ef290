import { ageOn } from '../calendar/calendar';
import { addWorkingDays } from '../calendar/working-days';
import { ProcedureNotFound, ProcedureNotRetryable, UnknownServiceRequest } from '../errors';
import type { ProcedureCommand, StartProcedure } from './procedure.commands';
import type { ProcedureEvent, ProcedureStepName } from './procedure.events';
import {
  currentStep,
  evolveProcedure,
  initialProcedureState,
  type Procedure,
  type ProcedureState,
} from './procedure.state';

/** Decree 63/2024: a linked procedure is answered within 3 working days. */
export const PROCEDURE_WORKING_DAYS = 3;
/** A child gets the health insurance card with the birth while under 6 (Law on Health Insurance). */
const INSURED_CHILD_AGE = 6;

/**
 * Every command is idempotent: a step already recorded, a request already sent for this attempt or
 * a reply already applied decides nothing, so the runner may repeat any step after a crash.
 */
export function decideProcedure(command: ProcedureCommand, state: ProcedureState): ProcedureEvent[] {
  if (command.type === 'StartProcedure') return state ? [] : [started(command)];
  if (state === null) throw new ProcedureNotFound('(not started)');
  switch (command.type) {
    case 'RecordStepDone':
      return stepDone(state, command.data.step, command.data.outcome);
    case 'RecordServiceRequested': {
      const step = state.steps.find((candidate) => candidate.name === command.data.step);
      if (!step || step.status !== 'pending' || step.requestedAttempt >= step.attempt) return [];
      return [{ type: 'ServiceRequested', data: { ...command.data, attempt: step.attempt } }];
    }
    case 'ApplyServiceReply':
      return applyReply(state, command.data);
    case 'RecordStepFailure': {
      const step = currentStep(state);
      if (state.status !== 'running' || step?.name !== command.data.step) return [];
      return [{ type: 'ProcedureStepFailed', data: command.data }];
    }
    case 'RetryProcedure': {
      const step = currentStep(state);
      if (state.status !== 'needs_attention' || !step) throw new ProcedureNotRetryable(state.id, state.status);
      return [{ type: 'ProcedureRetried', data: { step: step.name } }];
    }
    case 'CancelProcedure':
      return cancel(state, command.data.reason);
    default: {
      const unknown: never = command;
      throw new Error(`Unhandled procedure command ${JSON.stringify(unknown)}`);
    }
  }
}

export const procedureDecider = {
  decide: decideProcedure,
  evolve: evolveProcedure,
  initialState: initialProcedureState,
};

function started({ data }: StartProcedure): ProcedureEvent {
  const steps: ProcedureStepName[] =
    data.kind === 'birth'
      ? [
          'permanent_residence',
          ...(ageOn(data.application.dateOfBirth, data.startedOn) < INSURED_CHILD_AGE
            ? (['health_insurance_card'] as const)
            : []),
        ]
      : ['residence_cancellation', 'funeral_allowance'];
  const dueBy = addWorkingDays(data.startedOn, PROCEDURE_WORKING_DAYS);
  return { type: 'ProcedureStarted', data: { ...data, dueBy, steps } };
}

function stepDone(
  procedure: Procedure,
  name: ProcedureStepName,
  outcome: Readonly<Record<string, unknown>>,
): ProcedureEvent[] {
  const step = currentStep(procedure);
  if (procedure.status !== 'running' || step?.name !== name) return [];
  const done: ProcedureEvent = { type: 'ProcedureStepDone', data: { step: name, outcome } };
  const last = procedure.steps[procedure.steps.length - 1].name === name;
  return last ? [done, { type: 'ProcedureCompleted', data: {} }] : [done];
}

function applyReply(
  procedure: Procedure,
  reply: Extract<ProcedureCommand, { type: 'ApplyServiceReply' }>['data'],
): ProcedureEvent[] {
  const step = procedure.steps.find((candidate) => candidate.request?.requestId === reply.requestId);
  if (!step) throw new UnknownServiceRequest(reply.requestId);
  // A duplicate, or a reply to an attempt before a retry: applied once, for the attempt awaited.
  const awaited = procedure.status === 'running' && step.status === 'pending' && step.requestedAttempt === step.attempt;
  if (!awaited || reply.attempt !== step.attempt) return [];
  const applied: ProcedureEvent = { type: 'ServiceReplyApplied', data: { step: step.name, ...reply } };
  if (reply.outcome === 'REFUSED') {
    const reason = reply.reason ?? 'refused by the agency';
    return [applied, { type: 'ProcedureStepFailed', data: { step: step.name, reason } }];
  }
  const outcome = grantedOutcome(step.name, reply.reference, reply.validUntil);
  return [applied, ...stepDone(procedure, step.name, outcome)];
}

function grantedOutcome(step: ProcedureStepName, reference: string | null, validUntil: string | null) {
  return step === 'health_insurance_card' ? { cardNumber: reference, validUntil } : { decisionNumber: reference };
}

function cancel(procedure: Procedure, reason: string): ProcedureEvent[] {
  if (procedure.status === 'cancelled') return [];
  const undone: ProcedureEvent[] = procedure.steps
    .filter((step) => step.status === 'done' || step.request !== null)
    .reverse()
    .map((step) => ({ type: 'ProcedureStepCompensated', data: { step: step.name, outcome: { reason } } }));
  return [...undone, { type: 'ProcedureCancelled', data: { reason } }];
}
