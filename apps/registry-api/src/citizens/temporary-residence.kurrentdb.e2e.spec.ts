import { temporaryResidenceSuite } from './temporary-residence.e2e';

// The same end-to-end suite with KurrentDB as the event store, through the real client.
temporaryResidenceSuite('kurrentdb');
