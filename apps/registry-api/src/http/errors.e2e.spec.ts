import { errorsSuite } from './errors.e2e';

errorsSuite('postgresql');
