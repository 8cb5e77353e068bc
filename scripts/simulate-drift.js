#!/usr/bin/env node
// npm run -s simulate:drift -- --scenario null|shift --shift 0.25 --shift-start 0 --numeric 15 --categorical 5 --categories 10
//   --records-per-window 1000 --windows 720 --runs 20 --baseline-rows 100000 --seed 1
//   [--alpha 0.005 --correction bonferroni|bh --min-psi 0.01 --min-count 50 --datapoints-to-alarm 2 --evaluation-periods 3]
// Prints one JSON object: {"windows":W,"featureAlarms":a,"windowAlarms":b,"detectedWithin":[...]}.
// The simulation runs the handler's own profile, accumulators, statistics and decision (lambda/drift, lambda/shared),
// bundled in memory by esbuild.
'use strict';
const path = require('path');
const Module = require('module');
const esbuild = require('esbuild');

const entry = path.join(__dirname, 'simulate-drift-core.ts');
const out = esbuild.buildSync({ entryPoints: [entry], bundle: true, write: false, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'error' });
const mod = new Module(entry);
mod._compile(out.outputFiles[0].text, entry);
try {
  const options = mod.exports.parseArgs(process.argv.slice(2));
  process.stdout.write(`${JSON.stringify(mod.exports.simulate(options))}\n`);
} catch (err) {
  process.stderr.write(`simulate-drift: ${err.message}\n`);
  process.exit(2);
}
