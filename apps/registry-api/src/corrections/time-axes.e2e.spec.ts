import { timeAxesSuite } from './time-axes.e2e';

timeAxesSuite('postgresql');
