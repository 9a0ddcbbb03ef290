import { marriagesSuite } from './marriages.e2e';

marriagesSuite('postgresql');
