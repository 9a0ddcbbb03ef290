import { temporaryResidenceSuite } from './temporary-residence.e2e';

temporaryResidenceSuite('postgresql');
