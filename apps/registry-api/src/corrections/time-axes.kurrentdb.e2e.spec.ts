import { timeAxesSuite } from './time-axes.e2e';

// The same scenarios with KurrentDB as the event store, through the real client and the test server.
timeAxesSuite('kurrentdb');
