import type { CivilDate } from '../calendar/calendar';
import type { Pin } from '../pin/pin';
import type { ProcedureApplication, ProcedureKind, ProcedureStepName, ServiceKind } from './procedure.events';

export interface StartProcedure {
  readonly type: 'StartProcedure';
  readonly data: {
    readonly procedureId: string;
    readonly kind: ProcedureKind;
    readonly pin: Pin;
    readonly provinceCode: string;
    readonly startedOn: CivilDate;
    readonly application: ProcedureApplication;
    readonly startedBy: string;
  };
}

export interface RecordStepDone {
  readonly type: 'RecordStepDone';
  readonly data: { readonly step: ProcedureStepName; readonly outcome: Readonly<Record<string, unknown>> };
}

export interface RecordServiceRequested {
  readonly type: 'RecordServiceRequested';
  readonly data: {
    readonly step: ProcedureStepName;
    readonly requestId: string;
    readonly agency: string;
    readonly kind: ServiceKind;
  };
}

export interface ApplyServiceReply {
  readonly type: 'ApplyServiceReply';
  readonly data: {
    readonly requestId: string;
    readonly attempt: number;
    readonly outcome: 'GRANTED' | 'REFUSED';
    readonly reference: string | null;
    readonly validUntil: CivilDate | null;
    readonly reason: string | null;
  };
}

export interface RecordStepFailure {
  readonly type: 'RecordStepFailure';
  readonly data: { readonly step: ProcedureStepName; readonly reason: string };
}

export interface RetryProcedure {
  readonly type: 'RetryProcedure';
  readonly data: Record<string, never>;
}

export interface CancelProcedure {
  readonly type: 'CancelProcedure';
  readonly data: { readonly reason: string };
}

export type ProcedureCommand =
  | StartProcedure
  | RecordStepDone
  | RecordServiceRequested
  | ApplyServiceReply
  | RecordStepFailure
  | RetryProcedure
  | CancelProcedure;
