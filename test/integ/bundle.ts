/**
 * Loads a handler as it ships: bundled by esbuild with the options of scripts/bundle-handlers.js (node20, CJS,
 * minified, @aws-sdk/* external), compiled in memory as a plain Node module that resolves the AWS SDK from the
 * project's node_modules, outside jest's module registry. No `npm run build` needed.
 */
import * as path from 'path';
import * as esbuild from 'esbuild';

const Module = require('module');

const root = path.join(__dirname, '..', '..');

export function loadBundledHandler<T>(name: string): T {
  const result = esbuild.buildSync({
    entryPoints: [path.join(root, 'lambda', name, 'index.ts')],
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['@aws-sdk/*'],
    write: false,
    logLevel: 'warning',
  });
  const filename = path.join(root, 'dist', 'lambda', name, 'index.js');
  const m = new Module(filename);
  m.filename = filename;
  m.paths = Module._nodeModulePaths(path.dirname(filename));
  m._compile(result.outputFiles[0].text, filename);
  return m.exports as T;
}
