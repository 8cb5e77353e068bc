import validateAsl from 'asl-validator';
import { execute } from './asl/interpreter';
import { INSUFFICIENT_CAPACITY, THROTTLED_SYNC, trainingWorld } from './asl/sagemaker-world';
import { ContractApp } from './harness/apps';
import { describeIamContract } from './harness/run';
import { TRAINING_APPS, TRAINING_CONTRACT, trainingSubject } from './tables/training';
import { TRAINING_EXECUTIONS } from './tables/training-executions';
import { TUNING_APPS, TUNING_CONTRACT, tuningSubject } from './tables/training-tuning';
import { TUNING_EXECUTIONS } from './tables/training-tuning-executions';

// The training capability's contracts, over the reference app and the minimal and full pipeline, each synthesized once and
// shared by the IAM table and the executions.
const apps = Object.entries(TRAINING_APPS).map(([label, build]) => {
  const spec = build();
  const app = new ContractApp(label, spec.app);
  return { app, subject: trainingSubject(app, spec), definition: app.definition(spec.pipeline.stateMachine) };
});

describeIamContract('training', apps, TRAINING_CONTRACT);

const NOTIFY_STATES = new Set(['NotifySuccess', 'NotifyQualityGateFailed', 'NotifyFailure', 'RegisteredWithoutNotification']);

