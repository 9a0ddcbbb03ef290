import { randomUUID } from 'node:crypto';
import {
  decideProcedure,
  foldProcedure,
  procedureStream,
  type ProcedureCommand,
  type ProcedureEvent,
} from '@registry/domain';
import { useScratchDatabase } from '../test-support/scratch-database';
import { projectPending } from '../test-support/project-pending';
import { listProcedures } from './procedures.query';

const db = useScratchDatabase('procedures');

/** Records a procedure started on `startedOn` in province `provinceCode`, then `more` commands. */
async function procedure(startedOn: string, provinceCode: string, ...more: ProcedureCommand[]): Promise<string> {
  const id = randomUUID();
  const start: ProcedureCommand = {
    type: 'StartProcedure',
    data: {
      procedureId: id,
      kind: 'death',
      pin: '001190000001',
      provinceCode,
      startedOn,
      startedBy: randomUUID(),
      application: {
        name: { familyName: 'Trần', middleName: null, givenName: 'Bình' },
        address: null,
        dateOfBirth: '1950-01-01',
        dateOfDeath: startedOn,
        motherPin: null,
      },
    },
  };
  const events = [start, ...more].reduce<ProcedureEvent[]>(
    (sofar, command) => [...sofar, ...decideProcedure(command, foldProcedure(sofar))],
    [],
  );
  const toAppend = events.map((event) => ({
    eventId: randomUUID(),
    type: event.type,
    data: { ...event.data },
    metadata: {},
  }));
  const { position } = await db().store.append(procedureStream(id), toAppend, 'no_stream');
  await projectPending(db().pool, db().store, { until: position });
  return id;
}

const failure: ProcedureCommand = { type: 'RecordStepFailure', data: { step: 'residence_cancellation', reason: 'X' } };

describe('the supervisors list of procedures', () => {
  it('is overdue the working day after the third, and only while unfinished (clock injected)', async () => {
    // Friday 27 November 2026: due Wednesday 2 December (the weekend does not count).
    const late = await procedure('2026-11-27', '010');
    const listed = (today: string) =>
      listProcedures(db().pool, { provinceCode: '010', overdue: true, today, limit: 20 }).then((page) =>
        page.items.map((item) => item.id),
      );
    expect(await listed('2026-12-02')).toEqual([]);
    expect(await listed('2026-12-03')).toEqual([late]);
    const page = await listProcedures(db().pool, { provinceCode: '010', today: '2026-12-03', limit: 20 });
    expect(page.items[0]).toMatchObject({ id: late, dueBy: '2026-12-02', overdue: true, status: 'running' });
  });

  it('filters by status and province, newest first, page by page', async () => {
    const first = await procedure('2026-11-02', '020', failure);
    const second = await procedure('2026-11-03', '020', failure);
    await procedure('2026-11-04', '020');
    await procedure('2026-11-04', '030', failure);
    const page1 = await listProcedures(db().pool, {
      status: 'needs_attention',
      provinceCode: '020',
      today: '2026-11-05',
      limit: 1,
    });
    expect(page1.items.map((item) => item.id)).toEqual([second]);
    const page2 = await listProcedures(db().pool, {
      status: 'needs_attention',
      provinceCode: '020',
      today: '2026-11-05',
      limit: 1,
      cursor: page1.nextCursor!,
    });
    expect(page2.items.map((item) => item.id)).toEqual([first]);
    expect(page2.nextCursor).toBeNull();
  });
});
