import { randomUUID } from 'node:crypto';
import { citizenStream, pinPrefix } from '@registry/domain';
import { InMemoryEventStore } from '@registry/event-store';
import { EventSourcedHandler } from '../command-handling/event-sourced-handler';
import { PIN_CANDIDATES, uniqueDigitsFor } from '../citizens/pin-candidates';
import { PinSpaceExhausted } from '../errors';
import { officerCommand } from '../test-support/command-envelope';
import { birthApplication } from '../test-support/birth-application';
import { RegisterBirthCommand, RegisterBirthHandler, type BirthApplication } from './register-birth.handler';
import { ChildrenIndex } from './children-index';

const application: BirthApplication = birthApplication();
const PREFIX = pinPrefix('001', 'male', '2024-03-05')!;
const candidate = (commandId: string, k: number) => `${PREFIX}${uniqueDigitsFor(commandId, k)}`;

let store: InMemoryEventStore;
let births: RegisterBirthHandler;

beforeEach(() => {
  store = new InMemoryEventStore();
  const handler = new EventSourcedHandler(store);
  births = new RegisterBirthHandler(handler, new ChildrenIndex(store, handler));
});

/** Someone else already holds the PIN (any event in its stream). */
async function occupy(pin: string): Promise<void> {
  await store.append(citizenStream(pin), [{ eventId: randomUUID(), type: 'Other', data: {}, metadata: {} }], 'any');
}

async function eventsOfCommand(commandId: string) {
  const all = await store.readAll({ maxCount: 10_000 });
  return all.filter((e) => e.metadata.commandId === commandId);
}

describe('RegisterBirthHandler (births)', () => {
  it('opens the stream of the first candidate PIN', async () => {
    const envelope = officerCommand();
    const birth = await births.execute(new RegisterBirthCommand(application, envelope));
    expect(birth.id).toBe(candidate(envelope.commandId, 0));
    expect((await store.readStream(citizenStream(birth.id))).map((e) => e.type)).toEqual(['BirthRegistered']);
  });

  it('on a PIN collision takes the next candidate', async () => {
    const envelope = officerCommand();
    await occupy(candidate(envelope.commandId, 0));
    await occupy(candidate(envelope.commandId, 1));
    const birth = await births.execute(new RegisterBirthCommand(application, envelope));
    expect(birth.id).toBe(candidate(envelope.commandId, 2));
    expect(birth.revision).toBe(0);
  });

  it(`answers PIN_SPACE_EXHAUSTED when all ${PIN_CANDIDATES} candidates are taken, recording nothing`, async () => {
    const envelope = officerCommand();
    for (let k = 0; k < PIN_CANDIDATES; k++) await occupy(candidate(envelope.commandId, k));
    const answer = births.execute(new RegisterBirthCommand(application, envelope));
    await expect(answer).rejects.toBeInstanceOf(PinSpaceExhausted);
    await expect(answer).rejects.toMatchObject({ code: 'PIN_SPACE_EXHAUSTED' });
    expect(await eventsOfCommand(envelope.commandId)).toEqual([]);
  });

  it('a rerun of the same command lands on its first PIN and records one person', async () => {
    const envelope = officerCommand();
    await occupy(candidate(envelope.commandId, 0));
    const first = await births.execute(new RegisterBirthCommand(application, envelope));
    const rerun = await births.execute(new RegisterBirthCommand(application, envelope));
    expect(rerun).toEqual(first);
    expect(await eventsOfCommand(envelope.commandId)).toHaveLength(1);
  });

  it("records the birth alone, also when rerun: the residence of the application is the birth procedure's", async () => {
    const withHome = {
      ...application,
      permanentResidence: { provinceCode: '001', communeCode: null, line: '12 Phố Huế' },
    };
    const envelope = officerCommand();
    const first = await births.execute(new RegisterBirthCommand(withHome, envelope));
    await births.execute(new RegisterBirthCommand(withHome, envelope));
    const stream = await store.readStream(citizenStream(first.id));
    expect(stream.map((e) => e.type)).toEqual(['BirthRegistered']);
    expect(stream[0].data).toMatchObject({ permanentResidence: withHome.permanentResidence });
  });

  it("refuses a parent who is not in the registry (the rule is the domain's), recording nothing", async () => {
    const envelope = officerCommand();
    const answer = births.execute(new RegisterBirthCommand({ ...application, motherPin: '001190012345' }, envelope));
    await expect(answer).rejects.toMatchObject({ code: 'PARENT_NOT_FOUND' });
    expect(await eventsOfCommand(envelope.commandId)).toEqual([]);
  });
});
