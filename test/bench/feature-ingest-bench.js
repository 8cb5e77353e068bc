#!/usr/bin/env node
// Feature-ingest mapping benchmark (`npm run bench:feature-ingest`; not a test). BENCH_RECORDS (default 200,000) Kinesis
// records of a 20-feature group (identifier, ISO-8601 event time, 9 Integral, 9 Fractional; 1% with a bad value), each
// decoded from base64, parsed and mapped to a PutRecord Record by lambda/feature-ingest/mapping.ts (sourceItems,
// parseRecord, mapRecord), as the handler does before its AWS calls. Times the mapping only (not PutRecord, whose latency
// bounds the handler in practice). The LAST line printed is one JSON object: {"records", "recordsPerSecond", "rejected"}.
// Exits 1 when the number of rejected records is not the number of bad ones made.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.join(__dirname, '..', '..');
const RECORDS = Number(process.env.BENCH_RECORDS ?? 200_000);
const BATCH = 100;

function bundle() {
  const esbuild = require('esbuild');
  const out = path.join(os.tmpdir(), `feature-ingest-bench-${process.pid}.js`);
  esbuild.buildSync({
    entryPoints: [path.join(root, 'lambda/feature-ingest/mapping.ts')], outfile: out, bundle: true, platform: 'node', target: 'node20',
    format: 'cjs', logLevel: 'warning',
  });
  return out;
}

const out = bundle();
const { mapRecord, parseRecord, schemaFrom, sourceItems } = require(out);
fs.rmSync(out, { force: true });

const defs = [{ FeatureName: 'customer_id', FeatureType: 'String' }, { FeatureName: 'event_time', FeatureType: 'String' }];
for (let i = 0; i < 9; i++) defs.push({ FeatureName: `count_${i}`, FeatureType: 'Integral' });
for (let i = 0; i < 9; i++) defs.push({ FeatureName: `amount_${i}`, FeatureType: 'Fractional' });
const schema = schemaFrom({ RecordIdentifierFeatureName: 'customer_id', EventTimeFeatureName: 'event_time', FeatureDefinitions: defs });

let bad = 0;
const batches = [];
for (let b = 0; b < RECORDS / BATCH; b++) {
  const Records = [];
  for (let j = 0; j < BATCH; j++) {
    const n = b * BATCH + j;
    const o = { customer_id: `c-${n % 50_000}`, event_time: new Date(Date.UTC(2026, 11, 3, 8) + n * 1000).toISOString() };
    for (let i = 0; i < 9; i++) o[`count_${i}`] = (n * (i + 1)) % 1000;
    for (let i = 0; i < 9; i++) o[`amount_${i}`] = ((n * 7 + i) % 10_000) / 100;
    if (n % 100 === 37) { o.count_3 = 'many'; bad++; }
    Records.push({
      eventSource: 'aws:kinesis', eventSourceARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/features',
      kinesis: { data: Buffer.from(JSON.stringify(o)).toString('base64'), sequenceNumber: String(n), partitionKey: o.customer_id },
    });
  }
  batches.push({ Records });
}

let rejected = 0;
const start = process.hrtime.bigint();
for (const event of batches) {
  for (const item of sourceItems(event)) {
    const p = parseRecord(item.data);
    const m = p.value ? mapRecord(schema, p.value) : { ok: false };
    if (!m.ok) rejected++;
  }
}
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
const result = { records: RECORDS, recordsPerSecond: Math.round(RECORDS / seconds), rejected };
console.log(`mapped ${RECORDS} records in ${seconds.toFixed(2)} s (${result.recordsPerSecond} records/s), rejected ${rejected} of ${bad} bad`);
console.log(JSON.stringify(result));
process.exit(rejected === bad ? 0 : 1);
