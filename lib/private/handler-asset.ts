import * as fs from 'fs';
import * as path from 'path';
import * as lambda from 'aws-cdk-lib/aws-lambda';

/**
 * The folder of a pre-built handler bundle (`dist/lambda/<name>/index.js`, made by `npm run build`).
 *
 * This module runs from `lib/private` (tests, ts-jest) or from `dist/lib/private` (the published package);
 * both resolve to the same `dist/lambda` folder. Synth never bundles: it only points at the folder.
 */
export function handlerBundleDir(name: string): string {
  const candidates = [
    path.join(__dirname, '..', '..', 'lambda', name), // dist/lib/private -> dist/lambda
    path.join(__dirname, '..', '..', 'dist', 'lambda', name), // lib/private -> dist/lambda
  ];
  for (const dir of candidates) {
    if (fs.existsSync(path.join(dir, 'index.js'))) {
      return dir;
    }
  }
  throw new Error(`cdk-mlops: the bundle of handler '${name}' is missing (looked in ${candidates.join(', ')}). Run 'npm run build'.`);
}

/**
 * The Lambda code of a pre-built handler. A new `AssetCode` per call, because an asset belongs to one
 * stack; the CDK caches the fingerprint of a folder, so the bundle is hashed once per process.
 */
export function handlerCode(name: string): lambda.Code {
  return lambda.Code.fromAsset(handlerBundleDir(name));
}
