/** @type {import('jest').Config} */
module.exports = {
  // jest's Node environment, plus what a worker shares between its test files (test/worker/environment.js).
  testEnvironment: '<rootDir>/test/worker/environment.js',
  moduleNameMapper: {
    '^@aws/cloudformation-validate$': '<rootDir>/test/worker/cloudformation-validate.js',
  },
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/integ/'],
  transform: {
    // Transpile only: `npm test` type-checks once with tsc, which is faster than per-file checks.
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.dev.json' }],
  },
  snapshotSerializers: ['<rootDir>/test/snapshots/asset-hash-serializer.js'],
  // AWS limits the validators do not check, applied to every app a test synthesizes (test/contracts/README.md).
  setupFilesAfterEnv: ['<rootDir>/test/contracts/limits/setup.ts'],
  // The CDK and the validators are heavy; on a 2-core machine two workers are the sweet spot.
  maxWorkers: 2,
  testTimeout: 120000,
};
