import { residencesSuite } from './residences.e2e';

residencesSuite('postgresql');
