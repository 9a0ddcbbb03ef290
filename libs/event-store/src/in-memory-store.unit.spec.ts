import { describeEventStoreContract } from './contract/event-store.contract';
import { InMemoryEventStore } from './memory/in-memory-event-store';

// The same contract as the real stores: what unit tests of the application run on behaves like them.
describeEventStoreContract('in memory', {
  create: () => Promise.resolve(new InMemoryEventStore()),
});
