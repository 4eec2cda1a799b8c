// Three tiers, one `npm test`. `unit` starts no PostgreSQL and no process (a tripwire in
// test/support/unit-guard.ts fails a unit test that tries) and runs in seconds; `integration`
// starts real PostgreSQL and API servers; `e2e` drives real terraform, cdktf and a real browser.
// Pick one with `npx jest --selectProjects unit` (or `npm run test:unit`).
//
// The global setup starts a real PostgreSQL once for the run and each test file creates its own
// database in it (see test/support/database.ts); it also unpacks the npm-shipped Chromium once.
const path = require('node:path');

/** Pure tests: values, codecs, schemas, planners, rules. */
const UNIT = [
  '/provider/protocol/.*\\.test\\.ts$',
  '/provider/tessera/[^/]*\\.test\\.ts$',
  // packaging builds mirrors and macho-signature fetches Node's darwin binaries with npm.
  '/test/protocol/unit/(?!packaging|macho-signature)[^/]*\\.test\\.ts$',
  '/test/api/(auth-units|secret)\\.test\\.ts$',
  '/test/provider/docs\\.test\\.ts$',
];

/** Whole-product tests: the terraform and cdktf CLIs, the browser, `npm start`. */
const E2E = [
  '/provider/resources/.*\\.test\\.ts$',
  '/test/protocol/(lifecycle|features|plugin-launch|debug-mode|example-kv)\\.test\\.ts$',
  '/test/provider/(?!docs)[^/]*\\.test\\.ts$',
  '/test/cdktf/.*\\.test\\.ts$',
  '/test/web/account-page\\.test\\.ts$',
  '/test/ops/start\\.test\\.ts$',
  '/test/reliability/faults-terraform\\.test\\.ts$',
];

// Integration includes test/reliability/ (the CI slices of fuzz:api, fuzz:provider and soak).
const ALL = '/(api|provider|test)/.*\\.test\\.ts$';
const IGNORED = ['/node_modules/', '/dist/', '/provider/cdktf/'];

const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest'] },
};
const withServices = {
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
};

/** @type {import('jest').Config} */
module.exports = {
  maxWorkers: 2,
  testTimeout: 30000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testRegex: UNIT,
      testPathIgnorePatterns: IGNORED,
      setupFilesAfterEnv: ['<rootDir>/test/support/unit-guard.ts'],
    },
    {
      ...common,
      ...withServices,
      displayName: 'integration',
      testRegex: [ALL],
      testPathIgnorePatterns: [...IGNORED, ...UNIT, ...E2E],
    },
    {
      ...common,
      ...withServices,
      globalSetup: '<rootDir>/test/support/global-setup-e2e.ts',
      displayName: 'e2e',
      testRegex: E2E,
      testPathIgnorePatterns: IGNORED,
    },
  ],
};
