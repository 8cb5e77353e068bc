import { Duration, Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { ContainerImage } from '@aws-cdk/aws-sagemaker-alpha';
import {
  AlarmSeverity, AlertTopics, DataLake, DriftMonitor, DriftMonitorProps, FeatureType, ModelEndpoint, ProblemType, ServingModel, ServingModelData,
  TrainingPipeline,
} from '../../lib';
import { AlarmRow, Readable } from '../exact';
import { fixture as trainingFixture, minimalProps } from '../training/fixtures';
import { TEST_ENV, testApp } from '../util';

// Exact values of what DriftMonitor defines: every alarm (threshold, comparison, statistic, period, missing data), the
// schedule inputs the handlers parse (compared whole, so a changed default such as ks 0.1 -> 0.15 fails), the retrain
// rule's pattern, and each data principal's whole policy. References read as construct paths (test/exact.ts).

const FEATURES = [{ name: 'tenure', kind: FeatureType.NUMERIC }, { name: 'plan', kind: FeatureType.CATEGORICAL }];

function serve(app = testApp()) {
  const stack = new Stack(app, 'Serve', { env: TEST_ENV });
  const lake = new DataLake(stack, 'Lake');
  const repo = ecr.Repository.fromRepositoryName(stack, 'Repo', 'churn-inference');
  const model = (id: string, key: string) => new ServingModel(stack, id, {
    image: ContainerImage.fromEcrRepository(repo, '1.4.2'), modelData: ServingModelData.fromLakeZone(lake.zone('models'), key),
  });
  const endpoint = new ModelEndpoint(stack, 'Churn', {
    endpointName: 'churn',
    variants: [
      { name: 'champion', model: model('Champion', 'churn/v3/model.tar.gz'), weight: 90 },
      { name: 'challenger', model: model('Challenger', 'churn/v4/model.tar.gz'), weight: 10 },
    ],
    dataCapture: { lake },
  });
  return { app, stack, lake, endpoint };
}

type Served = ReturnType<typeof serve>;

function monitor(props: (f: Served) => Partial<DriftMonitorProps> = () => ({}), app = testApp()) {
  const f = serve(app);
  const p = props(f);
  const m = new DriftMonitor(f.stack, 'Drift', {
    endpoint: f.endpoint,
    features: FEATURES,
    baselineProfile: p.baselineDataset ? undefined : { zone: f.lake.zone('features'), key: 'churn/profile.json' },
    ...p,
  });
  return { ...f, monitor: m, r: Readable.of(f.stack) };
}

/** The alarms a construct defined: those under its path, and those of the handler functions it uses. */
function alarmsOf(r: Readable, ...prefixes: string[]): Record<string, AlarmRow> {
  return Object.fromEntries(Object.entries(r.alarms()).filter(([p]) => prefixes.some((x) => p.startsWith(x))));
}

const variantDims = (variant: string) => ({ EndpointName: 'churn', VariantName: variant });
const drifted = (variant: string, period: number, n = 3, m = 2): AlarmRow => ({
  namespace: 'cdk-mlops/Drift', metric: 'DriftDetected', dimensions: variantDims(variant), statistic: 'Maximum', period,
  comparison: 'GreaterThanOrEqualToThreshold', threshold: 1, evaluationPeriods: n, datapointsToAlarm: m, treatMissingData: 'notBreaching',
});
const feature = (variant: string, name: string, period: number, n = 3, m = 2): AlarmRow => ({
  namespace: 'cdk-mlops/Drift', metric: 'FeatureDrifted', dimensions: { ...variantDims(variant), Feature: name }, statistic: 'Maximum', period,
  comparison: 'GreaterThanOrEqualToThreshold', threshold: 1, evaluationPeriods: n, datapointsToAlarm: m, treatMissingData: 'notBreaching',
});
const breakage = (variant: string, metric: string, statistic: string, threshold: number, period: number): AlarmRow => ({
  namespace: 'cdk-mlops/Drift', metric, dimensions: variantDims(variant), statistic, period,
  comparison: metric === 'RecordCount' ? 'LessThanThreshold' : 'GreaterThanOrEqualToThreshold', threshold, evaluationPeriods: 1, datapointsToAlarm: 1,
  treatMissingData: metric === 'RecordCount' ? 'breaching' : 'notBreaching',
});
const breakages = (variant: string, period: number): Record<string, AlarmRow> => ({
  [`Serve/Drift/NoRecords-${variant}`]: breakage(variant, 'RecordCount', 'Sum', 1, period),
  [`Serve/Drift/Malformed-${variant}`]: breakage(variant, 'MalformedShare', 'Maximum', 0.05, period),
  [`Serve/Drift/MissingFeature-${variant}`]: breakage(variant, 'MaxMissingRateIncrease', 'Maximum', 0.2, period),
  [`Serve/Drift/NewCategories-${variant}`]: breakage(variant, 'MaxNewCategoryShare', 'Maximum', 0.1, period),
});
const functionErrors = (handler: string): AlarmRow => ({
  namespace: 'AWS/Lambda', metric: 'Errors', dimensions: { FunctionName: `<Serve/cdk-mlops-${handler}/Function>` }, statistic: 'Sum', period: 300,
  comparison: 'GreaterThanOrEqualToThreshold', threshold: 1, evaluationPeriods: 1, datapointsToAlarm: undefined, treatMissingData: 'notBreaching',
});

/** A message in a handler's dead-letter queue (a run that failed after its retries) raises a warning (#23 item 13). */
const deadLetter = (handler: string): AlarmRow => ({
  namespace: 'AWS/SQS', metric: 'ApproximateNumberOfMessagesVisible', dimensions: { QueueName: `<Serve/cdk-mlops-${handler}/DeadLetters.QueueName>` },
  statistic: 'Maximum', period: 300, comparison: 'GreaterThanOrEqualToThreshold', threshold: 1, evaluationPeriods: 1, datapointsToAlarm: 1,
  treatMissingData: 'notBreaching',
});
/** EventBridge Scheduler's own metrics for the default group, once per stack (#23 item 13). */
const schedulerAlarm = (metric: string): AlarmRow => ({
  namespace: 'AWS/Scheduler', metric, dimensions: { ScheduleGroup: 'default' }, statistic: 'Sum', period: 300,
  comparison: 'GreaterThanOrEqualToThreshold', threshold: 1, evaluationPeriods: 1, datapointsToAlarm: 1, treatMissingData: 'notBreaching',
});

describe('DriftMonitor alarms, exactly', () => {
  test('alarm per variant on DriftDetected >= 1 and per feature on FeatureDrifted >= 1 in 2 of 3 hourly windows, and on breakage', () => {
    const { r } = monitor();
    expect(alarmsOf(r, 'Serve/Drift/', 'Serve/cdk-mlops-')).toEqual({
      'Serve/Drift/Drift-champion': drifted('champion', 3600),
      'Serve/Drift/Feature-champion-tenure': feature('champion', 'tenure', 3600),
      'Serve/Drift/Feature-champion-plan': feature('champion', 'plan', 3600),
      ...breakages('champion', 3600),
      'Serve/Drift/Drift-challenger': drifted('challenger', 3600),
      'Serve/Drift/Feature-challenger-tenure': feature('challenger', 'tenure', 3600),
      'Serve/Drift/Feature-challenger-plan': feature('challenger', 'plan', 3600),
      ...breakages('challenger', 3600),
      'Serve/cdk-mlops-drift/Errors': functionErrors('drift'),
      'Serve/cdk-mlops-drift/DeadLetter': deadLetter('drift'),
      'Serve/cdk-mlops-scheduler-alarms/Dropped': schedulerAlarm('InvocationDroppedCount'),
      'Serve/cdk-mlops-scheduler-alarms/TargetErrors': schedulerAlarm('TargetErrorCount'),
    });
  });

  test('follow the M of N tuning and the schedule\'s rate', () => {
    const { r } = monitor(() => ({
      driftAlarms: { evaluationPeriods: 4, datapointsToAlarm: 3 }, schedule: scheduler.ScheduleExpression.rate(Duration.minutes(30)),
    }));
    const alarms = alarmsOf(r, 'Serve/Drift/');
    expect(alarms['Serve/Drift/Drift-champion']).toEqual(drifted('champion', 1800, 4, 3));
    expect(alarms['Serve/Drift/Feature-challenger-plan']).toEqual(feature('challenger', 'plan', 1800, 4, 3));
  });

  // Quality alarms are metric math: judged only with at least 100 joined labels, else on the healthy side (1 for a
  // minimum, 0 for a maximum); a missing AUC with enough labels is 0 (breaching).
  const metricOf = (variant: string, metric: string, statistic: string) => ({
    namespace: 'cdk-mlops/ModelQuality', metric, dimensions: variantDims(variant), statistic, period: 86400, returnData: false,
  });
  const mathQuality = (variant: string, metric: string, threshold: number, kind: 'min' | 'max', fill = false): AlarmRow => ({
    metrics: [
      { id: 'expr_1', expression: `IF(joined >= 100, ${fill ? 'FILL(m, 0)' : 'm'}, ${kind === 'min' ? 1 : 0})`, returnData: true },
      { id: 'joined', ...metricOf(variant, 'JoinedRecords', 'Sum') },
      { id: 'm', ...metricOf(variant, metric, kind === 'min' ? 'Minimum' : 'Maximum') },
    ],
    comparison: kind === 'min' ? 'LessThanThreshold' : 'GreaterThanThreshold', threshold, evaluationPeriods: 1, treatMissingData: 'notBreaching',
  } as unknown as AlarmRow);
  const labelsNotJoining = (variant: string): AlarmRow => ({
    namespace: 'cdk-mlops/ModelQuality', metric: 'JoinedRecords', dimensions: variantDims(variant), statistic: 'Sum', period: 86400,
    comparison: 'LessThanThreshold', threshold: 1, evaluationPeriods: 3, datapointsToAlarm: undefined, treatMissingData: 'breaching',
  });
  const unmatched = (variant: string): AlarmRow => ({
    namespace: 'cdk-mlops/ModelQuality', metric: 'UnmatchedOutputShare', dimensions: variantDims(variant), statistic: 'Maximum', period: 86400,
    comparison: 'GreaterThanThreshold', threshold: 0.05, evaluationPeriods: 1, datapointsToAlarm: undefined, treatMissingData: 'notBreaching',
  });

  test('alarm on AUC < 0.7 by default for a classifier, and on accuracy below its minimum, over the day of a run', () => {
    const { r } = monitor((f) => ({
      modelQuality: {
        groundTruthZone: f.lake.zone('monitoring'), groundTruthPrefix: 'ground-truth/churn/', problemType: ProblemType.BINARY_CLASSIFICATION, minAccuracy: 0.8,
      },
    }));
    expect(alarmsOf(r, 'Serve/Drift/Quality-', 'Serve/cdk-mlops-model-quality/')).toEqual({
      'Serve/Drift/Quality-champion-AUC': mathQuality('champion', 'AUC', 0.7, 'min', true),
      'Serve/Drift/Quality-champion-Accuracy': mathQuality('champion', 'Accuracy', 0.8, 'min'),
      'Serve/Drift/Quality-champion-LabelsNotJoining': labelsNotJoining('champion'),
      'Serve/Drift/Quality-champion-UnmatchedOutputs': unmatched('champion'),
      'Serve/Drift/Quality-challenger-AUC': mathQuality('challenger', 'AUC', 0.7, 'min', true),
      'Serve/Drift/Quality-challenger-Accuracy': mathQuality('challenger', 'Accuracy', 0.8, 'min'),
      'Serve/Drift/Quality-challenger-LabelsNotJoining': labelsNotJoining('challenger'),
      'Serve/Drift/Quality-challenger-UnmatchedOutputs': unmatched('challenger'),
      'Serve/cdk-mlops-model-quality/Errors': functionErrors('model-quality'),
      'Serve/cdk-mlops-model-quality/DeadLetter': deadLetter('model-quality'),
    });
  });

  test('alarm on RMSE and MAE above their maximum for a regression, on the maximum of the window', () => {
    const { r } = monitor((f) => ({
      modelQuality: { groundTruthZone: f.lake.zone('monitoring'), groundTruthPrefix: 'gt/', problemType: ProblemType.REGRESSION, maxRmse: 12.5, maxMae: 4 },
    }));
    expect(alarmsOf(r, 'Serve/Drift/Quality-')).toEqual({
      'Serve/Drift/Quality-champion-RMSE': mathQuality('champion', 'RMSE', 12.5, 'max'),
      'Serve/Drift/Quality-champion-MAE': mathQuality('champion', 'MAE', 4, 'max'),
      'Serve/Drift/Quality-champion-LabelsNotJoining': labelsNotJoining('champion'),
      'Serve/Drift/Quality-champion-UnmatchedOutputs': unmatched('champion'),
      'Serve/Drift/Quality-challenger-RMSE': mathQuality('challenger', 'RMSE', 12.5, 'max'),
      'Serve/Drift/Quality-challenger-MAE': mathQuality('challenger', 'MAE', 4, 'max'),
      'Serve/Drift/Quality-challenger-LabelsNotJoining': labelsNotJoining('challenger'),
      'Serve/Drift/Quality-challenger-UnmatchedOutputs': unmatched('challenger'),
    });
  });
});

describe('DriftMonitor schedule inputs, parsed', () => {
  test('pass the endpoint, the capture, the baseline, the window, the schedule\'s time and the default decision policy', () => {
    const { r } = monitor();
    expect(r.scheduleInputs()).toEqual({
      'Serve/Drift/Schedule': {
        endpointName: 'churn',
        captureBucket: '<Serve/Lake/monitoring>',
        capturePrefix: 'data-capture',
        baselineBucket: '<Serve/Lake/features>',
        baselineKey: 'churn/profile.json',
        windowMinutes: 60,
        scheduledTime: '<aws.scheduler.scheduled-time>',
        settlingMinutes: 5,
        features: ['tenure', 'plan'],
        policy: { alpha: 0.005, correction: 'bonferroni', minPsi: 0.01, minCount: 50, datapointsToAlarm: 2, evaluationPeriods: 3, features: {} },
        reportBucket: '<Serve/Lake/monitoring>',
        reportPrefix: 'drift-reports',
        metricNamespace: 'cdk-mlops/Drift',
        perFeatureMetrics: true,
      },
    });
  });

  test('pass the decision and the window the user gave', () => {
    const { r } = monitor(() => ({
      decision: { alpha: 0.01, minPsi: 0.05, minSamples: 500 }, schedule: scheduler.ScheduleExpression.rate(Duration.minutes(30)),
      reportPrefix: 'reports/drift/',
    }));
    const input = r.scheduleInputs()['Serve/Drift/Schedule'];
    expect(input.policy).toEqual({ alpha: 0.01, correction: 'bonferroni', minPsi: 0.05, minCount: 500, datapointsToAlarm: 2, evaluationPeriods: 3, features: {} });
    expect(input.windowMinutes).toBe(30);
    expect(input.reportPrefix).toBe('reports/drift');
  });

  test('pass the ground truth, the problem type and a day\'s window to the model-quality handler', () => {
    const { r } = monitor((f) => ({
      modelQuality: { groundTruthZone: f.lake.zone('monitoring'), groundTruthPrefix: 'ground-truth/churn/', problemType: ProblemType.BINARY_CLASSIFICATION },
    }));
    expect(r.scheduleInputs()['Serve/Drift/QualitySchedule']).toEqual({
      endpointName: 'churn',
      captureBucket: '<Serve/Lake/monitoring>',
      capturePrefix: 'data-capture',
      groundTruthBucket: '<Serve/Lake/monitoring>',
      groundTruthPrefix: 'ground-truth/churn/',
      problemType: 'binary-classification',
      outputPreset: 'plain-score',
      windowMinutes: 1440,
      captureLookbackHours: 48,
      reportBucket: '<Serve/Lake/monitoring>',
      reportPrefix: 'model-quality-reports',
      metricNamespace: 'cdk-mlops/ModelQuality',
    });
  });

  test('run hourly and daily, on the rates the inputs\' windows are computed from', () => {
    const { r } = monitor((f) => ({
      modelQuality: { groundTruthZone: f.lake.zone('monitoring'), groundTruthPrefix: 'gt/', problemType: ProblemType.BINARY_CLASSIFICATION },
    }));
    const schedules = r.resources('AWS::Scheduler::Schedule');
    expect(schedules['Serve/Drift/Schedule'].ScheduleExpression).toBe('rate(1 hour)');
    expect(schedules['Serve/Drift/QualitySchedule'].ScheduleExpression).toBe('rate(1 day)');
    expect(schedules['Serve/Drift/Schedule'].Target.RetryPolicy).toEqual({ MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 2 });
  });
});

describe('DriftMonitor retraining, exactly', () => {
  test('starts the pipeline once per monitor, only on the composite drift alarm entering ALARM from OK', () => {
    const app = testApp();
    const t = trainingFixture(app);
    const pipeline = new TrainingPipeline(t.stack, 'Churn', minimalProps(t));
    const { r } = monitor(() => ({ retrainOnDrift: pipeline }), app);
    const rules = r.resources('AWS::Events::Rule');
    expect(Object.keys(rules)).toEqual(['Serve/Drift/RetrainOnDrift']);
    expect(rules['Serve/Drift/RetrainOnDrift'].EventPattern).toEqual({
      'source': ['aws.cloudwatch'],
      'detail-type': ['CloudWatch Alarm State Change'],
      'resources': ['<Serve/Drift/RetrainTrigger.Arn>'],
      'detail': { state: { value: ['ALARM'] }, previousState: { value: ['OK', 'INSUFFICIENT_DATA'] } },
    });
    expect(rules['Serve/Drift/RetrainOnDrift'].Targets).toHaveLength(1);
    expect(rules['Serve/Drift/RetrainOnDrift'].Targets[0].RetryPolicy).toEqual({ MaximumRetryAttempts: 2 });
  });

  // #23 item 14: a role of the rule's own, a dead-letter queue and alarms, as the training pipeline's schedule has.
  function retraining() {
    const app = testApp();
    const t = trainingFixture(app);
    const pipeline = new TrainingPipeline(t.stack, 'Churn', minimalProps(t));
    return monitor(() => ({ retrainOnDrift: pipeline }), app);
  }
  const RULE_NAME = 'Serve-Drift-2460A94E-Retrain';
  const STATE_MACHINE = {
    'Fn::GetStackOutput': { StackName: 'Train', Region: 'us-east-1', OutputName: 'PublishOutputRefChurnStateMachine127964CE55714D5F' },
  };

  test('the rule has a fixed name and starts the pipeline as its own role, sending what still fails to its dead-letter queue', () => {
    const { r } = retraining();
    const rule = r.resources('AWS::Events::Rule')['Serve/Drift/RetrainOnDrift'];
    expect(rule.Name).toBe(RULE_NAME);
    expect(rule.Targets).toEqual([{
      Arn: STATE_MACHINE,
      Id: 'Target0',
      RoleArn: '<Serve/Drift/RetrainRole.Arn>',
      DeadLetterConfig: { Arn: '<Serve/Drift/RetrainDeadLetters.Arn>' },
      RetryPolicy: { MaximumRetryAttempts: 2 },
    }]);
  });

  test('the role trusts EventBridge only for this rule in this account, and may start only the pipeline', () => {
    const { r } = retraining();
    expect(r.resources('AWS::IAM::Role')['Serve/Drift/RetrainRole'].AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [{
        Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': '123456789012', 'aws:SourceArn': `arn:aws:events:us-east-1:123456789012:rule/${RULE_NAME}` } },
      }],
    });
    expect(r.rolePolicy('Serve/Drift/RetrainRole')).toEqual({
      statements: [{ Action: 'states:StartExecution', Effect: 'Allow', Resource: STATE_MACHINE }],
      managedPolicyArns: [],
    });
    // The CDK's shared target role under the state machine is no longer defined.
    expect(Object.keys(r.resources('AWS::IAM::Role')).filter((p) => p.endsWith('/EventsRole'))).toEqual([]);
  });

  test('the dead-letter queue is retained, encrypted, TLS-only, and only this rule may send to it', () => {
    const { r } = retraining();
    const path = 'Serve/Drift/RetrainDeadLetters';
    expect(r.resources('AWS::SQS::Queue')[path]).toEqual({ MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true });
    const logicalId = Object.keys(r.template.Resources).find((id) => r.pathOf(id) === path)!;
    expect(r.template.Resources[logicalId]).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    expect(r.resources('AWS::SQS::QueuePolicy')[`${path}/Policy`].PolicyDocument.Statement).toEqual([
      {
        Action: 'sqs:*', Effect: 'Deny', Principal: { AWS: '*' }, Resource: `<${path}.Arn>`,
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
      {
        Action: 'sqs:SendMessage', Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Resource: `<${path}.Arn>`,
        Condition: { ArnEquals: { 'aws:SourceArn': '<Serve/Drift/RetrainOnDrift.Arn>' } },
        Sid: expect.stringMatching(/^AllowEventRule/),
      },
    ]);
  });

  test('alarms when a start fails for good and when a failed start waits in the dead-letter queue', () => {
    const { r } = retraining();
    const once = { comparison: 'GreaterThanOrEqualToThreshold', threshold: 1, evaluationPeriods: 1, datapointsToAlarm: 1, treatMissingData: 'notBreaching' };
    expect(alarmsOf(r, 'Serve/Drift/Retrain')).toEqual({
      'Serve/Drift/RetrainFailed': {
        namespace: 'AWS/Events', metric: 'FailedInvocations', dimensions: { RuleName: RULE_NAME }, statistic: 'Sum', period: 300, ...once,
      },
      'Serve/Drift/RetrainDeadLettersAlarm': {
        namespace: 'AWS/SQS', metric: 'ApproximateNumberOfMessagesVisible', dimensions: { QueueName: '<Serve/Drift/RetrainDeadLetters.QueueName>' },
        statistic: 'Maximum', period: 300, ...once,
      },
    });
    const alarms = r.resources('AWS::CloudWatch::Alarm');
    expect(alarms['Serve/Drift/RetrainFailed'].AlarmName).toBe('churn-drift-retrain-failed');
    expect(alarms['Serve/Drift/RetrainDeadLettersAlarm'].AlarmName).toBe('churn-drift-retrain-dead-letters');
    expect(alarms['Serve/Drift/RetrainFailed'].AlarmDescription)
      .toBe('[WARNING] Endpoint churn drifted and the training pipeline Train/Churn could not be started.');
  });

  test('routes those alarms through the monitor\'s alert topics, at the monitor\'s severity', () => {
    const app = testApp();
    const t = trainingFixture(app);
    const pipeline = new TrainingPipeline(t.stack, 'Churn', minimalProps(t));
    const { r } = monitor((f) => ({ retrainOnDrift: pipeline, alerts: new AlertTopics(f.stack, 'Alerts'), severity: AlarmSeverity.CRITICAL }), app);
    const alarms = r.resources('AWS::CloudWatch::Alarm');
    for (const path of ['Serve/Drift/RetrainFailed', 'Serve/Drift/RetrainDeadLettersAlarm']) {
      expect(alarms[path].AlarmActions).toEqual(['<Serve/Alerts/Critical>']);
      expect(alarms[path].AlarmDescription).toMatch(/^\[CRITICAL\] /);
    }
  });
});

describe('DriftMonitor principals, whole policies', () => {
  const LOGS = (handler: string) => ({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: `<Serve/cdk-mlops-${handler}/Logs.Arn>` });
  // Each handler sends what failed after Lambda's retries to its dead-letter queue (#23 item 13).
  const DEAD_LETTERS = (handler: string) => ({
    Action: 'sqs:SendMessage', Effect: 'Allow', Resource: `<Serve/cdk-mlops-${handler}/DeadLetters.Arn>`,
  });
  // The lake key only when S3 calls KMS for these objects of this zone's bucket (#23 item 1).
  const viaS3 = (actions: string | string[], zone: string, objects: string) => ({
    Action: actions,
    Condition: {
      StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' },
      StringLike: { 'kms:EncryptionContext:aws:s3:arn': [`<Serve/Lake/${zone}.Arn>`, `<Serve/Lake/${zone}.Arn>/${objects}`] },
    },
    Effect: 'Allow',
    Resource: '<Serve/Lake/Key.Arn>',
  });
  const DECRYPT = (zone: string, objects: string) => viaS3('kms:Decrypt', zone, objects);
  const ENCRYPT = (zone: string, objects: string) => viaS3(['kms:Decrypt', 'kms:GenerateDataKey'], zone, objects);
  const PUT = (resource: string) => ({ Action: ['s3:AbortMultipartUpload', 's3:PutObject'], Effect: 'Allow', Resource: resource });
  const list = (prefix: string) => ({ Action: 's3:ListBucket', Condition: { StringLike: { 's3:prefix': [prefix] } }, Effect: 'Allow', Resource: '<Serve/Lake/monitoring.Arn>' });
  const putMetrics = (namespace: string) => ({
    Action: 'cloudwatch:PutMetricData', Condition: { StringEquals: { 'cloudwatch:namespace': namespace } }, Effect: 'Allow', Resource: '*',
  });

  test('the drift function lists and reads the endpoint\'s captures, reads the profile, writes its reports and publishes its metrics', () => {
    const { r } = monitor();
    expect(r.rolePolicy('Serve/cdk-mlops-drift/Role')).toEqual({
      statements: [
        LOGS('drift'),
        DEAD_LETTERS('drift'),
        { Action: 's3:GetObject', Effect: 'Allow', Resource: ['<Serve/Lake/features.Arn>/churn/profile.json', '<Serve/Lake/monitoring.Arn>/data-capture/churn/*'] },
        list('data-capture/churn/*'),
        DECRYPT('monitoring', 'data-capture/churn/*'),
        DECRYPT('features', 'churn/profile.json'),
        PUT('<Serve/Lake/monitoring.Arn>/drift-reports/churn/*'),
        ENCRYPT('monitoring', 'drift-reports/churn/*'),
        putMetrics('cdk-mlops/Drift'),
      ],
      managedPolicyArns: [],
    });
  });

  test('the model-quality function reads captures and ground truth, writes its reports and publishes its metrics', () => {
    const { r } = monitor((f) => ({
      modelQuality: { groundTruthZone: f.lake.zone('monitoring'), groundTruthPrefix: 'ground-truth/churn/', problemType: ProblemType.BINARY_CLASSIFICATION },
    }));
    expect(r.rolePolicy('Serve/cdk-mlops-model-quality/Role')).toEqual({
      statements: [
        LOGS('model-quality'),
        DEAD_LETTERS('model-quality'),
        { Action: 's3:GetObject', Effect: 'Allow', Resource: ['<Serve/Lake/monitoring.Arn>/data-capture/churn/*', '<Serve/Lake/monitoring.Arn>/ground-truth/churn/*'] },
        list('data-capture/churn/*'),
        DECRYPT('monitoring', 'data-capture/churn/*'),
        list('ground-truth/churn/*'),
        DECRYPT('monitoring', 'ground-truth/churn/*'),
        PUT('<Serve/Lake/monitoring.Arn>/model-quality-reports/churn/*'),
        ENCRYPT('monitoring', 'model-quality-reports/churn/*'),
        putMetrics('cdk-mlops/ModelQuality'),
      ],
      managedPolicyArns: [],
    });
  });

  test('the baseline function reads the one dataset object and writes the one profile object', () => {
    const { r } = monitor((f) => ({ baselineDataset: { zone: f.lake.zone('features'), key: 'churn/train.csv', header: true } }));
    expect(r.rolePolicy('Serve/cdk-mlops-baseline-profile/Role')).toEqual({
      statements: [
        LOGS('baseline-profile'),
        DEAD_LETTERS('baseline-profile'),
        { Action: 's3:GetObject', Effect: 'Allow', Resource: '<Serve/Lake/features.Arn>/churn/train.csv' },
        DECRYPT('features', 'churn/train.csv'),
        PUT('<Serve/Lake/features.Arn>/baselines/churn/train.csv.profile.json'),
        ENCRYPT('features', 'baselines/churn/train.csv.profile.json'),
      ],
      managedPolicyArns: [],
    });
    expect(r.scheduleInputs()['Serve/Drift/Schedule'].baselineKey).toBe('baselines/churn/train.csv.profile.json');
  });

  test('each scheduler role may invoke its one function, and send what it cannot deliver to that function\'s dead-letter queue', () => {
    const { r } = monitor((f) => ({
      modelQuality: { groundTruthZone: f.lake.zone('monitoring'), groundTruthPrefix: 'gt/', problemType: ProblemType.BINARY_CLASSIFICATION },
    }));
    for (const handler of ['drift', 'model-quality']) {
      expect(r.rolePolicy(`Serve/cdk-mlops-${handler}/SchedulerRole`)).toEqual({
        statements: [
          {
            Action: 'lambda:InvokeFunction', Effect: 'Allow',
            Resource: [`<Serve/cdk-mlops-${handler}/Function.Arn>`, `<Serve/cdk-mlops-${handler}/Function.Arn>:*`],
          },
          { Action: 'sqs:SendMessage', Effect: 'Allow', Resource: `<Serve/cdk-mlops-${handler}/DeadLetters.Arn>` },
        ],
        managedPolicyArns: [],
      });
    }
  });
});


