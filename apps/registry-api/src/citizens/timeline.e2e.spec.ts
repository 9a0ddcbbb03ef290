import { timelineSuite } from './timeline.e2e';

timelineSuite('postgresql');
