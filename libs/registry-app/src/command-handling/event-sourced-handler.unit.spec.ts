import { randomUUID } from 'node:crypto';
import { InMemoryEventStore, type EventStore, type EventToAppend, type ExpectedRevision } from '@registry/event-store';
import { RegistryError } from '@registry/domain';
import { RevisionMismatch, WriteContention } from '../errors';
import { officerCommand } from '../test-support/command-envelope';
import { MAX_ATTEMPTS } from './contention';
import { EventSourcedHandler, StreamAlreadyExists } from './event-sourced-handler';
import type { EventSourcedStream } from './event-sourced-stream';

/**
 * A ledger of entries for the generic handler alone (no citizen rules): each entry records how
 * many entries the decision saw, so a test can tell on which state a command was decided.
 */
interface Entry {
  readonly type: 'EntryAdded';
  readonly data: { readonly seen: number; readonly at: string };
}
interface AddEntry {
  readonly type: 'AddEntry';
  readonly data: { readonly limit: number };
}
const ledger: EventSourcedStream<AddEntry, Entry, number> = {
  decider: {
    decide: (command, seen) => {
      if (seen >= command.data.limit) throw new RegistryError('LEDGER_FULL', 'The ledger is full');
      return [{ type: 'EntryAdded', data: { seen, at: '2026-01-01' } }];
    },
    evolve: (seen) => seen + 1,
    initialState: () => 0,
  },
  streamName: (id) => `ledger-${id}`,
  effectiveAt: (event) => event.data.at,
  notFound: (id) => new RegistryError('LEDGER_NOT_FOUND', `No ledger ${id}`),
};
const add = (limit = 1000): AddEntry => ({ type: 'AddEntry', data: { limit } });

const envelope = officerCommand;

/**
 * The store as another process sees it: before each of our next `times` appends, a writer
 * elsewhere appends an entry to the same stream, so ours meets a revision it did not read.
 */
class StoreWithRivalWriter implements EventStore {
  appends = 0;
  reads = 0;
  private rivalTurns = 0;

  constructor(private readonly store: EventStore) {}

  rivalWritesBefore(times: number): void {
    this.rivalTurns = times;
  }

  async append(streamId: string, events: readonly EventToAppend[], expected: ExpectedRevision) {
    this.appends++;
    if (this.rivalTurns > 0) {
      this.rivalTurns--;
      const rival = { eventId: randomUUID(), type: 'EntryAdded', data: { seen: -1, at: '2026-01-01' }, metadata: {} };
      await this.store.append(streamId, [rival], 'any');
    }
    return this.store.append(streamId, events, expected);
  }

  appendToNewStreams(...args: Parameters<EventStore['appendToNewStreams']>) {
    return this.store.appendToNewStreams(...args);
  }

  readStream(...args: Parameters<EventStore['readStream']>) {
    this.reads++;
    return this.store.readStream(...args);
  }

  readAll(...args: Parameters<EventStore['readAll']>) {
    return this.store.readAll(...args);
  }

  headPosition() {
    return this.store.headPosition();
  }

  subscribeToAll(...args: Parameters<EventStore['subscribeToAll']>) {
    return this.store.subscribeToAll(...args);
  }

  close() {
    return Promise.resolve();
  }
}

let store: InMemoryEventStore;
let rival: StoreWithRivalWriter;
let handler: EventSourcedHandler;

beforeEach(() => {
  store = new InMemoryEventStore();
  rival = new StoreWithRivalWriter(store);
  handler = new EventSourcedHandler(rival);
});

async function openLedger(): Promise<string> {
  const id = randomUUID();
  await handler.handle(ledger, id, add(), envelope(), { expected: 'no_stream' });
  rival.appends = 0;
  return id;
}

async function entries(id: string) {
  return (await store.readStream(ledger.streamName(id))).map((e) => e.data);
}

