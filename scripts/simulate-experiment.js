#!/usr/bin/env node
// npm run -s simulate:experiment -- --runs 2000 --days 7 --requests-per-hour 20000 --split 90/10 --baseline-rate 0.10
//   --lift 0 --error-rate 0.002 --challenger-error-rate 0.002 --seed 1
// Prints one JSON object: {"runs":N,"promote":p,"rollback":r,"undecided":u,"medianHoursToDecision":h}.
// The simulation runs the handler's own decide() (lambda/ab-experiment/decide.ts), bundled in memory by esbuild.
'use strict';
const path = require('path');
const Module = require('module');
const esbuild = require('esbuild');

const entry = path.join(__dirname, 'simulate-experiment-core.ts');
const out = esbuild.buildSync({ entryPoints: [entry], bundle: true, write: false, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'error' });
const mod = new Module(entry);
mod._compile(out.outputFiles[0].text, entry);
try {
  const options = mod.exports.parseArgs(process.argv.slice(2));
  process.stdout.write(`${JSON.stringify(mod.exports.simulate(options))}\n`);
} catch (err) {
  process.stderr.write(`simulate-experiment: ${err.message}\n`);
  process.exit(2);
}
