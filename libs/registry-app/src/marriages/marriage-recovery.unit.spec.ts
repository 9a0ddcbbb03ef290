import { citizenStream } from '@registry/domain';
import { InMemoryEventStore } from '@registry/event-store';
import { EventSourcedHandler } from '../command-handling/event-sourced-handler';
import { RegisterBirthCommand, RegisterBirthHandler } from '../births/register-birth.handler';
import { ChildrenIndex } from '../births/children-index';
import { CorrectRecordCommand, CorrectRecordHandler } from '../corrections/correct-record.handler';
import { officerCommand } from '../test-support/command-envelope';
import { birthApplication } from '../test-support/birth-application';
import { citizenStreams } from '../citizens/citizen-streams';
import { MarriageProcess } from './marriage-process';
import { MarriageRecovery } from './marriage-recovery';

/**
 * A married citizen's PIN re-established, and the process stopped right after the correction's
 * appends (before the spouse and the marriage were told): the recovery sweep finishes it from
 * the new stream's CitizenContinued, and a second sweep changes nothing.
 */
describe('MarriageRecovery after a re-established PIN', () => {
  it("brings the marriage's stream and the spouse's record to the new PIN", async () => {
    const store = new InMemoryEventStore();
    const streams = new EventSourcedHandler(store);
    const children = new ChildrenIndex(store, streams);
    const process = new MarriageProcess(streams);
    const births = new RegisterBirthHandler(streams, children);
    const adult = async (sex: 'male' | 'female', dateOfBirth: string) =>
      (await births.execute(new RegisterBirthCommand(birthApplication({ sex, dateOfBirth }), officerCommand()))).id;
    const [husband, wife] = [await adult('male', '1990-01-15'), await adult('female', '1992-02-02')];
    const { marriageId } = await process.register(
      { spouses: [husband, wife], date: '2024-05-20', registrationProvinceCode: '001', certificateNumber: null },
      officerCommand(),
    );

    // The process that corrects stops before following the marriage: a stand-in that does nothing.
    const stopped = Object.assign(Object.create(MarriageProcess.prototype), {
      followReestablishedPin: async () => undefined,
    }) as MarriageProcess;
    const correction = new CorrectRecordCommand(
      husband,
      { field: 'dateOfBirth', value: '1989-01-15', reason: 'wrong year', legalBasis: 'QĐ 1' },
      officerCommand(),
    );
    const { id: newPin } = await new CorrectRecordHandler(streams, children, stopped).execute(correction);
    const wifeTypes = async () => (await store.readStream(citizenStream(wife))).map((e) => e.type);
    expect(await wifeTypes()).not.toContain('SpousePinReestablished');

    const recovery = new MarriageRecovery(store, process, { enabled: true, graceMs: 0, intervalMs: 60_000 });
    await recovery.sweep();
    expect((await streams.load(citizenStreams, wife)).state).toMatchObject({
      maritalStatus: 'married',
      spousePin: newPin,
    });
    expect((await process.find(marriageId)).spouses).toContain(newPin);

    const before = (await wifeTypes()).length;
    await recovery.sweep();
    expect((await wifeTypes()).length).toBe(before);
  });
});

/**
 * A log without marriages: each pass's filter matches nothing, yet its checkpoint moves to the
 * head, so the next sweep reads only what came since (before, every sweep read the whole log
 * again, three times); and a sweep after nothing new writes no checkpoint at all.
 */
describe('MarriageRecovery on a log without marriages', () => {
  it('moves each checkpoint to the head, reads only what came since, and writes nothing when nothing came', async () => {
    const store = new InMemoryEventStore();
    const streams = new EventSourcedHandler(store);
    const births = new RegisterBirthHandler(streams, new ChildrenIndex(store, streams));
    const born = async () => (await births.execute(new RegisterBirthCommand(birthApplication(), officerCommand()))).id;
    const filteredReadsFrom: Array<string | undefined> = [];
    const readAll = store.readAll.bind(store);
    store.readAll = (options = {}) => {
      if (options.filter) filteredReadsFrom.push(options.after && String(options.after.commit));
      return readAll(options);
    };
    const checkpoints = async () =>
      (await store.readAll({ filter: { eventTypes: ['MarriageRecoveryCheckpoint'] } })).map((e) => e.data);
    const recovery = new MarriageRecovery(store, new MarriageProcess(streams), {
      enabled: true,
      graceMs: 0,
      intervalMs: 60_000,
    });

    for (let i = 0; i < 3; i++) await born();
    const headBefore = (await store.headPosition())!;
    await recovery.sweep();
    expect(filteredReadsFrom).toEqual([undefined, undefined, undefined]); // the first sweep reads from the start
    const first = await checkpoints();
    expect(first).toHaveLength(3);
    for (const checkpoint of first) expect(BigInt(String(checkpoint.commit))).toBeGreaterThanOrEqual(headBefore.commit);

    filteredReadsFrom.length = 0;
    await recovery.sweep();
    expect(filteredReadsFrom.every((after) => after !== undefined && BigInt(after) >= headBefore.commit)).toBe(true);
    expect(await checkpoints()).toHaveLength(3); // nothing new: no checkpoint written

    await born();
    const newest = (await store.headPosition())!;
    await recovery.sweep();
    const moved = (await checkpoints()).slice(3);
    expect(moved).toHaveLength(3);
    for (const checkpoint of moved) expect(BigInt(String(checkpoint.commit))).toBeGreaterThanOrEqual(newest.commit);
  });
});
