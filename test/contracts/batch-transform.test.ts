import validateAsl from 'asl-validator';
import { execute } from './asl/interpreter';
import { transformWorld } from './asl/transform-world';
import { ContractApp } from './harness/apps';
import { describeIamContract } from './harness/run';
import { BATCH_APPS, BATCH_CONTRACT, RUN_ID, batchSubject } from './tables/batch-transform';
import { BATCH_EXECUTIONS, pathFor } from './tables/batch-transform-executions';

// The batch transform's contracts, over its minimal, full and ServingModel apps, each synthesized once and shared by the IAM
// table and the executions.
const apps = Object.entries(BATCH_APPS).map(([label, build]) => {
  const spec = build();
  const app = new ContractApp(label, spec.app);
  return { app, subject: batchSubject(app, spec), definition: app.definition(spec.batch.stateMachine) };
});

describeIamContract('batch transform', apps, BATCH_CONTRACT);

describe.each(apps.map((a) => [a.app.label, a] as const))('the batch transform state machine of the %s', (_label, { subject: s, definition }) => {
  const world = (w: Parameters<typeof transformWorld>[0]) => transformWorld({
    ...w, existingModels: w?.existingModels?.map((m) => (m === '<serving>' ? s.servingModelName! : m)),
  });
  const run = (w: ReturnType<typeof transformWorld>, input: any = {}) =>
    execute(definition, input, { tasks: w.tasks, stateMachineArn: s.stateMachineArn, executionName: 'run-1' });

  test('is valid Amazon States Language (asl-validator)', () => {
    const { isValid, errors } = validateAsl(JSON.parse(JSON.stringify(definition)));
    expect({ isValid, errors }).toEqual({ isValid: true, errors: [] });
  });

  for (const scenario of BATCH_EXECUTIONS) {
    if (scenario.when && !scenario.when(s)) {
      continue;
    }
    test(scenario.name, async () => {
      const w = world(scenario.world);
      const e = await run(w, scenario.input);
      const retries: Record<string, number> = {};
      for (const h of e.history) {
        if (h.type === 'RetryScheduled') {
          retries[h.state] = (retries[h.state] ?? 0) + 1;
        }
      }
      expect({ status: e.status, error: e.error, path: e.path, retries, modelsLeft: w.log.models.size }).toEqual({
        status: scenario.status, error: scenario.error, path: pathFor(s, scenario.path), retries: scenario.retries ?? {},
        modelsLeft: scenario.modelsLeft ?? 0,
      });
    });
  }

  test('on the success path, each task receives what the API reference asks for', async () => {
    const w = world({ existingModels: s.servingModelName ? ['<serving>'] : [] });
    const e = await run(w);
    expect(e.status).toBe('SUCCEEDED');
    const bucket = (arn: string) => arn.replace('arn:aws:s3:::', '');
    const transform = w.log.calls.find((c) => c.state === 'Transform')!.arguments;
    // https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateTransformJob.html#sagemaker-CreateTransformJob-request-TransformJobName
    expect(transform.TransformJobName).toMatch(new RegExp(`^${s.prefix}-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`));
    expect(transform.TransformJobName.length).toBeLessThanOrEqual(63);
    const runId = transform.TransformJobName.slice(s.prefix.length + 1);
    expect(transform.TransformInput.DataSource.S3DataSource).toEqual({ S3DataType: 'S3Prefix', S3Uri: `s3://${bucket(s.inputBucketArn)}/${s.spec.input.prefix}` });
    expect(transform.TransformOutput.S3OutputPath).toBe(`s3://${bucket(s.outputBucketArn)}/${s.outputPrefix}${runId}/`);
    expect(transform.TransformOutput.KmsKeyId).toBe(s.outputKeyArn);
    // MaxPayloadInMB x MaxConcurrentTransforms at most 100 (API reference).
    expect(transform.MaxPayloadInMB * (transform.MaxConcurrentTransforms ?? 1)).toBeLessThanOrEqual(100);
    if (s.captureBucketArn) {
      // https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_BatchDataCaptureConfig.html
      expect(transform.DataCaptureConfig).toEqual({
        DestinationS3Uri: `s3://${bucket(s.captureBucketArn)}/${s.spec.capture!.prefix}`, KmsKeyId: expect.stringMatching(/^arn:aws:kms:/), GenerateInferenceId: true,
      });
    }
    if (s.packageArn) {
      const create = w.log.calls.find((c) => c.state === 'DefineModel')!.arguments;
      // https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateModel.html: the newest approved version (2 of [1, 2]), or the given one.
      expect(create).toMatchObject({
        ModelName: transform.TransformJobName, ExecutionRoleArn: s.modelRoleArn,
        Containers: [{ ModelPackageName: s.spec.version ? s.packageArn : s.packageArn.replace(/\/1$/, '/2') }],
      });
      expect(transform.ModelName).toBe(create.ModelName);
      expect(w.log.calls.find((c) => c.state === 'DeleteModel')!.arguments).toEqual({ ModelName: create.ModelName });
      expect(e.output).toEqual({
        transformJobName: transform.TransformJobName,
        outputUri: transform.TransformOutput.S3OutputPath,
        modelPackageArn: create.Containers[0].ModelPackageName,
      });
    } else {
      expect(transform.ModelName).toBe(s.servingModelName);
      expect(e.output).toEqual({ transformJobName: transform.TransformJobName, outputUri: transform.TransformOutput.S3OutputPath });
    }
    if (s.spec.vpc) {
      expect(w.log.calls.find((c) => c.state === 'DefineModel')!.arguments).toMatchObject({
        EnableNetworkIsolation: true, VpcConfig: { Subnets: s.subnetArns!.map((a) => a.split('/')[1]) },
      });
    }
  });

  test('an S3 Object Created event scores exactly that object, and a run input may narrow the prefix', async () => {
    const key = `${s.spec.input.prefix}2026-12-01/part-0007.csv`;
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html (Object Created: detail.bucket.name, detail.object.key)
    const event = { 'detail-type': 'Object Created', 'source': 'aws.s3', 'detail': { bucket: { name: 'lake' }, object: { key, size: 1024 } } };
    for (const [input, expected] of [[event, key], [{ inputPrefix: `${s.spec.input.prefix}2026-12/` }, `${s.spec.input.prefix}2026-12/`]] as const) {
      const w = world({ existingModels: s.servingModelName ? ['<serving>'] : [] });
      const e = await run(w, input);
      expect(e.status).toBe('SUCCEEDED');
      const transform = w.log.calls.find((c) => c.state === 'Transform')!.arguments;
      expect(transform.TransformInput.DataSource.S3DataSource.S3Uri).toBe(`s3://${s.inputBucketArn.replace('arn:aws:s3:::', '')}/${expected}`);
    }
  });

  test('each run has its own job name and output prefix (run ids are UUIDs)', async () => {
    const names = new Set<string>();
    for (const seed of [1, 2, 3]) {
      const w = world({ existingModels: s.servingModelName ? ['<serving>'] : [] });
      await execute(definition, {}, { tasks: w.tasks, stateMachineArn: s.stateMachineArn, executionName: `run-${seed}`, seed });
      names.add(w.log.jobs[0].TransformOutput.S3OutputPath);
    }
    expect(names.size).toBe(3);
    expect(RUN_ID).toHaveLength(36);
  });
});
