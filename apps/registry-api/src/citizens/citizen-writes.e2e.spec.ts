import { citizenWritesSuite } from './citizen-writes.e2e';

citizenWritesSuite('postgresql');
