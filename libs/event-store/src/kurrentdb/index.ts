export { KurrentDbEventStore } from './kurrentdb-event-store';
export { KurrentDbSubscription } from './kurrentdb-subscription';
