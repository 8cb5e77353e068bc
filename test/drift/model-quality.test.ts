import { Duration, Lazy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { FEATURES, driftFixture } from './fixtures';
import { DriftMonitor, ModelOutputPreset, ModelQualityOptions, ProblemType } from '../../lib';

function quality(q: Partial<ModelQualityOptions> = {}) {
  const f = driftFixture();
  const monitor = new DriftMonitor(f.stack, 'Drift', {
    endpoint: f.endpoint, features: FEATURES, baselineProfile: { zone: f.lake.zone('features'), key: 'p.json' },
    modelQuality: { groundTruthZone: f.lake.zone('monitoring'), groundTruthPrefix: 'ground-truth/churn/', problemType: ProblemType.BINARY_CLASSIFICATION, ...q },
  });
  const template = Template.fromStack(f.stack);
  return { ...f, monitor, template };
}

/** The scheduled event of the model-quality runs, with the bucket tokens resolved to their Ref. */
function qualityEvent(template: Template, stack: Stack): any {
  const schedules = template.findResources('AWS::Scheduler::Schedule', { Properties: { Description: Match.stringLikeRegexp('model quality') } });
  const join = (Object.values(schedules)[0] as any).Properties.Target.Input['Fn::Join'][1] as unknown[];
  const text = join.map((p) => (typeof p === 'string' ? p : `REF:${(p as any).Ref}`)).join('');
  expect(stack).toBeDefined();
  return JSON.parse(text);
}

function alarm(template: Template, name: string): any {
  const found = template.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmName: name } });
  expect(Object.keys(found)).toHaveLength(1);
  return (Object.values(found)[0] as any).Properties;
}

const dims = (variant: string) => [{ Name: 'EndpointName', Value: 'churn' }, { Name: 'VariantName', Value: variant }];
const stat = (metricName: string, variant: string, s: string, period = 86400) => ({
  Metric: { Dimensions: dims(variant), MetricName: metricName, Namespace: 'cdk-mlops/ModelQuality' }, Period: period, Stat: s,
});

