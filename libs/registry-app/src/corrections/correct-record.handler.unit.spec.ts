import { randomUUID } from 'node:crypto';
import { citizenStream } from '@registry/domain';
import { InMemoryEventStore } from '@registry/event-store';
import { EventSourcedHandler } from '../command-handling/event-sourced-handler';
import { uniqueDigitsFor } from '../citizens/pin-candidates';
import { RegisterBirthCommand, RegisterBirthHandler } from '../births/register-birth.handler';
import { RevisionMismatch } from '../errors';
import { ChildrenIndex } from '../births/children-index';
import { MarriageProcess } from '../marriages/marriage-process';
import { officerCommand } from '../test-support/command-envelope';
import { birthApplication } from '../test-support/birth-application';
import { CorrectRecordCommand, CorrectRecordHandler } from './correct-record.handler';

let store: InMemoryEventStore;
let corrections: CorrectRecordHandler;
let pin: string;

beforeEach(async () => {
  store = new InMemoryEventStore();
  const handler = new EventSourcedHandler(store);
  const children = new ChildrenIndex(store, handler);
  corrections = new CorrectRecordHandler(handler, children, new MarriageProcess(handler));
  const child = {
    name: { familyName: 'Trần', middleName: 'Thị', givenName: 'Bình' },
    sex: 'female' as const,
    dateOfBirth: '1990-01-15',
  };
  const birth = await new RegisterBirthHandler(handler, children).execute(
    new RegisterBirthCommand(birthApplication(child), officerCommand()),
  );
  pin = birth.id;
});

const sexCorrected = { field: 'sex' as const, value: 'male', reason: 'Clerical error', legalBasis: 'Decision 1/QĐ' };
// Male, born 1990: sex and century digit 0, year 90.
const reestablished = (commandId: string, k: number) => `001090${uniqueDigitsFor(commandId, k)}`;

const types = async (of: string) => (await store.readStream(citizenStream(of))).map((e) => e.type);

describe('CorrectRecordHandler (corrections)', () => {
  it('re-establishes the PIN: the new stream opens first, the old one closes pointing to it', async () => {
    const envelope = officerCommand();
    const result = await corrections.execute(new CorrectRecordCommand(pin, sexCorrected, envelope));
    expect(result).toMatchObject({ id: reestablished(envelope.commandId, 0), revision: 0, reestablished: true });
    expect(await types(pin)).toEqual(['BirthRegistered', 'RecordCorrected', 'PinReestablished']);
    expect(await types(result.id)).toEqual(['CitizenContinued']);
  });

  it('on a collision of the re-established PIN takes the next candidate; the taken stream is untouched', async () => {
    const envelope = officerCommand();
    const taken = reestablished(envelope.commandId, 0);
    await store.append(citizenStream(taken), [{ eventId: randomUUID(), type: 'Other', data: {}, metadata: {} }], 'any');
    const result = await corrections.execute(new CorrectRecordCommand(pin, sexCorrected, envelope));
    expect(result.id).toBe(reestablished(envelope.commandId, 1));
    expect(await types(taken)).toEqual(['Other']);
  });

  it('a rerun answers as the first run and records nothing more', async () => {
    const envelope = officerCommand();
    const first = await corrections.execute(new CorrectRecordCommand(pin, sexCorrected, envelope));
    const rerun = await corrections.execute(new CorrectRecordCommand(pin, sexCorrected, envelope));
    expect(rerun).toEqual(first);
    expect(await types(pin)).toHaveLength(3);
    expect(await types(first.id)).toHaveLength(1);
  });

  it('a stale If-Match is REVISION_MISMATCH and opens no new stream', async () => {
    const envelope = officerCommand();
    const answer = corrections.execute(new CorrectRecordCommand(pin, sexCorrected, envelope, { ifMatch: 3 }));
    await expect(answer).rejects.toBeInstanceOf(RevisionMismatch);
    const all = await store.readAll();
    expect(all.map((e) => e.type)).toEqual(['BirthRegistered']);
  });

  it("asks the caller's check (jurisdiction) with the current record before deciding", async () => {
    const seen: string[] = [];
    const authorize = (citizen: { pin: string }) => {
      seen.push(citizen.pin);
      throw new Error('not in this office');
    };
    const answer = corrections.execute(new CorrectRecordCommand(pin, sexCorrected, officerCommand(), { authorize }));
    await expect(answer).rejects.toThrow('not in this office');
    expect(seen).toEqual([pin]);
    expect(await types(pin)).toEqual(['BirthRegistered']);
  });
});
