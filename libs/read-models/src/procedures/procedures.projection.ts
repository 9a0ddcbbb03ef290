import type { PoolClient } from 'pg';
import type { RecordedEvent } from '@registry/event-store';
import { procedureIdOfStream, type ProcedureEvent, type ProcedureStarted } from '@registry/domain';
import { tableName, type Projection, type TableSet } from '../projection/projection';

/** The list of procedures for supervisors: status and deadline, changed by the procedures' own events. */
export const proceduresProjection: Projection = {
  name: 'procedures',
  tables: ['procedures'],
  schema: { create: 'create_procedure_tables', index: 'index_procedure_tables' },
  rebuildCost: 0.2, // % of the one-thread rebuild's CPU profile (ADR 0110)
  project: projectProcedures,
};

type Change = { readonly start: RecordedEvent } | { readonly status: string };

/**
 * One statement for the batch's new procedures and one for the status changes (each procedure's
 * last): a procedure's start is its stream's first event, so no change of the batch precedes it.
 */
async function projectProcedures(tx: PoolClient, events: readonly RecordedEvent[], target: TableSet): Promise<void> {
  const table = tableName('procedures', target);
  const starts: object[] = [];
  const statuses = new Map<string, string>();
  for (const event of events) {
    const id = procedureIdOfStream(event.streamId);
    const change = id === undefined ? undefined : changeOf(event);
    if (id === undefined || change === undefined) continue;
    if ('start' in change) {
      const data = event.data as unknown as ProcedureStarted['data'];
      starts.push({
        id,
        kind: data.kind,
        pin: data.pin,
        province_code: data.provinceCode,
        started_at: event.recordedAt,
        due_by: data.dueBy,
      });
    } else statuses.set(id, change.status);
  }
  if (starts.length > 0) {
    await tx.query(
      `INSERT INTO ${table} (id, kind, pin, province_code, status, started_at, due_by)
       SELECT id, kind, pin, province_code, 'running', started_at, due_by FROM json_to_recordset($1::json)
              AS r(id text, kind text, pin text, province_code text, started_at timestamptz, due_by date)
       ON CONFLICT (id) DO NOTHING`,
      [JSON.stringify(starts)],
    );
  }
  if (statuses.size > 0) {
    await tx.query(
      `UPDATE ${table} AS p SET status = u.status FROM unnest($1::text[], $2::text[]) AS u(id, status) WHERE p.id = u.id`,
      [[...statuses.keys()], [...statuses.values()]],
    );
  }
}

function changeOf(recorded: RecordedEvent): Change | undefined {
  const event = { type: recorded.type, data: recorded.data } as unknown as ProcedureEvent;
  switch (event.type) {
    case 'ProcedureStarted':
      return { start: recorded };
    case 'ProcedureStepFailed':
      return { status: 'needs_attention' };
    case 'ProcedureRetried':
      return { status: 'running' };
    case 'ProcedureCompleted':
      return { status: 'completed' };
    case 'ProcedureCancelled':
      return { status: 'cancelled' };
    case 'ProcedureStepDone':
    case 'ServiceRequested':
    case 'ServiceReplyApplied':
    case 'ProcedureStepCompensated':
      return undefined;
    default:
      return undefined; // a citizen's event, or a type this version does not know
  }
}
