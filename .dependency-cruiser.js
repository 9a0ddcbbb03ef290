/** Layer rules checked in CI (`npm run deps:check`). */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'libs/registry-domain imports nothing but itself: no framework, driver, generated code or other lib.',
      severity: 'error',
      from: { path: '^libs/registry-domain/' },
      to: { pathNot: '^libs/registry-domain/' },
    },
    {
      name: 'libs-never-import-apps',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'runtime-never-imports-test-fixtures',
      comment: 'The wire-level test servers in libs/testing are fixtures, never runtime components.',
      severity: 'error',
      from: { path: '^(apps|libs)/', pathNot: ['\\.spec\\.ts$', '/test-support/', '^libs/testing/'] },
      to: { path: '^libs/testing/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: 'libs/contracts/src/gen' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['require', 'default'] },
  },
};