describe('DriftMonitor model quality', () => {
  test('runs daily with the plain-score preset, label 1, two days of lookback and the ground-truth prefix', () => {
    const { template, stack, lake } = quality();
    template.hasResourceProperties('AWS::Scheduler::Schedule', { Description: 'cdk-mlops model quality of endpoint churn', ScheduleExpression: 'rate(1 day)' });
    const bucket = stack.resolve(lake.zone('monitoring').bucket.bucketName).Ref;
    expect(qualityEvent(template, stack)).toEqual({
      endpointName: 'churn', captureBucket: `REF:${bucket}`, capturePrefix: 'data-capture', groundTruthBucket: `REF:${bucket}`,
      groundTruthPrefix: 'ground-truth/churn/', problemType: 'binary-classification', outputPreset: 'plain-score', windowMinutes: 1440,
      captureLookbackHours: 48, reportBucket: `REF:${bucket}`, reportPrefix: 'model-quality-reports', metricNamespace: 'cdk-mlops/ModelQuality',
    });
  });

  test('passes every option to the handler', () => {
    const { template, stack } = quality({
      outputMapping: { jsonPath: 'out.probs', probabilityIndex: 2, labelJsonPath: 'out.label', csvColumn: 1, labelCsvColumn: 0, probabilityOfPredictedLabel: false },
      positiveLabel: 'churned', threshold: 0.35, captureLookback: Duration.days(30), groundTruthPrefix: 'labels/churn',
      schedule: scheduler.ScheduleExpression.rate(Duration.hours(6)),
    });
    expect(qualityEvent(template, stack)).toMatchObject({
      groundTruthPrefix: 'labels/churn/', windowMinutes: 360, captureLookbackHours: 720, positiveLabel: 'churned', threshold: 0.35,
      output: { scorePaths: ['out.probs'], scoreColumn: 1, probabilityIndex: 2, labelPaths: ['out.label'], labelColumn: 0, probabilityOfPredictedLabel: false },
    });
    expect(qualityEvent(template, stack).outputPreset).toBeUndefined();
    expect(qualityEvent(quality({ outputPreset: ModelOutputPreset.SKLEARN_PREDICT_PROBA }).template, stack)).toMatchObject({ outputPreset: 'sklearn-predict-proba' });
    expect(qualityEvent(quality({ outputMapping: { csvColumn: 0 } }).template, stack).output).toEqual({ scoreColumn: 0 });
  });

  test('each preset is the handler\'s name for it', () => {
    expect(Object.values(ModelOutputPreset)).toEqual(['xgboost', 'sklearn-predict-proba', 'autopilot-csv', 'tf-serving', 'plain-score']);
  });

  test('the handler role may list and read the capture and ground-truth prefixes, write its reports and metrics, nothing else', () => {
    const { template, stack, lake } = quality();
    const zone = lake.zone('monitoring');
    const arn = stack.resolve(zone.bucket.bucketArn);
    const objects = (suffix: string) => ({ 'Fn::Join': ['', [arn, suffix]] });
    const key = stack.resolve(zone.encryptionKey!.keyArn);
    const viaS3 = (suffix: string) => ({
      StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' },
      StringLike: { 'kms:EncryptionContext:aws:s3:arn': [arn, objects(suffix)] },
    });
    const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^cdkmlopsmodelqualityRole') }] } });
    expect(Object.keys(policies)).toHaveLength(1);
    expect((Object.values(policies)[0] as any).Properties.PolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^cdkmlopsmodelqualityLogs/), 'Arn'] } },
        // What failed after Lambda's retries goes to the function's dead-letter queue (#23 item 13).
        {
          Action: 'sqs:SendMessage', Effect: 'Allow',
          Resource: { 'Fn::GetAtt': [expect.stringMatching(/^cdkmlopsmodelqualityDeadLetters/), 'Arn'] },
        },
        { Action: 's3:GetObject', Effect: 'Allow', Resource: [objects('/data-capture/churn/*'), objects('/ground-truth/churn/*')] },
        { Action: 's3:ListBucket', Condition: { StringLike: { 's3:prefix': ['data-capture/churn/*'] } }, Effect: 'Allow', Resource: arn },
        // The lake key only when S3 calls KMS for these objects of this bucket (#23 item 1).
        { Action: 'kms:Decrypt', Condition: viaS3('/data-capture/churn/*'), Effect: 'Allow', Resource: key },
        { Action: 's3:ListBucket', Condition: { StringLike: { 's3:prefix': ['ground-truth/churn/*'] } }, Effect: 'Allow', Resource: arn },
        { Action: 'kms:Decrypt', Condition: viaS3('/ground-truth/churn/*'), Effect: 'Allow', Resource: key },
        { Action: ['s3:AbortMultipartUpload', 's3:PutObject'], Effect: 'Allow', Resource: objects('/model-quality-reports/churn/*') },
        { Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Condition: viaS3('/model-quality-reports/churn/*'), Effect: 'Allow', Resource: key },
        { Action: 'cloudwatch:PutMetricData', Condition: { StringEquals: { 'cloudwatch:namespace': 'cdk-mlops/ModelQuality' } }, Effect: 'Allow', Resource: '*' },
      ],
    });
  });

  test('per variant: AUC (missing AUC breaches once enough labels joined), labels not joining, unmatched outputs', () => {
    const { template, monitor } = quality({ minAccuracy: 0.8 });
    const names = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a: any) => a.Properties.AlarmName).filter((n) => /quality/.test(n));
    expect(names.sort()).toEqual(['challenger', 'champion'].flatMap((v) => ['accuracy', 'auc', 'labels-not-joining', 'unmatched-outputs']
      .map((k) => `churn-variant-${v}-quality-${k}`)).sort());
    expect(monitor.qualityAlarms).toHaveLength(8);
    expect(alarm(template, 'churn-variant-champion-quality-auc')).toEqual({
      AlarmName: 'churn-variant-champion-quality-auc',
      AlarmDescription: '[WARNING] The AUC of variant champion of endpoint churn is below 0.7, measured against ground truth (or could not be '
        + 'computed: one class only); judged in windows with at least 100 joined labels.',
      ComparisonOperator: 'LessThanThreshold', Threshold: 0.7, EvaluationPeriods: 1, TreatMissingData: 'notBreaching',
      Metrics: [
        { Expression: 'IF(joined >= 100, FILL(m, 0), 1)', Id: 'expr_1', Label: 'AUC', ReturnData: true },
        { Id: 'joined', MetricStat: stat('JoinedRecords', 'champion', 'Sum'), ReturnData: false },
        { Id: 'm', MetricStat: stat('AUC', 'champion', 'Minimum'), ReturnData: false },
      ],
    });
    expect(alarm(template, 'churn-variant-challenger-quality-accuracy')).toMatchObject({
      Threshold: 0.8, ComparisonOperator: 'LessThanThreshold', Metrics: [{ Expression: 'IF(joined >= 100, m, 1)' }, {}, { MetricStat: stat('Accuracy', 'challenger', 'Minimum') }],
    });
    expect(alarm(template, 'churn-variant-champion-quality-labels-not-joining')).toMatchObject({
      Namespace: 'cdk-mlops/ModelQuality', MetricName: 'JoinedRecords', Dimensions: dims('champion'), Statistic: 'Sum', Period: 86400,
      Threshold: 1, ComparisonOperator: 'LessThanThreshold', EvaluationPeriods: 3, TreatMissingData: 'breaching',
      AlarmDescription: expect.stringContaining('for 3 days: labels stopped arriving under ground-truth/churn/'),
    });
    expect(alarm(template, 'churn-variant-champion-quality-unmatched-outputs')).toMatchObject({
      MetricName: 'UnmatchedOutputShare', Statistic: 'Maximum', Threshold: 0.05, ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1, TreatMissingData: 'notBreaching',
    });
  });

  test('tunes the label gap, the joined-label floor and the unmatched share; hourly runs keep a 3-day gap', () => {
    const { template } = quality({ minJoinedRecords: 20, maxLabelGap: Duration.days(5), maxUnmatchedOutputShare: 0.2, minAuc: 0.8 });
    expect(alarm(template, 'churn-variant-champion-quality-auc')).toMatchObject({ Threshold: 0.8, Metrics: [{ Expression: 'IF(joined >= 20, FILL(m, 0), 1)' }, {}, {}] });
    expect(alarm(template, 'churn-variant-champion-quality-labels-not-joining')).toMatchObject({ EvaluationPeriods: 5, Period: 86400 });
    expect(alarm(template, 'churn-variant-champion-quality-unmatched-outputs')).toMatchObject({ Threshold: 0.2 });
    const hourly = quality({ schedule: scheduler.ScheduleExpression.rate(Duration.hours(1)) }).template;
    expect(alarm(hourly, 'churn-variant-champion-quality-labels-not-joining')).toMatchObject({ EvaluationPeriods: 72, Period: 3600 });
    expect(alarm(hourly, 'churn-variant-champion-quality-auc').Metrics[1].MetricStat.Period).toBe(3600);
    const sixHourly = quality({ schedule: scheduler.ScheduleExpression.rate(Duration.hours(6)), maxLabelGap: Duration.days(7) }).template;
    expect(alarm(sixHourly, 'churn-variant-champion-quality-labels-not-joining')).toMatchObject({ EvaluationPeriods: 28, Period: 21600 });
  });

  test('multiclass alarms on accuracy and macro F1; regression on RMSE and MAE, above the threshold', () => {
    const mc = quality({
      problemType: ProblemType.MULTICLASS_CLASSIFICATION, minAccuracy: 0.6, minMacroF1: 0.5, outputPreset: ModelOutputPreset.SKLEARN_PREDICT_PROBA,
    }).template;
    expect(alarm(mc, 'churn-variant-champion-quality-macrof1')).toMatchObject({ Threshold: 0.5, Metrics: [{ Expression: 'IF(joined >= 100, m, 1)' }, {}, { MetricStat: stat('MacroF1', 'champion', 'Minimum') }] });
    expect(alarm(mc, 'churn-variant-champion-quality-accuracy')).toMatchObject({ Threshold: 0.6 });
    expect(mc.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmName: 'churn-variant-champion-quality-auc' } })).toEqual({});
    const reg = quality({ problemType: ProblemType.REGRESSION, maxRmse: 12, maxMae: 8 }).template;
    expect(alarm(reg, 'churn-variant-champion-quality-rmse')).toMatchObject({
      Threshold: 12, ComparisonOperator: 'GreaterThanThreshold', Metrics: [{ Expression: 'IF(joined >= 100, m, 0)' }, {}, { MetricStat: stat('RMSE', 'champion', 'Maximum') }],
    });
    expect(alarm(reg, 'churn-variant-champion-quality-mae')).toMatchObject({ Threshold: 8 });
    expect(reg.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmName: 'churn-variant-champion-quality-auc' } })).toEqual({});
  });

  test('accepts tokens, the edges of every range, and a prefix without its slash', () => {
    const token = Lazy.number({ produce: () => 0.5 });
    expect(() => quality({ minAuc: token, threshold: token, groundTruthPrefix: Lazy.string({ produce: () => '' }) })).not.toThrow();
    expect(() => quality({
      threshold: 0, minAuc: 1, minAccuracy: 1, minJoinedRecords: 1, maxUnmatchedOutputShare: 1,
      captureLookback: Duration.days(90), maxLabelGap: Duration.days(7),
    })).not.toThrow();
    expect(() => quality({
      threshold: 1, captureLookback: Duration.hours(0), maxLabelGap: Duration.days(1), outputMapping: { labelCsvColumn: 10_000, probabilityIndex: 0 },
    })).not.toThrow();
    expect(() => quality({ schedule: scheduler.ScheduleExpression.rate(Duration.hours(1)), maxLabelGap: Duration.hours(1) })).not.toThrow();
  });
});

