// Unit tests only (`npm run test:unit`): no database, no server, so no global setup.
const base = require('./jest.config');

const { globalSetup: _setup, globalTeardown: _teardown, ...withoutDatabase } = base;

module.exports = { ...withoutDatabase, testRegex: '.*\\.unit\\.spec\\.ts$' };
