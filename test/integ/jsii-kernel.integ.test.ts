/**
 * The assembly is loadable (#18 item 3): the jsii kernel, which every jsii language binding (Python, Java, .NET, Go) talks to,
 * loads the packed tarball of this package with its dependencies and creates a DataLake and a ModelEndpoint through the kernel
 * API, then synthesizes the app: the path a Python program takes (`import cdk_mlops` starts this runtime and sends it these
 * requests). The runtime is @jsii/runtime's own process (`webpack/bin/jsii-runtime.js`), spoken to over its stdin/stdout JSON
 * protocol (https://aws.github.io/jsii/specification/3-kernel-api/). This package is packed from the build (`npm pack
 * --ignore-scripts`); its dependencies are the registry's tarballs of the installed versions (from npm's cache, which `npm ci`
 * filled): a published tarball carries its bundled dependencies, a folder of node_modules does not.
 */
import { ChildProcessWithoutNullStreams, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as readline from 'readline';

const ROOT = path.join(__dirname, '..', '..');
const RUNTIME = path.join(ROOT, 'node_modules', '@jsii', 'runtime', 'webpack', 'bin', 'jsii-runtime.js');

/** The jsii assemblies to load, dependencies first: this package's, and the non-bundled jsii dependencies of aws-cdk-lib. */
const ASSEMBLIES = ['constructs', '@aws-cdk/asset-awscli-v1', '@aws-cdk/asset-node-proxy-agent-v6', '@aws-cdk/cloud-assembly-schema',
  'aws-cdk-lib', '@aws-cdk/aws-sagemaker-alpha'];

type Ref = { '$jsii.byref': string };

class KernelClient {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting: ((message: any) => void)[] = [];
  private readonly early: any[] = [];

  constructor() {
    // JSII_SILENCE_WARNING_*: the runtime warns on Node.js 20, which this project runs on (DESIGN.md).
    this.child = spawn(process.execPath, [RUNTIME], { env: { ...process.env, JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: '1' } });
    readline.createInterface({ input: this.child.stdout }).on('line', (line) => {
      const message = JSON.parse(line);
      const next = this.waiting.shift();
      if (next) next(message); else this.early.push(message);
    });
    this.child.stderr.resume();
  }

  next(): Promise<any> {
    const queued = this.early.shift();
    return queued ? Promise.resolve(queued) : new Promise((resolve) => this.waiting.push(resolve));
  }

  async request(req: Record<string, unknown>): Promise<any> {
    this.child.stdin.write(`${JSON.stringify(req)}\n`);
    const message = await this.next();
    if (message.error) throw new Error(`${req.api}: ${typeof message.error === 'string' ? message.error : JSON.stringify(message.error)}`);
    if (message.callback) throw new Error(`${req.api}: unexpected callback ${JSON.stringify(message.callback)}`);
    return message.ok;
  }

  create(fqn: string, ...args: unknown[]): Promise<Ref> {
    return this.request({ api: 'create', fqn, args });
  }

  async invoke(objref: Ref, method: string, ...args: unknown[]): Promise<any> {
    return (await this.request({ api: 'invoke', objref, method, args })).result;
  }

  async sinvoke(fqn: string, method: string, ...args: unknown[]): Promise<any> {
    return (await this.request({ api: 'sinvoke', fqn, method, args })).result;
  }

  close(): void {
    this.child.stdin.end();
    this.child.kill();
  }
}

function pack(spec: string, into: string): string {
  const out = execFileSync('npm', ['pack', spec, '--ignore-scripts', '--prefer-offline', '--silent', '--pack-destination', into],
    { cwd: ROOT, encoding: 'utf-8' });
  return path.join(into, out.trim().split('\n').pop()!);
}

describe('the jsii kernel', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-mlops-kernel-'));
  const kernel = new KernelClient();
  let template: any;

  beforeAll(async () => {
    const hello = await kernel.next();
    expect(hello.hello).toMatch(/^@jsii\/runtime@/);
    for (const name of [...ASSEMBLIES, 'cdk-mlops']) {
      const dir = name === 'cdk-mlops' ? ROOT : path.join(ROOT, 'node_modules', name);
      const version = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf-8')).version;
      const tarball = pack(name === 'cdk-mlops' ? ROOT : `${name}@${version}`, work);
      const loaded = await kernel.request({ api: 'load', name, version, tarball });
      expect(loaded.assembly).toEqual(name);
    }

    const outdir = path.join(work, 'cdk.out');
    const app = await kernel.create('aws-cdk-lib.App', { outdir, context: { '@aws-cdk/core:validateAgainstDefaultRules': false } });
    const stack = await kernel.create('aws-cdk-lib.Stack', app, 'Churn', { env: { account: '123456789012', region: 'us-east-1' } });
    const lake = await kernel.create('cdk-mlops.DataLake', stack, 'Lake');
    const models = await kernel.invoke(lake, 'zone', 'models');
    const repository = await kernel.sinvoke('aws-cdk-lib.aws_ecr.Repository', 'fromRepositoryName', stack, 'Repo', 'churn');
    const image = await kernel.sinvoke('@aws-cdk/aws-sagemaker-alpha.ContainerImage', 'fromEcrRepository', repository, '1.0.0');
    const modelData = await kernel.sinvoke('cdk-mlops.ServingModelData', 'fromLakeZone', models, 'churn/v1/model.tar.gz');
    const model = await kernel.create('cdk-mlops.ServingModel', stack, 'Model', { image, modelData });
    await kernel.create('cdk-mlops.ModelEndpoint', stack, 'Endpoint', { variants: [{ name: 'champion', model }] });
    await kernel.invoke(app, 'synth');
    template = JSON.parse(fs.readFileSync(path.join(outdir, 'Churn.template.json'), 'utf-8'));
  }, 240000);

  afterAll(() => {
    kernel.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  const ofType = (type: string) => Object.values<any>(template.Resources).filter((r) => r.Type === type);

  test('loads the packed assembly and synthesizes a DataLake through the kernel API', () => {
    expect(ofType('AWS::S3::Bucket').length).toBeGreaterThanOrEqual(5);
    expect(ofType('AWS::KMS::Key').length).toBeGreaterThanOrEqual(1);
  });

  test('creates a ModelEndpoint whose one variant serves the model from the lake', () => {
    const [config] = ofType('AWS::SageMaker::EndpointConfig');
    expect(config.Properties.ProductionVariants.map((v: any) => v.VariantName)).toEqual(['champion']);
    expect(ofType('AWS::SageMaker::Endpoint')).toHaveLength(1);
    const [model] = ofType('AWS::SageMaker::Model');
    expect(JSON.stringify(model.Properties)).toContain('churn/v1/model.tar.gz');
  });
});
