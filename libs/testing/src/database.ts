export { dropDatabase, ensureDatabase } from '@registry/platform/database/ensure-database';
export { testDatabaseUrl } from './test-database-url';
