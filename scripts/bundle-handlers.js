#!/usr/bin/env node
// Bundles every lambda/<name>/index.ts into dist/lambda/<name>/index.js, once, at build time.
// Constructs point at these folders (lib/private/handler-asset.ts); synth never bundles.
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const srcDir = path.join(root, 'lambda');
const outDir = path.join(root, 'dist', 'lambda');

const handlers = fs.existsSync(srcDir)
  ? fs.readdirSync(srcDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(srcDir, d.name, 'index.ts')))
    .map((d) => d.name)
  : [];

fs.rmSync(outDir, { recursive: true, force: true });
if (handlers.length === 0) {
  console.log('bundle-handlers: no handlers under lambda/');
  process.exit(0);
}

const esbuild = require('esbuild');
// esbuild would read the nearest tsconfig.json, which jsii generates for its own compiler target (es2020: class fields
// then default to assignment semantics). The handlers' TypeScript settings are given here instead, so the bundles do
// not depend on jsii's target.
const tsconfigRaw = { compilerOptions: { target: 'ES2022', useDefineForClassFields: true, alwaysStrict: true, esModuleInterop: true } };
for (const name of handlers) {
  const result = esbuild.buildSync({
    entryPoints: [path.join(srcDir, name, 'index.ts')],
    outfile: path.join(outDir, name, 'index.js'),
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['@aws-sdk/*'],
    legalComments: 'none',
    metafile: true,
    tsconfigRaw,
    logLevel: 'warning',
  });
  const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
  console.log(`bundle-handlers: ${name} -> dist/lambda/${name}/index.js (${bytes} bytes)`);
}
