/**
 * Which libs each lib may import in runtime code (tests and fixtures may use libs/testing).
 * The arrows point inwards: domain <- event store <- application / platform <- read models, feeds <- apps.
 */
const LIB_DEPENDENCIES = {
  'registry-domain': [],
  'event-store': [],
  contracts: [],
  'registry-app': ['registry-domain', 'event-store'],
  platform: ['registry-domain', 'event-store'],
  'read-models': ['registry-domain', 'event-store', 'platform'],
  'change-feed': ['registry-domain', 'event-store', 'platform', 'contracts', 'read-models'],
  testing: ['platform'],
};

const TESTS = ['\\.spec\\.ts$', '/test-support/', '/contract/', '\\.fixtures\\.ts$'];

const libRules = Object.entries(LIB_DEPENDENCIES).map(([lib, allowed]) => ({
  name: `${lib}-imports-only-${allowed.length ? allowed.join('-') : 'itself'}`,
  comment: `libs/${lib} may import ${allowed.length ? allowed.join(', ') : 'no other lib'} (see LIB_DEPENDENCIES).`,
  severity: 'error',
  from: { path: `^libs/${lib}/`, pathNot: TESTS },
  to: { path: '^libs/', pathNot: [`^libs/${lib}/`, ...allowed.map((other) => `^libs/${other}/`)] },
}));

/** Layer rules checked in CI (`npm run deps:check`). */
module.exports = {
  forbidden: [
    ...libRules,
    {
      name: 'apps-are-independent',
      comment: 'An app never imports another app: what two apps share lives in a lib.',
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'projector-app-needs-no-command-side',
      comment: 'apps/projector runs projections only: no command handlers, no HTTP, no Kafka.',
      severity: 'error',
      from: { path: '^apps/projector/', pathNot: TESTS },
      to: { path: '^libs/(registry-app|change-feed)/' },
    },
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
