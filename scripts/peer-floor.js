#!/usr/bin/env node
// Checks the library against one aws-cdk-lib version (#18 item 6: peer dependency floors, tested):
//
//   node scripts/peer-floor.js [aws-cdk-lib version] [--constructs <version>] [--legacy-peer-deps] [--keep]
//
// Without a version, it checks the floors of package.json's peerDependencies (`^2.x.y` -> 2.x.y, for aws-cdk-lib and
// constructs); @aws-cdk/aws-sagemaker-alpha is pinned (the same exact version as a peer and a devDependency).
// In a temporary directory (never in this repository's node_modules) it installs those versions, copies lib/, bin/ and
// examples/ beside them, and then
//   1. type-checks and compiles lib/ and bin/ with the compiler options jsii builds with (the tsconfig.json it writes),
//      so every import resolves to the installed versions only;
//   2. synthesizes the reference app (bin/mlops-app.ts) from that output with cdk.json's context, as `cdk synth` does,
//      using the Lambda bundles of the last `npm run build` (dist/lambda), and fails on any error annotation.
// Exits non-zero if either fails. About 1.5 to 2.5 minutes here (the install is most of it; npm's cache helps).
// --legacy-peer-deps lets npm install a version that a peer range refuses (to see what the code itself needs);
// --keep leaves the temporary directory for inspection.
'use strict';
const childProcess = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.join(__dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf-8'));
const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf-8'));

const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args.splice(i, 1) && true : false;
};
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args.splice(i, 2)[1] : undefined;
};
const keep = flag('--keep');
const legacyPeerDeps = flag('--legacy-peer-deps');
/** `^2.159.1` -> `2.159.1`: the lowest version a caret range accepts. */
const floorOf = (name) => {
  const range = pkg.peerDependencies[name];
  const m = /^\^(\d+\.\d+\.\d+)$/.exec(range ?? '');
  if (!m) throw new Error(`peer-floor: peerDependencies.${name} must be a caret range (^x.y.z), got ${JSON.stringify(range)}`);
  return m[1];
};
const constructsVersion = option('--constructs') ?? floorOf('constructs');
const cdkVersion = args[0] ?? floorOf('aws-cdk-lib');
const alphaVersion = pkg.devDependencies['@aws-cdk/aws-sagemaker-alpha'];
// The types of Node's modules (fs, path, os) that lib/ uses, at the version the lock file builds with.
const typesNodeVersion = lock.packages['node_modules/@types/node'].version;

const lambdaBundles = path.join(root, 'dist', 'lambda');
if (!fs.existsSync(lambdaBundles)) {
  console.error('peer-floor: dist/lambda is missing: run `npm run build` first');
  process.exit(2);
}

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-mlops-peer-floor-'));
const run = (command, commandArgs, options = {}) =>
  childProcess.spawnSync(command, commandArgs, { cwd: dir, stdio: 'inherit', ...options }).status === 0;

function check() {
  console.log(`peer-floor: aws-cdk-lib ${cdkVersion}, constructs ${constructsVersion}, @aws-cdk/aws-sagemaker-alpha ${alphaVersion} in ${dir}`);
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'cdk-mlops-peer-floor', private: true }));
  const installed = run('npm', [
    'install', '--no-audit', '--no-fund', '--no-package-lock', '--ignore-scripts', '--loglevel=error',
    ...(legacyPeerDeps ? ['--legacy-peer-deps'] : []),
    `aws-cdk-lib@${cdkVersion}`, `constructs@${constructsVersion}`, `@aws-cdk/aws-sagemaker-alpha@${alphaVersion}`,
    `@types/node@${typesNodeVersion}`,
  ]);
  if (!installed) return fail('npm install failed (a peer range refuses this version? see above)');
  const got = (name) => JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', name, 'package.json'), 'utf-8')).version;
  if (got('aws-cdk-lib') !== cdkVersion || got('constructs') !== constructsVersion) {
    return fail(`npm installed aws-cdk-lib ${got('aws-cdk-lib')}, constructs ${got('constructs')}`);
  }
  console.log(`peer-floor: installed (${elapsed()})`);

  for (const d of ['lib', 'bin', 'examples']) fs.cpSync(path.join(root, d), path.join(dir, d), { recursive: true });
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      // What jsii compiles with (the tsconfig.json it writes; see package.json jsii.tsc), minus the source maps.
      outDir: 'dist', rootDir: '.', declaration: false, alwaysStrict: true, lib: ['es2020'], module: 'commonjs',
      noEmitOnError: true, noFallthroughCasesInSwitch: true, noImplicitAny: true, noImplicitReturns: true,
      noImplicitThis: true, noUnusedLocals: true, noUnusedParameters: true, resolveJsonModule: true, skipLibCheck: true,
      strict: true, strictNullChecks: true, strictPropertyInitialization: true, target: 'es2020',
      types: ['node'],
    },
    include: ['lib/**/*.ts', 'bin/**/*.ts'],
  }));
  const tsc = require.resolve('typescript/lib/tsc.js', { paths: [root] });
  if (!run(process.execPath, [tsc, '-p', 'tsconfig.json'])) return fail('lib/ or bin/ does not type-check against these versions');
  console.log(`peer-floor: lib/ and bin/ type-check (${elapsed()})`);

  fs.cpSync(lambdaBundles, path.join(dir, 'dist', 'lambda'), { recursive: true });
  const outdir = path.join(dir, 'cdk.out');
  const context = JSON.parse(fs.readFileSync(path.join(root, 'cdk.json'), 'utf-8')).context ?? {};
  const synthesized = run(process.execPath, [path.join(dir, 'dist', 'bin', 'mlops-app.js')], {
    env: { ...process.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify(context) },
  });
  if (!synthesized) return fail('the reference app does not synthesize');
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf-8'));
  const errors = [];
  let stacks = 0;
  for (const [id, artifact] of Object.entries(manifest.artifacts ?? {})) {
    if (artifact.type === 'aws:cloudformation:stack') stacks++;
    for (const [constructPath, entries] of Object.entries(artifact.metadata ?? {})) {
      for (const e of entries) if (e.type === 'aws:cdk:error') errors.push(`${id} ${constructPath}: ${e.data}`);
    }
  }
  if (errors.length > 0) return fail(`the reference app synthesizes with errors (cdk synth would fail):\n  ${errors.join('\n  ')}`);
  if (stacks === 0) return fail('the reference app synthesized no stack');
  console.log(`peer-floor: the reference app synthesizes (${stacks} stacks, ${elapsed()})`);
  return true;
}

function fail(message) {
  console.error(`peer-floor: FAIL with aws-cdk-lib ${cdkVersion}, constructs ${constructsVersion}: ${message}`);
  return false;
}

let ok = false;
try {
  ok = check();
} finally {
  if (keep) console.log(`peer-floor: kept ${dir}`);
  else fs.rmSync(dir, { recursive: true, force: true });
}
if (ok) console.log(`peer-floor: OK with aws-cdk-lib ${cdkVersion}, constructs ${constructsVersion} (${elapsed()})`);
process.exit(ok ? 0 : 1);
