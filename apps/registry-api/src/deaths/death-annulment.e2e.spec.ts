import { deathAnnulmentSuite } from './death-annulment.e2e';

deathAnnulmentSuite('postgresql');