describe('DriftMonitor model quality bad input', () => {
  const fails = (q: Partial<ModelQualityOptions> | any) => expect(() => quality(q));
  test.each<[string, any, string]>([
    ['a preset and a mapping', { outputPreset: ModelOutputPreset.XGBOOST, outputMapping: { csvColumn: 0 } },
      "modelQuality.outputPreset ('xgboost') and modelQuality.outputMapping are both given: give a preset or a mapping, not both"],
    ['an unknown preset (JavaScript)', { outputPreset: 'keras' },
      "modelQuality.outputPreset must be one of ModelOutputPreset (xgboost, sklearn-predict-proba, autopilot-csv, tf-serving, plain-score), got 'keras'"],
    ['an index below 0', { outputMapping: { jsonPath: 'p', probabilityIndex: -1 } }, 'modelQuality.outputMapping.probabilityIndex must be a whole number from 0 to 10000, got -1'],
    ['a CSV column below 0', { outputMapping: { csvColumn: -1 } }, 'modelQuality.outputMapping.csvColumn must be a whole number from 0 to 10000, got -1'],
    ['a fractional label column', { outputMapping: { labelCsvColumn: 0.5 } }, 'modelQuality.outputMapping.labelCsvColumn must be a whole number from 0 to 10000, got 0.5'],
    ['an empty mapping', { outputMapping: { probabilityIndex: 1 } }, 'modelQuality.outputMapping must name at least one of jsonPath, csvColumn, labelJsonPath, labelCsvColumn'],
    ['a positive label for a regression', { problemType: ProblemType.REGRESSION, positiveLabel: '1' },
      "modelQuality.positiveLabel must be left out for regression (it applies to ProblemType.BINARY_CLASSIFICATION), got '1'"],
    ['a threshold for multiclass', { problemType: ProblemType.MULTICLASS_CLASSIFICATION, threshold: 0.5 },
      'modelQuality.threshold must be left out for multiclass-classification (it applies to ProblemType.BINARY_CLASSIFICATION), got 0.5'],
    ['minAuc on a regression', { problemType: ProblemType.REGRESSION, minAuc: 0.8 },
      'modelQuality.minAuc must be left out for regression (its thresholds are maxRmse, maxMae), got 0.8'],
    ['maxRmse on a classification', { maxRmse: 3 }, 'modelQuality.maxRmse must be left out for binary-classification (its thresholds are minAuc, minAccuracy), got 3'],
    ['minMacroF1 on a binary classification', { minMacroF1: 0.5 }, 'modelQuality.minMacroF1 must be left out for binary-classification'],
    ['minAuc on multiclass', { problemType: ProblemType.MULTICLASS_CLASSIFICATION, minAuc: 0.7 }, 'modelQuality.minAuc must be left out for multiclass-classification'],
    ['an empty ground-truth prefix', { groundTruthPrefix: '' }, "modelQuality.groundTruthPrefix must be a key prefix that is not empty (e.g. 'ground-truth/churn/'): "
      + "the files go under <prefix>yyyy/mm/dd/hh/, got ''"],
    ['a ground-truth prefix of slashes', { groundTruthPrefix: '//' }, 'modelQuality.groundTruthPrefix must be a key prefix that is not empty'],
    ['an empty positive label', { positiveLabel: ' ' }, "modelQuality.positiveLabel must be a label that is not empty, got ' '"],
    ['a threshold above 1', { threshold: 1.5 }, 'modelQuality.threshold must be a number in [0, 1], got 1.5'],
    ['a threshold below 0', { threshold: -0.1 }, 'modelQuality.threshold must be a number in [0, 1], got -0.1'],
    ['minAuc of 0', { minAuc: 0 }, 'modelQuality.minAuc must be a number in (0, 1], got 0'],
    ['minAccuracy above 1', { minAccuracy: 1.1 }, 'modelQuality.minAccuracy must be a number in (0, 1], got 1.1'],
    ['maxMae of 0', { problemType: ProblemType.REGRESSION, maxMae: 0 }, 'modelQuality.maxMae must be a number > 0, got 0'],
    ['an unmatched share of 0', { maxUnmatchedOutputShare: 0 }, 'modelQuality.maxUnmatchedOutputShare must be a share in (0, 1], got 0'],
    ['a joined-label floor of 0', { minJoinedRecords: 0 }, 'modelQuality.minJoinedRecords must be a whole number >= 1, got 0'],
    ['a lookback over 90 days', { captureLookback: Duration.days(91) }, 'modelQuality.captureLookback must be a whole number of hours from 0 to 90 days, got 91 days'],
    ['a lookback in minutes', { captureLookback: Duration.minutes(90) }, 'modelQuality.captureLookback must be a whole number of hours from 0 to 90 days, got 1 hour 30 minutes'],
    ['a label gap shorter than a window', { maxLabelGap: Duration.hours(12) }, 'modelQuality.maxLabelGap must be a duration from one window (1 day) to 7 days'],
    ['a label gap over 7 days', { maxLabelGap: Duration.days(8) }, 'modelQuality.maxLabelGap must be a duration from one window (1 day) to 7 days (CloudWatch evaluates an alarm over 7 days at most), got 8 days'],
    ['a schedule over 1 day', { schedule: scheduler.ScheduleExpression.rate(Duration.days(2)) }, 'modelQuality.schedule must be a rate of at most 1 day'],
    ['a schedule under 1 hour', { schedule: scheduler.ScheduleExpression.rate(Duration.minutes(30)) }, 'modelQuality.schedule must be a rate of at least 1 hour'],
    ['a cron schedule', { schedule: scheduler.ScheduleExpression.expression('cron(0 3 * * ? *)') }, 'modelQuality.schedule must be a rate(...)'],
    ['an unknown problem type (JavaScript)', { problemType: 'ranking' },
      "modelQuality.problemType must be ProblemType.BINARY_CLASSIFICATION, ProblemType.MULTICLASS_CLASSIFICATION or ProblemType.REGRESSION, got 'ranking'"],
  ])('fails on %s', (_what, q, message) => {
    fails(q).toThrow(message);
  });

  test('names the construct path and collects every problem', () => {
    fails({ threshold: 2, maxRmse: 1, groundTruthPrefix: '' }).toThrow(/^DriftMonitor Serve\/Drift: 3 problems:\n {2}- modelQuality.groundTruthPrefix/);
  });

  test('fails without a ground-truth location or problem type (JavaScript)', () => {
    const f = driftFixture();
    const make = (modelQuality: any) => () => new DriftMonitor(f.stack, `D${Math.random()}`, {
      endpoint: f.endpoint, features: FEATURES, baselineProfile: { zone: f.lake.zone('features'), key: 'p.json' }, modelQuality,
    });
    expect(make({ problemType: ProblemType.REGRESSION })).toThrow(/modelQuality needs groundTruthZone and groundTruthPrefix/);
    expect(make({ groundTruthZone: f.lake.zone('monitoring'), groundTruthPrefix: 'gt/' }))
      .toThrow(/modelQuality.problemType must be ProblemType.BINARY_CLASSIFICATION, ProblemType.MULTICLASS_CLASSIFICATION or ProblemType.REGRESSION, got undefined/);
  });

  test('fails when the endpoint does not capture its responses', () => {
    const f = driftFixture(undefined, { captureOutput: false });
    expect(() => new DriftMonitor(f.stack, 'Drift', {
      endpoint: f.endpoint, features: FEATURES, baselineProfile: { zone: f.lake.zone('features'), key: 'p.json' },
      modelQuality: { groundTruthZone: f.lake.zone('monitoring'), groundTruthPrefix: 'gt/', problemType: ProblemType.BINARY_CLASSIFICATION },
    })).toThrow("endpoint must be an endpoint that captures its responses (captureOutput true) for modelQuality, got 'churn'");
  });
});
