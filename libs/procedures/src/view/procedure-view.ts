import { civilDateIn } from '@registry/app';
import { evolveProcedure, isOverdue, type Procedure, type ProcedureEvent, type ProcedureState } from '@registry/domain';
import type { RecordedEvent } from '@registry/event-store';

/** `GET /v1/procedures/{id}` (API.md, Procedures). */
export interface ProcedureAnswer {
  readonly id: string;
  readonly kind: Procedure['kind'];
  readonly pin: string;
  readonly provinceCode: string;
  readonly status: Procedure['status'];
  readonly startedAt: string;
  readonly dueBy: string;
  readonly overdue: boolean;
  readonly reason: string | null;
  readonly revision: number;
  readonly steps: readonly {
    readonly name: string;
    readonly status: string;
    readonly at: string | null;
    readonly attempts: number;
    readonly outcome: Readonly<Record<string, unknown>> | null;
  }[];
}

/**
 * Folds the procedure's stream, keeping when each step last changed (the store's recorded time:
 * the procedure's history is its timeline). Null for a stream without a procedure.
 */
export function procedureAnswer(events: readonly RecordedEvent[], now: Date): ProcedureAnswer | null {
  let state: ProcedureState = null;
  const changedAt = new Map<string, Date>();
  for (const recorded of events) {
    const event = { type: recorded.type, data: recorded.data } as unknown as ProcedureEvent;
    state = evolveProcedure(state, event);
    const step = (recorded.data as { step?: string }).step;
    if (step) changedAt.set(step, recorded.recordedAt);
  }
  const procedure: Procedure | null = state;
  if (!procedure) return null;
  return {
    id: procedure.id,
    kind: procedure.kind,
    pin: procedure.pin,
    provinceCode: procedure.provinceCode,
    status: procedure.status,
    startedAt: events[0].recordedAt.toISOString(),
    dueBy: procedure.dueBy,
    overdue: isOverdue(procedure, civilDateIn(now)),
    reason: procedure.reason,
    revision: events.length - 1,
    steps: procedure.steps.map((step) => ({
      name: step.name,
      status: step.status,
      at: changedAt.get(step.name)?.toISOString() ?? null,
      attempts: changedAt.has(step.name) ? step.attempt : 0,
      outcome: step.outcome ?? (step.status === 'failed' ? { reason: procedure.reason } : null),
    })),
  };
}
