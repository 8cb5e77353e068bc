/**
 * The integration suite: real handlers, real AWS SDK, against moto in server mode on loopback
 * (`python3 -m moto.server`, started and stopped around the suite by global-setup.ts / global-teardown.ts). Needs Python and moto; `npm test` does not run it.
 * @type {import('jest').Config}
 */
module.exports = {
  rootDir: '../..',
  testEnvironment: 'node',
  roots: ['<rootDir>/test/integ'],
  testMatch: ['**/*.integ.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.dev.json' }],
  },
  // One moto server for the suite, on a free loopback port; AWS_ENDPOINT_URL and dummy credentials point the SDK at it.
  globalSetup: '<rootDir>/test/integ/global-setup.ts',
  globalTeardown: '<rootDir>/test/integ/global-teardown.ts',
  // Files run one at a time to keep the shared machine quiet.
  maxWorkers: 1,
  testTimeout: 120000,
};
