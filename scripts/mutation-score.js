#!/usr/bin/env node
// Prints the mutation score of each folder from StrykerJS's JSON report (reports/mutation/mutation.json), the way
// Stryker counts it: (killed + timeout) / (killed + timeout + survived + no coverage); compile and runtime errors of a
// mutant do not count. Usage:
//   node scripts/mutation-score.js [--break 85] [--survivors] [report.json]
// With --break N it exits 1 when any folder in the report scores below N.
'use strict';
const fs = require('fs');
const path = require('path');

const args = process.argv.slice(2);
const breakIdx = args.indexOf('--break');
const breakAt = breakIdx >= 0 ? Number(args[breakIdx + 1]) : undefined;
const showSurvivors = args.includes('--survivors');
const positional = args.filter((a, i) => !a.startsWith('--') && (breakIdx < 0 || i !== breakIdx + 1));
const reportFile = positional[0] ?? path.join(__dirname, '..', 'reports', 'mutation', 'mutation.json');

const report = JSON.parse(fs.readFileSync(reportFile, 'utf-8'));
const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

/** lambda/<handler> or lib/<folder>: the unit a score is reported for. */
function folderOf(file) {
  const parts = file.split(/[\\/]/);
  return parts.slice(0, 2).join('/');
}

const folders = new Map();
const survivors = [];
for (const [file, entry] of Object.entries(report.files)) {
  const rel = path.isAbsolute(file) ? path.relative(path.join(__dirname, '..'), file) : file;
  const f = folders.get(folderOf(rel)) ?? { detected: 0, undetected: 0, survived: 0, noCoverage: 0, errors: 0 };
  folders.set(folderOf(rel), f);
  for (const m of entry.mutants) {
    if (DETECTED.has(m.status)) {
      f.detected++;
    } else if (UNDETECTED.has(m.status)) {
      f.undetected++;
      if (m.status === 'Survived') { f.survived++; } else { f.noCoverage++; }
      const lines = entry.source.split('\n');
      const original = lines[m.location.start.line - 1]?.trim().slice(0, 100);
      survivors.push(`${rel}:${m.location.start.line}:${m.location.start.column} ${m.status} ${m.mutatorName}: ${original}  ->  ${m.replacement ?? ''}`);
    } else {
      f.errors++;
    }
  }
}

const rows = [...folders.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([folder, f]) => {
  const valid = f.detected + f.undetected;
  return { folder, score: valid === 0 ? 100 : (100 * f.detected) / valid, ...f };
});
const total = rows.reduce((t, r) => ({ detected: t.detected + r.detected, undetected: t.undetected + r.undetected }), { detected: 0, undetected: 0 });
console.log('| folder | score | killed+timeout | survived | no coverage | compile/runtime errors |');
console.log('|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.folder} | ${r.score.toFixed(2)}% | ${r.detected} | ${r.survived} | ${r.noCoverage} | ${r.errors} |`);
}
const all = total.detected + total.undetected;
console.log(`| all | ${(all === 0 ? 100 : (100 * total.detected) / all).toFixed(2)}% | ${total.detected} | ${total.undetected} (both) | | |`);
if (showSurvivors) {
  console.log(`\n${survivors.length} survivors:`);
  for (const s of survivors) {
    console.log(`  ${s}`);
  }
}
if (breakAt !== undefined) {
  const low = rows.filter((r) => r.score < breakAt);
  if (low.length > 0) {
    console.error(`mutation score below ${breakAt}% in: ${low.map((r) => `${r.folder} (${r.score.toFixed(2)}%)`).join(', ')}`);
    process.exit(1);
  }
}
