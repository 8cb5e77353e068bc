#!/usr/bin/env node
// npm run bench: median wall time of synthesizing the reference app and a one-bucket floor app, their ratio,
// and per stack of the reference app the template size and resource count; then the resources and template bytes of 1, 10
// and 25 monitored two-variant endpoints in one stack (and 25 split 10 to a stack). Prints JSON. Not a test.
//
// Each run is a fresh `node` process, as `cdk synth` starts one: the app gets the cdk.json context through
// CDK_CONTEXT_JSON and writes to a temporary CDK_OUTDIR, so the CLI's own start-up is left out of both figures.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.join(__dirname, '..', '..');
const runs = Math.max(5, Number(process.env.BENCH_RUNS ?? 5));
const context = JSON.parse(fs.readFileSync(path.join(root, 'cdk.json'), 'utf-8')).context;
const referenceEntry = path.join(root, 'dist', 'bin', 'mlops-app.js');
if (!fs.existsSync(referenceEntry)) {
  console.error(`synth-bench: ${referenceEntry} is missing; run 'npm run build' first`);
  process.exit(1);
}

function synthOnce(entry) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [entry], {
    cwd: root,
    env: { ...process.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify(context) },
    encoding: 'utf-8',
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) {
    throw new Error(`synth of ${entry} failed:\n${result.stderr}`);
  }
  return { ms, outdir };
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function measure(entry) {
  const times = [];
  let lastOutdir;
  for (let i = 0; i < runs; i++) {
    const { ms, outdir } = synthOnce(entry);
    times.push(ms);
    if (lastOutdir) fs.rmSync(lastOutdir, { recursive: true, force: true });
    lastOutdir = outdir;
  }
  return { medianMs: Math.round(median(times)), runsMs: times.map(Math.round), outdir: lastOutdir };
}

/**
 * Resources and template bytes of the monitored-endpoints app (monitored-app.js) at a count of endpoints, in one stack or
 * `perStack` to a stack: one synth each (figures, not times). A synth the library refuses reports its error instead.
 */
function monitored(count, perStack) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-monitored-'));
  const result = spawnSync(process.execPath, [path.join(__dirname, 'monitored-app.js')], {
    cwd: root,
    env: {
      ...process.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify(context),
      MONITORED_ENDPOINTS: String(count), ...(perStack ? { MONITORED_PER_STACK: String(perStack) } : {}),
    },
    encoding: 'utf-8',
  });
  try {
    if (result.status !== 0) {
      // The library's refusal: a validation at synth ('cdk-mlops: ...'), or a construct's MlopsValidationError and its first
      // problem; else the first line of stderr.
      const atSynth = /cdk-mlops: [^\n]*/.exec(result.stderr);
      const atConstruct = /MlopsValidationError: ([^\n]*)(?:\n\s+- ([^\n]*))?/.exec(result.stderr);
      const line = atSynth ? atSynth[0] : atConstruct ? [atConstruct[1], atConstruct[2]].filter(Boolean).join(' ')
        : result.stderr.split('\n').find((l) => l.trim()) ?? '';
      return { endpoints: count, perStack: perStack ?? count, refused: line.trim() };
    }
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf-8'));
    const stacks = Object.entries(manifest.artifacts).filter(([, a]) => a.type === 'aws:cloudformation:stack').map(([name, a]) => {
      const file = path.join(outdir, a.properties.templateFile);
      return { stack: name, resources: Object.keys(JSON.parse(fs.readFileSync(file, 'utf-8')).Resources ?? {}).length, templateBytes: fs.statSync(file).size };
    });
    const endpointStacks = stacks.filter((st) => st.stack !== 'Shared');
    const resources = endpointStacks.reduce((a, st) => a + st.resources, 0);
    return {
      endpoints: count, perStack: perStack ?? count, stacks,
      perMonitoredEndpoint: { resources: Number((resources / count).toFixed(1)), templateBytes: Math.round(endpointStacks.reduce((a, st) => a + st.templateBytes, 0) / count) },
    };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

const monitoredEndpoints = [monitored(1), monitored(10), monitored(25), monitored(25, 10)];

const reference = measure(referenceEntry);
const floor = measure(path.join(__dirname, 'floor-app.js'));

const manifest = JSON.parse(fs.readFileSync(path.join(reference.outdir, 'manifest.json'), 'utf-8'));
const stacks = Object.entries(manifest.artifacts)
  .filter(([, a]) => a.type === 'aws:cloudformation:stack')
  .map(([name, a]) => {
    const file = path.join(reference.outdir, a.properties.templateFile);
    const template = JSON.parse(fs.readFileSync(file, 'utf-8'));
    return { stack: name, templateBytes: fs.statSync(file).size, resources: Object.keys(template.Resources ?? {}).length };
  });
fs.rmSync(reference.outdir, { recursive: true, force: true });
fs.rmSync(floor.outdir, { recursive: true, force: true });

console.log(JSON.stringify({
  machine: { cpus: os.cpus().length, node: process.version },
  runs,
  referenceApp: { medianMs: reference.medianMs, runsMs: reference.runsMs },
  floorApp: { medianMs: floor.medianMs, runsMs: floor.runsMs },
  ratio: Number((reference.medianMs / floor.medianMs).toFixed(2)),
  stacks,
  monitoredEndpoints,
}, null, 2));
