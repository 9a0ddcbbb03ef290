import { historiansSuite } from './historians.e2e';

historiansSuite('postgresql');
