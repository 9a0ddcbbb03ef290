import { deathsSuite } from './deaths.e2e';

deathsSuite('postgresql');
