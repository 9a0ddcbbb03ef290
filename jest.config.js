// Test level shows in the file name: *.unit.spec.ts, *.int.spec.ts, *.e2e.spec.ts.
// Integration and e2e suites share one PostgreSQL, so they run in band (see package.json).
const libs = [
  'registry-domain:domain',
  'registry-app:app',
  'event-store',
  'read-models',
  'contracts',
  'platform',
  'testing',
  'change-feed',
  'procedures',
];
const moduleNameMapper = {};
for (const entry of libs) {
  const [dir, alias = dir] = entry.split(':');
  moduleNameMapper[`^@registry/${alias}$`] = `<rootDir>/libs/${dir}/src`;
  moduleNameMapper[`^@registry/${alias}/(.*)$`] = `<rootDir>/libs/${dir}/src/$1`;
}
module.exports = {
  rootDir: '.',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/scripts', '<rootDir>/bench'],
  testRegex: '.*\\.spec\\.ts$',
  transform: { '^.+\\.(ts|js)$': ['@swc/jest'] },
  // content-disposition (under @fastify/static, for the OpenAPI UI) and jose ship only as ESM.
  transformIgnorePatterns: ['/node_modules/(?!(content-disposition|jose)/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper,
  testEnvironment: 'node',
  testTimeout: 30000,
  globalSetup: '<rootDir>/libs/testing/src/jest-global-setup.ts',
  globalTeardown: '<rootDir>/libs/testing/src/jest-global-teardown.ts',
};
