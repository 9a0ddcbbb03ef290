import { deathsSuite } from './deaths.e2e';

// The same end-to-end suite with KurrentDB as the event store, through the real client.
deathsSuite('kurrentdb');
