#!/usr/bin/env node
// Drift benchmark (`npm run bench:drift`; not a test). 1,000,000 SageMaker capture records of 20 features (15 numeric,
// 5 categorical; 10% base64 JSON payloads, 0.5% empty cells), written once as 100 capture files of 10,000 lines under
// the OS temp folder, then read by:
//   - the drift handler's own scan (lambda/drift/scan.ts: CaptureScanner.addStream, as the handler calls it on each
//     S3 object's body) and statistics (WindowAccumulator.summarize with the default policy), in a child process whose
//     peak RSS is measured;
//   - test/bench/drift-reference.py, the same statistics with numpy/scipy on the same files and profile, when python3
//     has numpy and scipy.
// Both time reading the files and computing the statistics (not process start-up). The statistics of both are
// compared (counts exactly, floats to 1e-9 relative): a reference that computes something else is no reference.
// Wall-clock seconds give the figures; CPU seconds are printed beside them (a shared machine slows both unevenly).
// The LAST line printed is one JSON object: {"recordsPerSecond", "peakRssMiB", "referenceRecordsPerSecond", "ratio",
// "statisticsAgree"}. Env: BENCH_RECORDS (default 1000000). Exits 1 when the statistics differ.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

const root = path.join(__dirname, '..', '..');
const RECORDS = Number(process.env.BENCH_RECORDS ?? 1_000_000);
const BASE64_SHARE = 0.1;
const EMPTY_SHARE = 0.005;
const RECORDS_PER_OBJECT = 10_000;
const NUMERIC = 15;
const CATEGORICAL = 5;
const WINDOW_START = Date.parse('2026-11-23T09:00:00Z');
const WINDOW_END = WINDOW_START + 3_600_000;
const DATASET_VERSION = 2;

function bundle() {
  const esbuild = require('esbuild');
  const entry = path.join(os.tmpdir(), `drift-bench-entry-${process.pid}.ts`);
  const out = path.join(os.tmpdir(), `drift-bench-${process.pid}.js`);
  fs.writeFileSync(entry, [
    `export { CaptureScanner } from ${JSON.stringify(path.join(root, 'lambda/drift/scan'))};`,
    `export { buildProfile, parseProfile } from ${JSON.stringify(path.join(root, 'lambda/shared/profile'))};`,
    `export { DEFAULT_POLICY } from ${JSON.stringify(path.join(root, 'lambda/drift/decide'))};`,
  ].join('\n'));
  try {
    esbuild.buildSync({ entryPoints: [entry], outfile: out, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning' });
  } finally {
    fs.rmSync(entry, { force: true });
  }
  return out;
}

// mulberry32 + Box-Muller: deterministic inputs.
function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, normal: () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next()) };
}

const schema = [
  ...Array.from({ length: NUMERIC }, (_, i) => ({ name: `n${i}`, type: 'numeric' })),
  ...Array.from({ length: CATEGORICAL }, (_, i) => ({ name: `c${i}`, type: 'categorical' })),
];
const categories = Array.from({ length: 30 }, (_, i) => `cat${i}`);

function row(r, shift, empty) {
  const v = [];
  for (let i = 0; i < NUMERIC; i++) v.push(r.next() < empty ? '' : (i * 10 + shift + (1 + i / 10) * r.normal()).toFixed(4));
  for (let i = 0; i < CATEGORICAL; i++) v.push(r.next() < empty ? '' : categories[Math.floor(r.next() * r.next() * categories.length)]);
  return v;
}

function captureObject(r, first, count) {
  const lines = [];
  for (let k = 0; k < count; k++) {
    const i = first + k;
    const values = row(r, i % 2 ? 0.3 : 0, EMPTY_SHARE);
    let input;
    if (r.next() < BASE64_SHARE) {
      const doc = Object.fromEntries(schema.map((f, j) => [f.name, values[j] === '' ? null : f.type === 'numeric' ? Number(values[j]) : values[j]]));
      input = { observedContentType: 'application/json', mode: 'INPUT', data: Buffer.from(JSON.stringify(doc)).toString('base64'), encoding: 'BASE64' };
    } else {
      input = { observedContentType: 'text/csv', mode: 'INPUT', data: values.join(','), encoding: 'CSV' };
    }
    lines.push(JSON.stringify({
      captureData: { endpointInput: input, endpointOutput: { observedContentType: 'text/csv; charset=utf-8', mode: 'OUTPUT', data: r.next().toFixed(6), encoding: 'CSV' } },
      eventMetadata: { eventId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, inferenceTime: new Date(WINDOW_START + (i % 3_600_000)).toISOString() },
      eventVersion: '0',
    }));
  }
  return lines.join('\n') + '\n';
}

/** Writes the capture files and the profile once; later runs reuse them. */
function dataset(lib) {
  const dir = path.join(os.tmpdir(), `cdk-mlops-drift-bench-v${DATASET_VERSION}-${RECORDS}`);
  if (fs.existsSync(path.join(dir, 'complete'))) return dir;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'capture'), { recursive: true });
  const r = rng(42);
  const profile = lib.buildProfile(Array.from({ length: 20_000 }, () => row(r, 0, 0)), schema);
  fs.writeFileSync(path.join(dir, 'profile.json'), JSON.stringify(profile));
  fs.writeFileSync(path.join(dir, 'window.json'), JSON.stringify({ start: new Date(WINDOW_START).toISOString(), end: new Date(WINDOW_END).toISOString() }));
  for (let first = 0, part = 0; first < RECORDS; first += RECORDS_PER_OBJECT, part++) {
    fs.writeFileSync(path.join(dir, 'capture', `part-${String(part).padStart(5, '0')}.jsonl`), captureObject(r, first, Math.min(RECORDS_PER_OBJECT, RECORDS - first)));
  }
  fs.writeFileSync(path.join(dir, 'complete'), '');
  return dir;
}

