import { birthsSuite } from './births.e2e';

birthsSuite('postgresql');
