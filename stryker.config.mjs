// @ts-check
// Mutation testing with StrykerJS 9.6.1 (`npm run test:mutation`; README "Development" for per-folder runs).
//
// What is mutated: every handler under lambda/ and the pure parts of lib/ (validation, decision and rendering
// functions that a fast unit test can exercise without synthesizing a stack). Construct files are not mutated: their
// tests synthesize stacks, which would cost seconds per mutant; their exact assertions live in test/<capability>/.
//
// The jest runner runs test/mutation/jest.config.js (test/lambda and test/private only, never the CDK suite), with
// per-test coverage so that each mutant runs only the tests that reach it. Reports go to reports/mutation/ (not in git).
//
// The TypeScript checker drops mutants that do not compile (they count as errors, not as survivors). It type-checks
// tsconfig.mutation.json, which holds lambda/ only: with aws-cdk-lib in the program each check costs about three
// times as much, and the few lib/private mutants are then run without a type check. On a busy machine the checker is
// the bottleneck; `-- --checkers ""` skips it for a quick look (the score then counts mutants that would not compile).


const ci = Boolean(process.env.CI);
const breakAt = process.env.MUTATION_BREAK ? Number(process.env.MUTATION_BREAK) : null;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  jest: { projectType: 'custom', configFile: 'test/mutation/jest.config.js', enableFindRelatedTests: true },
  coverageAnalysis: 'perTest',
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.mutation.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  mutate: [
    'lambda/**/*.ts',
    'lib/private/validation.ts',
    'lib/private/schedules.ts',
  ],
  // A 2-core machine: two runners in CI (which has the machine to itself); one on a shared developer machine.
  // The TypeScript checker runs in its own process next to them.
  concurrency: ci ? 2 : 1,
  timeoutMS: 5000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  // The sandbox needs sources and tests, not build output or snapshots.
  ignorePatterns: ['dist', 'cdk.out', 'coverage', 'reports', '.jest-cache', 'test/**/__snapshots__', 'test/integ', 'test/bench'],
  // CI sets MUTATION_BREAK=85: below it, stryker exits non-zero. scripts/mutation-score.js checks each folder.
  thresholds: { high: 90, low: 85, break: breakAt },
};
