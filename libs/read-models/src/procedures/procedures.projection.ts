import type { PoolClient } from 'pg';
import type { RecordedEvent } from '@registry/event-store';
import { procedureIdOfStream, type ProcedureEvent, type ProcedureStarted } from '@registry/domain';
import { tableName, type Projection, type TableSet } from '../projection/projection';

/** The list of procedures for supervisors: status and deadline, changed by the procedures' own events. */
export const proceduresProjection: Projection = {
  name: 'procedures',
  tables: ['procedures'],
  schema: { create: 'create_procedure_tables', index: 'index_procedure_tables' },
  project: projectProcedures,
};

type Change = { readonly start: RecordedEvent } | { readonly status: string };

async function projectProcedures(tx: PoolClient, events: readonly RecordedEvent[], target: TableSet): Promise<void> {
  const table = tableName('procedures', target);
  for (const event of events) {
    const id = procedureIdOfStream(event.streamId);
    const change = id === undefined ? undefined : changeOf(event);
    if (id === undefined || change === undefined) continue;
    if ('start' in change) {
      const data = event.data as unknown as ProcedureStarted['data'];
      await tx.query(
        `INSERT INTO ${table} (id, kind, pin, province_code, status, started_at, due_by)
         VALUES ($1, $2, $3, $4, 'running', $5, $6) ON CONFLICT (id) DO NOTHING`,
        [id, data.kind, data.pin, data.provinceCode, event.recordedAt, data.dueBy],
      );
    } else {
      await tx.query(`UPDATE ${table} SET status = $2 WHERE id = $1`, [id, change.status]);
    }
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
