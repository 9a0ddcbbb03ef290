import type { CivilDate } from '../calendar/calendar';
import type { Address, PersonName } from '../citizen/citizen.events';
import type { Pin } from '../pin/pin';

/** The linked procedures of Decree 63/2024 that the registry runs. */
export type ProcedureKind = 'birth' | 'death';

export type ProcedureStepName =
  'permanent_residence' | 'health_insurance_card' | 'residence_cancellation' | 'funeral_allowance';

/** What the registry asks an agency for (the `kind` of a ServiceRequest). */
export type ServiceKind = 'HEALTH_INSURANCE_CARD' | 'FUNERAL_ALLOWANCE';

/**
 * The facts a procedure works from, copied when it starts: a request re-sent after a crash or a
 * later name change carries exactly what the first one did.
 */
export interface ProcedureApplication {
  readonly name: PersonName;
  /** Birth: the address of the application; death: the permanent residence the death ends. */
  readonly address: Address | null;
  readonly dateOfBirth: CivilDate;
  readonly dateOfDeath: CivilDate | null;
  readonly motherPin: Pin | null;
}

export interface ProcedureStarted {
  readonly type: 'ProcedureStarted';
  readonly data: {
    readonly procedureId: string;
    readonly kind: ProcedureKind;
    readonly pin: Pin;
    /** The province whose office registered the life event: supervisors list procedures by it. */
    readonly provinceCode: string;
    readonly startedOn: CivilDate;
    readonly dueBy: CivilDate;
    readonly steps: readonly ProcedureStepName[];
    readonly application: ProcedureApplication;
    /** The event of the citizen's stream that started the procedure. */
    readonly startedBy: string;
  };
}

export interface ProcedureStepDone {
  readonly type: 'ProcedureStepDone';
  readonly data: { readonly step: ProcedureStepName; readonly outcome: Readonly<Record<string, unknown>> };
}

export interface ServiceRequested {
  readonly type: 'ServiceRequested';
  readonly data: {
    readonly step: ProcedureStepName;
    readonly requestId: string;
    readonly agency: string;
    readonly kind: ServiceKind;
    /** Raised by every retry of the step: a reply to an earlier attempt is stale. */
    readonly attempt: number;
  };
}

export interface ServiceReplyApplied {
  readonly type: 'ServiceReplyApplied';
  readonly data: {
    readonly step: ProcedureStepName;
    readonly requestId: string;
    readonly attempt: number;
    readonly outcome: 'GRANTED' | 'REFUSED';
    readonly reference: string | null;
    readonly validUntil: CivilDate | null;
    readonly reason: string | null;
  };
}

export interface ProcedureStepFailed {
  readonly type: 'ProcedureStepFailed';
  /**
   * A refusal, a broken rule, or a step that kept failing: it waits for a person. Transient failures
   * (a lost connection, a broker away) are retried by the runner and not recorded.
   */
  readonly data: { readonly step: ProcedureStepName; readonly reason: string };
}

export interface ProcedureRetried {
  readonly type: 'ProcedureRetried';
  readonly data: { readonly step: ProcedureStepName };
}

export interface ProcedureCompleted {
  readonly type: 'ProcedureCompleted';
  readonly data: Record<string, never>;
}

/** A step's effect undone because the fact that started the procedure was annulled. */
export interface ProcedureStepCompensated {
  readonly type: 'ProcedureStepCompensated';
  readonly data: { readonly step: ProcedureStepName; readonly outcome: Readonly<Record<string, unknown>> };
}

export interface ProcedureCancelled {
  readonly type: 'ProcedureCancelled';
  readonly data: { readonly reason: string };
}

export type ProcedureEvent =
  | ProcedureStarted
  | ProcedureStepDone
  | ServiceRequested
  | ServiceReplyApplied
  | ProcedureStepFailed
  | ProcedureRetried
  | ProcedureCompleted
  | ProcedureStepCompensated
  | ProcedureCancelled;