describe.each(apps.map((a) => [a.app.label, a] as const))('the training state machine of the %s', (_label, { subject: s, definition }) => {
  test('is valid Amazon States Language (asl-validator)', () => {
    // (asl-validator writes a default QueryLanguage into each state: give it a copy.)
    const { isValid, errors } = validateAsl(JSON.parse(JSON.stringify(definition)));
    expect({ isValid, errors }).toEqual({ isValid: true, errors: [] });
  });

  for (const scenario of TRAINING_EXECUTIONS) {
    if (scenario.when && !scenario.when(s)) {
      continue;
    }
    const run = scenario.knownDefect ? test.failing : test;
    run(`${scenario.name}${scenario.knownDefect ? ` [known defect ${scenario.knownDefect}]` : ''}`, async () => {
      const world = trainingWorld(scenario.world);
      const e = await execute(definition, scenario.input ?? {}, { tasks: world.tasks, stateMachineArn: s.stateMachineArn, executionName: 'run-1' });
      const retries: Record<string, number> = {};
      for (const h of e.history) {
        if (h.type === 'RetryScheduled') {
          retries[h.state] = (retries[h.state] ?? 0) + 1;
        }
      }
      const hasTopic = s.topicArn !== undefined;
      const notifications = world.log.notifications.map((n) => n.message.status);
      expect({
        status: e.status,
        error: e.error,
        path: scenario.path ? e.path : undefined,
        retries,
        notifications: scenario.notifications ? notifications : undefined,
        entered: (scenario.notEntered ?? []).filter((st) => e.path.includes(st)),
      }).toEqual({
        status: scenario.status,
        error: scenario.error,
        path: scenario.path && (hasTopic ? scenario.path : scenario.path.filter((p) => !NOTIFY_STATES.has(p))),
        retries: scenario.retries ?? {},
        notifications: scenario.notifications && (hasTopic ? scenario.notifications : []),
        entered: [],
      });
    });
  }

  test('on the success path, each task receives what the API reference asks for', async () => {
    const world = trainingWorld({ metrics: { 'validation:auc': 0.91, 'train:loss': 0.2 } });
    const e = await execute(definition, {}, { tasks: world.tasks, stateMachineArn: s.stateMachineArn, executionName: 'run-1' });
    const [listRuns, train, describeJob, register, ...notify] = world.log.calls;
    // https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListExecutions.html
    expect(listRuns).toMatchObject({ state: 'CheckOtherRuns', arguments: { StateMachineArn: s.stateMachineArn, StatusFilter: 'RUNNING' } });
    const jobName = train.arguments.TrainingJobName;
    // https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateTrainingJob.html#sagemaker-CreateTrainingJob-request-TrainingJobName
    expect(jobName).toMatch(new RegExp(`^${s.prefix}-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`));
    expect(jobName.length).toBeLessThanOrEqual(63);
    expect(train.arguments.RoleArn).toBe(s.trainingRoleArn);
    expect(train.arguments.InputDataConfig.map((c: any) => c.DataSource.S3DataSource.S3Uri))
      .toEqual(s.channels.map((c) => `s3://${c.bucketArn.replace('arn:aws:s3:::', '')}/${c.prefix}`));
    expect(train.arguments.OutputDataConfig).toEqual({
      S3OutputPath: `s3://${s.modelsBucketArn.replace('arn:aws:s3:::', '')}/${s.outputPrefix}`,
      ...(s.modelsKeyArn ? { KmsKeyId: s.modelsKeyArn } : {}),
    });
    if (s.spec.spot) {
      expect(train.arguments.EnableManagedSpotTraining).toBe(true);
      expect(train.arguments.StoppingCondition.MaxWaitTimeInSeconds).toBeGreaterThanOrEqual(train.arguments.StoppingCondition.MaxRuntimeInSeconds);
      expect(train.arguments.CheckpointConfig.S3Uri).toBe(`s3://${s.modelsBucketArn.replace('arn:aws:s3:::', '')}/${s.checkpointPrefix}${jobName}/`);
    }
    expect(describeJob.arguments).toEqual({ TrainingJobName: jobName });
    // https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateModelPackage.html
    expect(register.arguments).toMatchObject({
      ModelPackageGroupName: s.spec.registryGroup,
      ClientToken: jobName.slice(s.prefix.length + 1),
      InferenceSpecification: { Containers: [{ ModelDataUrl: `s3://${s.modelsBucketArn.replace('arn:aws:s3:::', '')}/${s.outputPrefix}${jobName}/output/model.tar.gz` }] },
      CustomerMetadataProperties: { TrainingJobName: jobName, MetricValue: '0.91' },
    });
    expect(register.arguments.ClientToken.length).toBeLessThanOrEqual(36);
    if (s.topicArn) {
      expect(notify).toHaveLength(1);
      expect(notify[0].arguments.TopicArn).toBe(s.topicArn);
      expect(world.log.notifications[0].message).toMatchObject({
        status: 'SUCCEEDED', trainingJobName: jobName, value: 0.91,
        modelPackageArn: `arn:aws:sagemaker:us-east-1:123456789012:model-package/${s.spec.registryGroup}/1`,
        execution: `${s.stateMachineArn.replace(':stateMachine:', ':execution:')}:run-1`,
      });
    } else {
      expect(notify).toHaveLength(0);
    }
    expect(e.status).toBe('SUCCEEDED');
  });

  test('throttled CreateTrainingJob waits 10 s doubling, and calls again with the same job name', async () => {
    // https://docs.aws.amazon.com/step-functions/latest/dg/connect-sagemaker.html (.sync reports API errors as SageMaker.AmazonSageMakerException)
    const world = trainingWorld({ metrics: { 'validation:auc': 0.91 }, errors: { Train: Array(6).fill(THROTTLED_SYNC) } });
    const e = await execute(definition, {}, { tasks: world.tasks, stateMachineArn: s.stateMachineArn, executionName: 'run-1' });
    expect(e.history.filter((h) => h.type === 'Waited').map((h: any) => [h.state, h.seconds])).toEqual(
      [10, 20, 40, 80, 160, 300].map((sec) => ['WaitAfterThrottling', sec]));
    const names = world.log.calls.filter((c) => c.state === 'Train').map((c) => c.arguments.TrainingJobName);
    expect(names).toHaveLength(7);
    expect(new Set(names).size).toBe(1);
    expect(e.status).toBe('SUCCEEDED');
  });

  test('a capacity failure waits 2 minutes doubling up to 30, and each new job has a new name under the prefix', async () => {
    // https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-eu-capacity-error.html; a job name is unique per account and Region
    // (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateTrainingJob.html#sagemaker-CreateTrainingJob-request-TrainingJobName).
    const noCapacity = { error: 'States.TaskFailed', cause: JSON.stringify({ TrainingJobStatus: 'Failed', FailureReason: INSUFFICIENT_CAPACITY }) };
    const world = trainingWorld({ metrics: { 'validation:auc': 0.91 }, errors: { Train: Array(7).fill(noCapacity) } });
    const e = await execute(definition, {}, { tasks: world.tasks, stateMachineArn: s.stateMachineArn, executionName: 'run-1' });
    expect(e.history.filter((h) => h.type === 'Waited').map((h: any) => h.seconds)).toEqual([120, 240, 480, 960, 1800, 1800, 1800]);
    const names = world.log.calls.filter((c) => c.state === 'Train').map((c) => c.arguments.TrainingJobName);
    expect(names).toHaveLength(8);
    expect(new Set(names).size).toBe(8);
    for (const name of names) {
      expect(name).toMatch(new RegExp(`^${s.prefix}-[0-9a-f-]{36}$`));
    }
    // The model registered is the last job's, and its idempotency token is that job's run id.
    const register = world.log.calls.find((c) => c.state === 'RegisterModel')!;
    expect(register.arguments.CustomerMetadataProperties.TrainingJobName).toBe(names[7]);
    expect(register.arguments.ClientToken).toBe(names[7].slice(s.prefix.length + 1));
    expect(e.status).toBe('SUCCEEDED');
  });

  test('a run input\'s hyperparameters and data window reach CreateTrainingJob', async () => {
    // https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateTrainingJob.html#sagemaker-CreateTrainingJob-request-HyperParameters
    const world = trainingWorld({ metrics: { 'validation:auc': 0.91 } });
    const train0 = s.channels[0];
    const input = { hyperparameters: { epochs: 40, early_stop: true }, channels: { train: `${train0.prefix}2026-12/` } };
    const e = await execute(definition, input, { tasks: world.tasks, stateMachineArn: s.stateMachineArn, executionName: 'run-1' });
    const train = world.log.calls.find((c) => c.state === 'Train')!;
    expect(train.arguments.HyperParameters).toMatchObject({ epochs: '40', early_stop: 'true' });
    expect(train.arguments.InputDataConfig[0].DataSource.S3DataSource.S3Uri)
      .toBe(`s3://${train0.bucketArn.replace('arn:aws:s3:::', '')}/${train0.prefix}2026-12/`);
    expect(e.status).toBe('SUCCEEDED');
  });

  test('a failed job\'s notification and final error carry the job\'s failure reason', async () => {
    const world = trainingWorld({ jobEnds: 'Failed' });
    const e = await execute(definition, {}, { tasks: world.tasks, stateMachineArn: s.stateMachineArn });
    expect(JSON.parse(e.cause!)).toMatchObject({ TrainingJobStatus: 'Failed', FailureReason: expect.stringContaining('AlgorithmError') });
    if (s.topicArn) {
      expect(world.log.notifications[0].message).toMatchObject({ status: 'FAILED', error: 'States.TaskFailed', cause: e.cause });
    }
  });

  test('a missed gate says which metric, its value and the requirement', async () => {
    const world = trainingWorld({ metrics: { 'validation:auc': 0.8 } });
    const e = await execute(definition, {}, { tasks: world.tasks, stateMachineArn: s.stateMachineArn });
    expect(e.cause).toMatch(/validation:auc = 0\.8, required >= 0\.85; it was not registered/);
  });
});