describe('EventSourcedHandler (the generic command handler)', () => {
  it('opens a stream with "no stream" expected; a second opening is StreamAlreadyExists', async () => {
    const id = await openLedger();
    await expect(handler.handle(ledger, id, add(), envelope(), { expected: 'no_stream' })).rejects.toBeInstanceOf(
      StreamAlreadyExists,
    );
    expect(await entries(id)).toEqual([{ seen: 0, at: '2026-01-01' }]);
  });

  it("meets another command's stream with its append alone: StreamAlreadyExists without reading it", async () => {
    const id = await openLedger();
    rival.reads = 0;
    await expect(handler.handle(ledger, id, add(), envelope(), { expected: 'no_stream' })).rejects.toBeInstanceOf(
      StreamAlreadyExists,
    );
    expect(rival.appends).toBe(1);
    expect(rival.reads).toBe(0);
  });

  it('opens a new stream with its append alone, reading nothing first', async () => {
    const opened = await handler.handle(ledger, randomUUID(), add(), envelope(), { expected: 'no_stream' });
    expect(opened.revision).toBe(0);
    expect(rival.reads).toBe(0);
    expect(rival.appends).toBe(1);
  });

  it('answers a retried opening with its first result, after the stream moved on too', async () => {
    const id = randomUUID();
    const command = envelope();
    const first = await handler.handle(ledger, id, add(), command, { expected: 'no_stream' });
    await handler.handle(ledger, id, add(), envelope());
    const again = await handler.handle(ledger, id, add(), command, { expected: 'no_stream' });
    expect(again).toEqual(first);
    // Even when deciding again would now refuse: the first run's answer stands.
    expect(await handler.handle(ledger, id, add(0), command, { expected: 'no_stream' })).toEqual(first);
    expect(await entries(id)).toHaveLength(2);
  });

  it('answers a retried command with its first result and appends nothing', async () => {
    const id = await openLedger();
    const command = envelope();
    const first = await handler.handle(ledger, id, add(), command);
    const again = await handler.handle(ledger, id, add(), command);
    expect(again).toEqual(first);
    expect(await entries(id)).toHaveLength(2);
  });

  it('without If-Match, re-reads and decides again when another writer wins the append', async () => {
    const id = await openLedger();
    rival.rivalWritesBefore(3);
    const result = await handler.handle(ledger, id, add(), envelope());
    // Decided on the state after the rival's three entries: opening + 3 rivals = 4 seen.
    expect(result.events).toEqual([{ type: 'EntryAdded', data: { seen: 4, at: '2026-01-01' } }]);
    expect(result.revision).toBe(4);
    expect(rival.appends).toBe(4);
    expect((await entries(id)).map((e) => e.seen)).toEqual([0, -1, -1, -1, 4]);
  });

  it('the decision on the new state may refuse: a rule, not a conflict', async () => {
    const id = await openLedger();
    rival.rivalWritesBefore(1);
    await expect(handler.handle(ledger, id, add(2), envelope())).rejects.toMatchObject({ code: 'LEDGER_FULL' });
    expect(await entries(id)).toHaveLength(2);
  });

  it(`gives up after ${MAX_ATTEMPTS} lost appends with WRITE_CONTENTION, appending nothing of its own`, async () => {
    const id = await openLedger();
    rival.rivalWritesBefore(MAX_ATTEMPTS);
    await expect(handler.handle(ledger, id, add(), envelope())).rejects.toBeInstanceOf(WriteContention);
    expect(rival.appends).toBe(MAX_ATTEMPTS);
    expect((await entries(id)).map((e) => e.seen)).toEqual([0, ...Array(MAX_ATTEMPTS).fill(-1)]);
  });

  it('with If-Match, a lost append is REVISION_MISMATCH at once, never retried', async () => {
    const id = await openLedger();
    rival.rivalWritesBefore(1);
    const answer = handler.handle(ledger, id, add(), envelope(), { ifMatch: 0 });
    await expect(answer).rejects.toBeInstanceOf(RevisionMismatch);
    await expect(answer).rejects.toMatchObject({ details: [{ expected: 0, actual: 1 }] });
    expect(rival.appends).toBe(1);
  });

  it('with a stale If-Match, refuses before deciding', async () => {
    const id = await openLedger();
    await expect(handler.handle(ledger, id, add(), envelope(), { ifMatch: 7 })).rejects.toBeInstanceOf(
      RevisionMismatch,
    );
    expect(rival.appends).toBe(0);
  });

  it('a command on a stream that does not exist is the kind\'s "not found"', async () => {
    await expect(handler.handle(ledger, randomUUID(), add(), envelope())).rejects.toMatchObject({
      code: 'LEDGER_NOT_FOUND',
    });
  });

  it('queues concurrent commands on one stream within the process: 50 writes, 50 entries, no retries', async () => {
    const id = await openLedger();
    const results = await Promise.all(Array.from({ length: 50 }, () => handler.handle(ledger, id, add(), envelope())));
    expect(results.map((r) => r.revision).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(rival.appends).toBe(50);
  });
});
