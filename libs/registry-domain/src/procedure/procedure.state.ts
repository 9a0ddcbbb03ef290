import type { CivilDate } from '../calendar/calendar';
import type { Pin } from '../pin/pin';
import type {
  ProcedureApplication,
  ProcedureEvent,
  ProcedureKind,
  ProcedureStepName,
  ServiceKind,
} from './procedure.events';

export type ProcedureStatus = 'running' | 'completed' | 'needs_attention' | 'cancelled';
export type ProcedureStepStatus = 'pending' | 'done' | 'failed' | 'compensated';

export interface ProcedureStep {
  readonly name: ProcedureStepName;
  readonly status: ProcedureStepStatus;
  /** How many times the step was tried: a retry after a failure starts the next attempt. */
  readonly attempt: number;
  /** The request sent to the agency for the current attempt, if the step asks one. */
  readonly request: { readonly requestId: string; readonly agency: string; readonly kind: ServiceKind } | null;
  readonly requestedAttempt: number;
  readonly outcome: Readonly<Record<string, unknown>> | null;
}

export interface Procedure {
  readonly id: string;
  readonly kind: ProcedureKind;
  readonly pin: Pin;
  readonly provinceCode: string;
  readonly status: ProcedureStatus;
  readonly startedOn: CivilDate;
  readonly dueBy: CivilDate;
  readonly application: ProcedureApplication;
  readonly startedBy: string;
  readonly steps: readonly ProcedureStep[];
  /** Why the procedure waits for a person, or why it was cancelled. */
  readonly reason: string | null;
}

export type ProcedureState = Procedure | null;

export function initialProcedureState(): ProcedureState {
  return null;
}

export function evolveProcedure(state: ProcedureState, event: ProcedureEvent): ProcedureState {
  if (event.type === 'ProcedureStarted') return startedProcedure(event.data);
  if (state === null) return state; // a procedure stream always starts with ProcedureStarted
  switch (event.type) {
    case 'ProcedureStepDone':
      return withStep(state, event.data.step, { status: 'done', outcome: event.data.outcome });
    case 'ServiceRequested': {
      const { step, requestId, agency, kind, attempt } = event.data;
      return withStep(state, step, { request: { requestId, agency, kind }, requestedAttempt: attempt });
    }
    case 'ServiceReplyApplied':
      return state; // its effect is the ProcedureStepDone or ProcedureStepFailed recorded with it
    case 'ProcedureStepFailed':
      return {
        ...withStep(state, event.data.step, { status: 'failed' }),
        status: 'needs_attention',
        reason: event.data.reason,
      };
    case 'ProcedureRetried': {
      const step = state.steps.find((candidate) => candidate.name === event.data.step);
      const retried = withStep(state, event.data.step, { status: 'pending', attempt: (step?.attempt ?? 0) + 1 });
      return { ...retried, status: 'running', reason: null };
    }
    case 'ProcedureCompleted':
      return { ...state, status: 'completed' };
    case 'ProcedureStepCompensated':
      return withStep(state, event.data.step, { status: 'compensated', outcome: event.data.outcome });
    case 'ProcedureCancelled':
      return { ...state, status: 'cancelled', reason: event.data.reason };
    default: {
      const unknown: never = event;
      throw new Error(`Unhandled procedure event ${JSON.stringify(unknown)}`);
    }
  }
}

export function foldProcedure(events: readonly ProcedureEvent[]): ProcedureState {
  return events.reduce(evolveProcedure, initialProcedureState());
}

function startedProcedure(data: Extract<ProcedureEvent, { type: 'ProcedureStarted' }>['data']): Procedure {
  return {
    id: data.procedureId,
    kind: data.kind,
    pin: data.pin,
    provinceCode: data.provinceCode,
    status: 'running',
    startedOn: data.startedOn,
    dueBy: data.dueBy,
    application: data.application,
    startedBy: data.startedBy,
    steps: data.steps.map((name) => ({
      name,
      status: 'pending',
      attempt: 1,
      request: null,
      requestedAttempt: 0,
      outcome: null,
    })),
    reason: null,
  };
}

function withStep(procedure: Procedure, name: ProcedureStepName, change: Partial<ProcedureStep>): Procedure {
  return { ...procedure, steps: procedure.steps.map((step) => (step.name === name ? { ...step, ...change } : step)) };
}

/** The first step not yet done: the one the procedure works on. */
export function currentStep(procedure: Procedure): ProcedureStep | null {
  return procedure.steps.find((step) => step.status !== 'done' && step.status !== 'compensated') ?? null;
}

/** Past its deadline and not finished (the deadline day itself still counts as in time). */
export function isOverdue(procedure: Procedure, today: CivilDate): boolean {
  return (procedure.status === 'running' || procedure.status === 'needs_attention') && today > procedure.dueBy;
}