/** Child mode: the handler's scan and statistics over the dataset's files, as it reads S3 object bodies. */
async function scan(dir, bundlePath) {
  const { CaptureScanner, parseProfile, DEFAULT_POLICY } = require(bundlePath);
  const files = fs.readdirSync(path.join(dir, 'capture')).filter((f) => f.endsWith('.jsonl')).sort().map((f) => path.join(dir, 'capture', f));
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const profile = parseProfile(JSON.parse(fs.readFileSync(path.join(dir, 'profile.json'), 'utf-8')));
  const scanner = new CaptureScanner(profile, WINDOW_START, WINDOW_END);
  for (const file of files) {
    await scanner.addStream(fs.createReadStream(file, { highWaterMark: 64 * 1024 }));
  }
  const summary = scanner.accumulator.summarize(DEFAULT_POLICY);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  process.stdout.write(JSON.stringify({
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    records: scanner.counters.records, malformed: scanner.counters.malformed, outsideWindow: scanner.counters.outsideWindow,
    seconds, recordsPerSecond: scanner.counters.records / seconds, peakRssMiB: process.resourceUsage().maxRSS / 1024,
    features: summary.features, driftedFeatures: summary.driftedFeatures,
  }));
}

function closeEnough(a, b) {
  if (a === null || b === null || a === undefined || b === undefined) return a == b;
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

/** Differences between the handler's and the reference's statistics (empty when they agree). */
function compare(js, py) {
  const problems = [];
  if (js.records !== py.records) problems.push(`records ${js.records} vs ${py.records}`);
  js.features.forEach((f, i) => {
    const g = py.features[i];
    for (const k of ['rows', 'count', 'missing']) if (f[k] !== g[k]) problems.push(`${f.name}.${k} ${f[k]} vs ${g[k]}`);
    const floats = f.type === 'numeric' ? ['mean', 'min', 'max', 'psi', 'ks', 'pValue', 'outOfRangeShare'] : ['psi', 'jsDistance', 'chiSquare', 'chiSquarePValue', 'pValue'];
    for (const k of floats) if (!closeEnough(f[k], g[k])) problems.push(`${f.name}.${k} ${f[k]} vs ${g[k]}`);
    const counts = f.type === 'numeric' ? f.binCounts : Object.values(f.categoryCounts);
    const other = f.type === 'numeric' ? g.binCounts : g.windowCounts;
    if (JSON.stringify(counts) !== JSON.stringify(other)) problems.push(`${f.name} counts differ`);
  });
  if (JSON.stringify(js.driftedFeatures) !== JSON.stringify(py.driftedFeatures)) problems.push(`drifted ${js.driftedFeatures} vs ${py.driftedFeatures}`);
  return problems;
}

function run(cmd, args) {
  const res = spawnSync(cmd, args, { encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024 });
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${res.stderr}`);
  return JSON.parse(res.stdout);
}

function main() {
  const bundlePath = bundle();
  try {
    const dir = dataset(require(bundlePath));
    const js = run(process.execPath, [__filename, '--scan', dir, bundlePath]);
    const hasNumpy = spawnSync('python3', ['-c', 'import numpy, scipy'], { stdio: 'ignore' }).status === 0;
    const py = hasNumpy ? run('python3', [path.join(__dirname, 'drift-reference.py'), dir]) : undefined;
    const problems = py ? compare(js, py) : [];
    const round = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
    console.log(JSON.stringify({
      dataset: dir, records: js.records, features: js.features.length, captureMiB: round(fs.readdirSync(path.join(dir, 'capture'))
        .reduce((n, f) => n + fs.statSync(path.join(dir, 'capture', f)).size, 0) / 2 ** 20),
      seconds: round(js.seconds, 3), referenceSeconds: py ? round(py.seconds, 3) : null,
      cpuSeconds: round(js.cpuSeconds, 3), referenceCpuSeconds: py ? round(py.cpuSeconds, 3) : null,
      cpuRatio: py ? round(py.cpuSeconds / js.cpuSeconds, 2) : null, driftedFeatures: js.driftedFeatures.length,
      reference: py ? `python ${py.python}, numpy ${py.numpy}` : 'python3 with numpy and scipy not found', differences: problems.slice(0, 20),
      node: process.version, cpus: os.cpus().length, loadAverage: os.loadavg().map((x) => round(x, 2)),
    }, null, 2));
    console.log(JSON.stringify({
      recordsPerSecond: Math.round(js.recordsPerSecond),
      peakRssMiB: round(js.peakRssMiB),
      referenceRecordsPerSecond: py ? Math.round(py.recordsPerSecond) : null,
      ratio: py ? round(js.recordsPerSecond / py.recordsPerSecond, 2) : null,
      statisticsAgree: py ? problems.length === 0 : null,
    }));
    if (problems.length > 0) process.exitCode = 1;
  } finally {
    fs.rmSync(bundlePath, { force: true });
  }
}

if (process.argv[2] === '--scan') {
  scan(process.argv[3], process.argv[4]).catch((e) => {
    console.error(e);
    process.exit(1);
  });
} else {
  main();
}
