import { birthDataQualitySuite } from './birth-data-quality.e2e';

birthDataQualitySuite('postgresql');
