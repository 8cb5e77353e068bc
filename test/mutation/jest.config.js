// The jest configuration StrykerJS runs for every mutant (stryker.config.mjs): the unit tests of the handlers and
// of the pure lib helpers only. No CDK synthesis, no snapshots, no compliance validators.
const base = require('../../jest.config');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  rootDir: '../..',
  roots: ['<rootDir>/test/lambda', '<rootDir>/test/private'],
  // schedules-everywhere synthesizes DriftMonitor and AbExperiment stacks: a construct test, not a unit test.
  testPathIgnorePatterns: [...base.testPathIgnorePatterns, '/test/private/schedules-everywhere\\.test\\.ts$'],
  snapshotSerializers: [],
  // jest's own Node environment: StrykerJS wraps the test environment and resolves its path itself, without <rootDir>
  // (the CI run of 2e393b9 failed its initial test run on test/worker/environment.js); these unit tests synthesize nothing,
  // so the worker's shared validator and code cache would not help them anyway.
  testEnvironment: 'node',
  maxWorkers: 1,
  testTimeout: 30000,
};
