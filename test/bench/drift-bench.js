#!/usr/bin/env node
// Drift benchmark: 1,000,000 synthetic SageMaker capture records of 20 features (15 numeric, 5 categorical)
// streamed through the drift handler's own line reader (readline over a stream) and bounded accumulators,
// as the handler does for each S3 object. Prints JSON: records per second and peak memory. Not a test.
//
// Bundles lambda/drift/scan.ts, lambda/shared/profile.ts with esbuild first, so it needs no build step and no AWS.
// BENCH_RECORDS overrides the record count; BENCH_BASE64_SHARE the share of base64 JSON payloads (default 0.1).
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const readline = require('readline');
const { Readable } = require('stream');
const esbuild = require('esbuild');

const root = path.join(__dirname, '..', '..');
const RECORDS = Number(process.env.BENCH_RECORDS ?? 1_000_000);
const BASE64_SHARE = Number(process.env.BENCH_BASE64_SHARE ?? 0.1);
const RECORDS_PER_OBJECT = 10_000;
const NUMERIC = 15;
const CATEGORICAL = 5;

function load() {
  const entry = path.join(os.tmpdir(), `drift-bench-entry-${process.pid}.ts`);
  const out = path.join(os.tmpdir(), `drift-bench-${process.pid}.js`);
  fs.writeFileSync(entry, [
    `export { CaptureScanner } from ${JSON.stringify(path.join(root, 'lambda/drift/scan'))};`,
    `export { buildProfile } from ${JSON.stringify(path.join(root, 'lambda/shared/profile'))};`,
    `export { DEFAULT_POLICY } from ${JSON.stringify(path.join(root, 'lambda/drift/decide'))};`,
  ].join('\n'));
  try {
    esbuild.buildSync({ entryPoints: [entry], outfile: out, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning' });
    return require(out);
  } finally {
    fs.rmSync(entry, { force: true });
    fs.rmSync(out, { force: true });
  }
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

function row(r, shift) {
  const v = [];
  for (let i = 0; i < NUMERIC; i++) v.push((i * 10 + shift + (1 + i / 10) * r.normal()).toFixed(4));
  for (let i = 0; i < CATEGORICAL; i++) v.push(categories[Math.floor(r.next() * r.next() * categories.length)]);
  return v;
}

function captureObject(r, first, count, startMs) {
  const lines = [];
  for (let k = 0; k < count; k++) {
    const i = first + k;
    const values = row(r, i % 2 ? 0.3 : 0);
    let input;
    if (r.next() < BASE64_SHARE) {
      const doc = Object.fromEntries(schema.map((f, j) => [f.name, f.type === 'numeric' ? Number(values[j]) : values[j]]));
      input = { observedContentType: 'application/json', mode: 'INPUT', data: Buffer.from(JSON.stringify(doc)).toString('base64'), encoding: 'BASE64' };
    } else {
      input = { observedContentType: 'text/csv', mode: 'INPUT', data: values.join(','), encoding: 'CSV' };
    }
    lines.push(JSON.stringify({
      captureData: { endpointInput: input, endpointOutput: { observedContentType: 'text/csv; charset=utf-8', mode: 'OUTPUT', data: r.next().toFixed(6), encoding: 'CSV' } },
      eventMetadata: { eventId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, inferenceTime: new Date(startMs + (i % 3_600_000)).toISOString() },
      eventVersion: '0',
    }));
  }
  return lines.join('\n') + '\n';
}

async function main() {
  const { CaptureScanner, buildProfile, DEFAULT_POLICY } = load();
  const r = rng(42);
  const baselineRows = Array.from({ length: 20_000 }, () => row(r, 0));
  const profile = buildProfile(baselineRows, schema);
  baselineRows.length = 0;

  const startMs = Date.parse('2026-11-23T09:00:00Z');
  const scanner = new CaptureScanner(profile, startMs, startMs + 3_600_000);
  let scanNs = 0n;
  let bytes = 0;
  let objects = 0;
  const wallStart = process.hrtime.bigint();
  for (let first = 0; first < RECORDS; first += RECORDS_PER_OBJECT) {
    const text = captureObject(r, first, Math.min(RECORDS_PER_OBJECT, RECORDS - first), startMs);
    const body = Buffer.from(text);
    bytes += body.length;
    objects++;
    const t0 = process.hrtime.bigint();
    // Like the handler: a byte stream in 64 KiB chunks, split into lines by readline.
    const chunks = [];
    for (let o = 0; o < body.length; o += 65536) chunks.push(body.subarray(o, o + 65536));
    const lines = readline.createInterface({ input: Readable.from(chunks), crlfDelay: Infinity });
    for await (const line of lines) scanner.addLine(line);
    scanNs += process.hrtime.bigint() - t0;
  }
  const t0 = process.hrtime.bigint();
  const summary = scanner.accumulator.summarize(DEFAULT_POLICY);
  const summarizeMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const wallMs = Number(process.hrtime.bigint() - wallStart) / 1e6;
  const scanMs = Number(scanNs) / 1e6;
  const mem = process.memoryUsage();

  console.log(JSON.stringify({
    records: scanner.counters.records,
    features: schema.length,
    malformed: scanner.counters.malformed,
    captureObjects: objects,
    captureMiB: Math.round((bytes / 2 ** 20) * 10) / 10,
    base64Share: BASE64_SHARE,
    scanSeconds: Math.round(scanMs) / 1000,
    recordsPerSecond: Math.round(scanner.counters.records / (scanMs / 1000)),
    summarizeMs: Math.round(summarizeMs * 10) / 10,
    wallSecondsInclGeneration: Math.round(wallMs) / 1000,
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    heapUsedMiBAtEnd: Math.round(mem.heapUsed / 2 ** 20),
    driftedFeatures: summary.driftedFeatures.length,
    node: process.version,
    cpus: os.cpus().length,
  }, null, 2));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
