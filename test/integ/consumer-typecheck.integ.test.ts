/**
 * A TypeScript user's program compiles against the package as npm delivers it (#10 Done-when): the packed tarball (`npm pack
 * --ignore-scripts` of the build, so exactly `files` of package.json, typed by `types`: dist/lib/index.d.ts) is unpacked into a
 * consumer's node_modules beside its peer dependencies, and a consumer file that assigns an `IModelEndpoint` to aws-cdk-lib's
 * `sagemaker.IEndpoint` and passes it to `apigateway.SagemakerIntegration` is type-checked with the TypeScript compiler in strict
 * mode. test/serving/interfaces.test.ts proves the same against lib/ (the sources); this proves the declarations that ship.
 * A second file that misuses the API must fail to compile, so the check cannot pass by compiling nothing.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.join(__dirname, '..', '..');
/** The peer dependencies of the package (package.json), linked from this project's install as a consumer's npm would install them. */
const PEERS = Object.keys(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf-8')).peerDependencies);

const CONSUMER = `
import { App, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import * as sagemakerAlpha from '@aws-cdk/aws-sagemaker-alpha';
import { DataLake, IModelEndpoint, ModelEndpoint, ServingModel, ServingModelData } from 'cdk-mlops';

const app = new App();
const stack = new Stack(app, 'Consumer');
const lake = new DataLake(stack, 'Lake');
const image = sagemakerAlpha.ContainerImage.fromEcrRepository(ecr.Repository.fromRepositoryName(stack, 'Repo', 'churn'), '1.0.0');
const model = new ServingModel(stack, 'Model', { image, modelData: ServingModelData.fromLakeZone(lake.zone('models'), 'churn/v1/model.tar.gz') });
const endpoint: IModelEndpoint = new ModelEndpoint(stack, 'Endpoint', { variants: [{ name: 'champion', model }] });
const asCdk: sagemaker.IEndpoint = endpoint;
new apigateway.RestApi(stack, 'Api').root.addMethod('POST', new apigateway.SagemakerIntegration(asCdk));
const imported: sagemaker.IEndpoint = ModelEndpoint.fromEndpointAttributes(stack, 'Imported', { endpointName: 'legacy', variantNames: ['a'] });
new apigateway.SagemakerIntegration(imported);
`;

/** Misuse the declarations must refuse: a number where a zone name is expected, and a string where an endpoint is. */
const MISUSE = `
import { Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import { DataLake } from 'cdk-mlops';

const stack = new Stack();
new DataLake(stack, 'Lake').zone(42);
new apigateway.SagemakerIntegration('churn');
`;

function typeCheck(dir: string, file: string): readonly ts.Diagnostic[] {
  const program = ts.createProgram([path.join(dir, file)], {
    strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10, esModuleInterop: true, skipLibCheck: true, types: [],
    // Resolve through the links in the consumer's node_modules, as a consumer's install is laid out, not through their targets.
    preserveSymlinks: true,
  });
  return ts.getPreEmitDiagnostics(program);
}

describe('a TypeScript consumer of the packed package', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-mlops-consumer-'));
  let packageDir: string;

  beforeAll(() => {
    const tarball = execFileSync('npm', ['pack', ROOT, '--ignore-scripts', '--silent', '--pack-destination', work],
      { cwd: ROOT, encoding: 'utf-8' }).trim().split('\n').pop()!;
    const modules = path.join(work, 'node_modules');
    fs.mkdirSync(path.join(modules, '@aws-cdk'), { recursive: true });
    execFileSync('tar', ['-xzf', path.join(work, tarball), '-C', work]);
    packageDir = path.join(modules, 'cdk-mlops');
    fs.renameSync(path.join(work, 'package'), packageDir);
    for (const peer of PEERS) {
      fs.symlinkSync(path.join(ROOT, 'node_modules', peer), path.join(modules, peer), 'dir');
    }
    fs.writeFileSync(path.join(work, 'consumer.ts'), CONSUMER);
    fs.writeFileSync(path.join(work, 'misuse.ts'), MISUSE);
  }, 120000);

  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  test('the package it type-checks against is the packed one: declarations only, no sources', () => {
    const resolved = ts.resolveModuleName('cdk-mlops', path.join(work, 'consumer.ts'), { moduleResolution: ts.ModuleResolutionKind.Node10, preserveSymlinks: true },
      ts.sys).resolvedModule;
    expect(resolved?.resolvedFileName).toEqual(path.join(packageDir, 'dist', 'lib', 'index.d.ts'));
    expect(fs.existsSync(path.join(packageDir, 'lib'))).toBe(false);
  });

  test('an IModelEndpoint is a sagemaker.IEndpoint and feeds apigateway.SagemakerIntegration', () => {
    const diagnostics = typeCheck(work, 'consumer.ts');
    expect(diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
  }, 120000);

  test('misuse fails to compile: the check reads the declarations', () => {
    const codes = typeCheck(work, 'misuse.ts').map((d) => [d.start !== undefined ? d.file!.getLineAndCharacterOfPosition(d.start).line : -1, d.code]);
    // Line 7: a number is not a zone name; line 8: a string is not an IEndpoint (TS2345, argument not assignable, both).
    expect(codes).toEqual([[6, 2345], [7, 2345]]);
  }, 120000);
});