// --- Tuning: the same pipeline with a tuning job in place of the training job. ------------------------------------------------
const tunedApps = Object.entries(TUNING_APPS).map(([label, build]) => {
  const spec = build();
  const app = new ContractApp(label, spec.app);
  return { app, subject: tuningSubject(app, spec), definition: app.definition(spec.pipeline.stateMachine) };
});

describeIamContract('training (tuning)', tunedApps, TUNING_CONTRACT);

describe.each(tunedApps.map((a) => [a.app.label, a] as const))('the tuning state machine of the %s', (_label, { subject: s, definition }) => {
  test('is valid Amazon States Language (asl-validator)', () => {
    const { isValid, errors } = validateAsl(JSON.parse(JSON.stringify(definition)));
    expect({ isValid, errors }).toEqual({ isValid: true, errors: [] });
  });

  for (const scenario of TUNING_EXECUTIONS) {
    test(scenario.name, async () => {
      const world = trainingWorld(scenario.world);
      const e = await execute(definition, scenario.input ?? {}, { tasks: world.tasks, stateMachineArn: s.stateMachineArn, executionName: 'run-1' });
      const retries: Record<string, number> = {};
      for (const h of e.history) {
        if (h.type === 'RetryScheduled') {
          retries[h.state] = (retries[h.state] ?? 0) + 1;
        }
      }
      const hasTopic = s.topicArn !== undefined;
      expect({
        status: e.status,
        error: e.error,
        path: e.path,
        retries,
        notifications: world.log.notifications.map((n) => n.message.status),
        entered: (scenario.notEntered ?? []).filter((st) => e.path.includes(st)),
      }).toEqual({
        status: scenario.status,
        error: scenario.error,
        path: hasTopic ? scenario.path : scenario.path!.filter((p) => !NOTIFY_STATES.has(p)),
        retries: scenario.retries ?? {},
        notifications: hasTopic ? scenario.notifications : [],
        entered: [],
      });
    });
  }

  test('on the success path, the tuning job is named under the prefix, trains the plain run\'s job, and its best job is registered', async () => {
    const world = trainingWorld({ metrics: { 'validation:auc': 0.91, 'train:loss': 0.04 } });
    const e = await execute(definition, { hyperparameters: { epochs: 5, eta: '0.5' } }, { tasks: world.tasks, stateMachineArn: s.stateMachineArn, executionName: 'run-1' });
    expect(e.status).toBe('SUCCEEDED');
    const [, tune, describeJob, register] = world.log.calls;
    // https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateHyperParameterTuningJob.html#sagemaker-CreateHyperParameterTuningJob-request-HyperParameterTuningJobName
    const name = tune.arguments.HyperParameterTuningJobName;
    expect(name).toMatch(new RegExp(`^${s.prefix}-[0-9a-f]{12}$`));
    expect(name.length).toBeLessThanOrEqual(32);
    const def = tune.arguments.TrainingJobDefinition;
    expect(def.RoleArn).toBe(s.trainingRoleArn);
    expect(def.OutputDataConfig).toEqual({
      S3OutputPath: `s3://${s.modelsBucketArn.replace('arn:aws:s3:::', '')}/${s.outputPrefix}`,
      ...(s.modelsKeyArn ? { KmsKeyId: s.modelsKeyArn } : {}),
    });
    expect(def.InputDataConfig.map((c: any) => c.DataSource.S3DataSource.S3Uri))
      .toEqual(s.channels.map((c) => `s3://${c.bucketArn.replace('arn:aws:s3:::', '')}/${c.prefix}`));
    // The execution's hyperparameters override the static ones, but never a tuned one (SageMaker rejects a hyperparameter that is both).
    expect(def.StaticHyperParameters.epochs).toBe('5');
    const tuned = [
      ...(tune.arguments.HyperParameterTuningJobConfig.ParameterRanges.ContinuousParameterRanges ?? []),
      ...(tune.arguments.HyperParameterTuningJobConfig.ParameterRanges.IntegerParameterRanges ?? []),
      ...(tune.arguments.HyperParameterTuningJobConfig.ParameterRanges.CategoricalParameterRanges ?? []),
    ].map((r: any) => r.Name);
    expect(Object.keys(def.StaticHyperParameters).filter((k) => tuned.includes(k))).toEqual([]);
    expect(def).not.toHaveProperty('TensorBoardOutputConfig');
    if (s.spec.spot) {
      expect(def.EnableManagedSpotTraining).toBe(true);
      expect(def.StoppingCondition.MaxWaitTimeInSeconds).toBeGreaterThanOrEqual(def.StoppingCondition.MaxRuntimeInSeconds);
      expect(def.CheckpointConfig.S3Uri).toBe(`s3://${s.modelsBucketArn.replace('arn:aws:s3:::', '')}/${s.checkpointPrefix}${name}/`);
    }
    // The best training job (DescribeHyperParameterTuningJob's BestTrainingJob) is read and registered.
    expect(describeJob.arguments.TrainingJobName).toMatch(new RegExp(`^${name}-\\d{3}-[0-9a-f]{8}$`));
    expect(register.arguments.CustomerMetadataProperties)
      .toMatchObject({ TrainingJobName: describeJob.arguments.TrainingJobName, TuningJobName: name });
    expect(register.arguments.InferenceSpecification.Containers[0].ModelDataUrl)
      .toBe(`s3://${s.modelsBucketArn.replace('arn:aws:s3:::', '')}/${s.outputPrefix}${describeJob.arguments.TrainingJobName}/output/model.tar.gz`);
  });
});
