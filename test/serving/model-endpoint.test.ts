import { Duration, Size, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import { InstanceType } from '@aws-cdk/aws-sagemaker-alpha';
import { imageModel, servingFixture } from './fixtures';
import { DeploymentMode, DeploymentPolicy, ModelEndpoint, ModelEndpointProps, VariantKind } from '../../lib/serving';
import { TEST_ENV, testApp } from '../util';

function championChallenger(extra: Partial<ModelEndpointProps> = {}) {
  const f = servingFixture();
  const endpoint = new ModelEndpoint(f.stack, 'Churn', {
    endpointName: 'churn',
    variants: [{ name: 'champion', model: f.champion, weight: 90 }, { name: 'challenger', model: f.challenger, weight: 10 }],
    ...extra,
  });
  return { ...f, endpoint, template: Template.fromStack(f.stack) };
}

function the(template: Template, type: string): any {
  const resources = Object.values(template.findResources(type));
  expect(resources).toHaveLength(1);
  return resources[0];
}

describe('ModelEndpoint defaults', () => {
  const { template, endpoint } = championChallenger();

  test('defines one unnamed endpoint configuration with the weighted variants, one instance of ml.m5.large each', () => {
    const config = the(template, 'AWS::SageMaker::EndpointConfig');
    expect(config.Properties.EndpointConfigName).toBeUndefined();
    expect(config.Properties.ProductionVariants).toEqual([
      { VariantName: 'champion', ModelName: { 'Fn::GetAtt': [expect.stringMatching(/^Champion/), 'ModelName'] }, InitialVariantWeight: 90,
        InstanceType: 'ml.m5.large', InitialInstanceCount: 1 },
      { VariantName: 'challenger', ModelName: { 'Fn::GetAtt': [expect.stringMatching(/^Challenger/), 'ModelName'] }, InitialVariantWeight: 10,
        InstanceType: 'ml.m5.large', InitialInstanceCount: 1 },
    ]);
    expect(config.Properties.ShadowProductionVariants).toBeUndefined();
    expect(config.Properties.DataCaptureConfig).toBeUndefined();
    expect(config.Properties.KmsKeyId).toBeUndefined();
  });

  test('points the named endpoint at the configuration and retains variant properties but not weights', () => {
    template.hasResourceProperties('AWS::SageMaker::Endpoint', {
      EndpointName: 'churn',
      EndpointConfigName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ChurnConfig'), 'EndpointConfigName'] },
      RetainAllVariantProperties: true,
      ExcludeRetainedVariantProperties: [{ VariantPropertyType: 'DesiredWeight' }, { VariantPropertyType: 'DesiredInstanceCount' }],
    });
  });

  test('deploys one-instance variants all at once, baked for 10 minutes, rolling back on its two alarms (no canary fits in one instance)', () => {
    const endpointResource = the(template, 'AWS::SageMaker::Endpoint');
    const alarms = Object.keys(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(2);
    expect(endpointResource.Properties.DeploymentConfig).toEqual({
      BlueGreenUpdatePolicy: { TrafficRoutingConfiguration: { Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: 600 } },
      AutoRollbackConfiguration: { Alarms: alarms.map((id) => ({ AlarmName: { Ref: id } })) },
    });
    expect(endpoint.deployment.mode).toBe(DeploymentMode.ALL_AT_ONCE);
  });

  test('deploys with a 10% canary baked for 10 minutes when every instance variant has 2 instances or more', () => {
    const f = servingFixture('Two');
    const twoEach = new ModelEndpoint(f.stack, 'Churn', {
      variants: [{ name: 'champion', model: f.champion, instanceCount: 2 }, { name: 'challenger', model: f.challenger, instanceCount: 3 }],
    });
    const config = the(Template.fromStack(f.stack), 'AWS::SageMaker::Endpoint').Properties.DeploymentConfig;
    expect(config.BlueGreenUpdatePolicy).toEqual({
      TrafficRoutingConfiguration: { Type: 'CANARY', CanarySize: { Type: 'CAPACITY_PERCENT', Value: 10 }, WaitIntervalInSeconds: 600 },
    });
    expect(twoEach.deployment.mode).toBe(DeploymentMode.CANARY);
  });

  test('rolls back when the worst variant has more than 1% 5XX responses or a p99 model latency above 1 s', () => {
    const alarms = template.findResources('AWS::CloudWatch::Alarm');
    const byMetric = (name: string) => Object.values<any>(alarms)
      .find((a) => a.Properties.Metrics[0].MetricStat.Metric.MetricName === name).Properties;
    const errors = byMetric('Invocation5XXErrors');
    expect(errors.Threshold).toBe(0.01);
    expect(errors.Metrics.map((m: any) => m.MetricStat?.Stat ?? m.Expression)).toEqual(['Average', 'Average', 'MAX([v0, v1])']);
    const latency = byMetric('ModelLatency');
    expect(latency.Threshold).toBe(1_000_000);
    expect(latency.Metrics.map((m: any) => m.MetricStat?.Stat ?? m.Expression)).toEqual(['p99', 'p99', 'MAX([v0, v1])']);
    for (const alarm of [errors, latency]) {
      expect(alarm).toEqual(expect.objectContaining({ ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 3, DatapointsToAlarm: 2, TreatMissingData: 'notBreaching' }));
      expect(alarm.Metrics.slice(0, 2).map((m: any) => m.MetricStat.Metric.Dimensions)).toEqual([
        [{ Name: 'EndpointName', Value: 'churn' }, { Name: 'VariantName', Value: 'champion' }],
        [{ Name: 'EndpointName', Value: 'churn' }, { Name: 'VariantName', Value: 'challenger' }],
      ]);
    }
  });

  test('alarms name the endpoint by its literal name, so the endpoint depends on them and never the reverse', () => {
    const alarms = template.findResources('AWS::CloudWatch::Alarm');
    for (const alarm of Object.values<any>(alarms)) {
      expect(JSON.stringify(alarm)).not.toMatch(/ChurnC60F44B2|"Ref"|Fn::GetAtt/);
      expect(alarm.DependsOn).toBeUndefined();
    }
    expect(endpoint.rollbackAlarms.map((a) => a.alarmName)).toHaveLength(2);
  });

  test('exposes the variant names and kinds', () => {
    expect(endpoint.variantNames).toEqual(['champion', 'challenger']);
    expect(endpoint.variantKind('champion')).toBe(VariantKind.INSTANCE);
    expect(endpoint.variantKind('nope')).toBeUndefined();
    expect(endpoint.variantInstanceType('champion')).toBe('ml.m5.large');
    expect(endpoint.shadowVariantName).toBeUndefined();
  });
});

describe('ModelEndpoint name', () => {
  test('is generated from the construct path when not given: lowercase, valid and at most 63 characters', () => {
    const stack = new Stack(testApp(), 'A-Very-Long-Stack-Name-For-Serving-Churn-Models-In-Production', { env: TEST_ENV });
    const f = servingFixture();
    const model = imageModel(stack, 'Model', { repo: f.repo, lake: f.lake, key: 'm.tar.gz' });
    const endpoint = new ModelEndpoint(stack, 'ChurnPredictionEndpointWithALongConstructId', { variants: [{ name: 'v', model }] });
    expect(endpoint.endpointName).toMatch(/^[a-z0-9](-*[a-z0-9]){0,62}$/);
    expect(endpoint.endpointName.length).toBeLessThanOrEqual(63);
    const again = new ModelEndpoint(stack, 'ChurnPredictionEndpointWithALongConstructId2', { variants: [{ name: 'v', model }] });
    expect(again.endpointName).not.toEqual(endpoint.endpointName);
  });

  test('is the same on every synth', () => {
    const a = servingFixture();
    const b = servingFixture();
    expect(new ModelEndpoint(a.stack, 'Churn', { variants: [{ name: 'v', model: a.champion }] }).endpointName)
      .toEqual(new ModelEndpoint(b.stack, 'Churn', { variants: [{ name: 'v', model: b.champion }] }).endpointName);
  });

  test('gives the endpoint ARN with the lowercased name', () => {
    const f = servingFixture();
    const endpoint = new ModelEndpoint(f.stack, 'Churn', { endpointName: 'Churn-Prod', variants: [{ name: 'v', model: f.champion }] });
    expect(f.stack.resolve(endpoint.endpointArn)).toEqual('arn:aws:sagemaker:us-east-1:123456789012:endpoint/churn-prod');
  });
});

describe('ModelEndpoint variants', () => {
  test('a variant added after construction is rendered, with weight 1 by default', () => {
    const f = servingFixture();
    const endpoint = new ModelEndpoint(f.stack, 'Churn', { variants: [{ name: 'champion', model: f.champion }] });
    endpoint.addVariant({ name: 'challenger', model: f.challenger, instanceType: InstanceType.C5_XLARGE, instanceCount: 3 });
    const config = the(Template.fromStack(f.stack), 'AWS::SageMaker::EndpointConfig');
    expect(config.Properties.ProductionVariants.map((v: any) => [v.VariantName, v.InitialVariantWeight, v.InstanceType, v.InitialInstanceCount]))
      .toEqual([['champion', 1, 'ml.m5.large', 1], ['challenger', 1, 'ml.c5.xlarge', 3]]);
    expect(endpoint.variantNames).toEqual(['champion', 'challenger']);
  });

  test('renders volume size and the container timeouts', () => {
    const f = servingFixture();
    new ModelEndpoint(f.stack, 'Churn', {
      variants: [{
        name: 'champion', model: f.champion, volumeSize: Size.gibibytes(40),
        modelDownloadTimeout: Duration.minutes(15), containerStartupHealthCheckTimeout: Duration.minutes(10),
      }],
    });
    Template.fromStack(f.stack).hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      ProductionVariants: [Match.objectLike({
        VolumeSizeInGB: 40, ModelDataDownloadTimeoutInSeconds: 900, ContainerStartupHealthCheckTimeoutInSeconds: 600,
      })],
    });
  });

  test('a serverless variant renders memory and concurrency and no instances', () => {
    const f = servingFixture();
    const model = imageModel(f.stack, 'Open', { repo: f.repo, lake: f.lake, key: 'm.tar.gz', networkIsolation: false });
    const endpoint = new ModelEndpoint(f.stack, 'Churn', {
      variants: [{ name: 'champion', model, serverless: { memory: Size.gibibytes(3), maxConcurrency: 20, provisionedConcurrency: 2 } }],
      deployment: DeploymentPolicy.allAtOnce(),
    });
    const config = the(Template.fromStack(f.stack), 'AWS::SageMaker::EndpointConfig');
    expect(config.Properties.ProductionVariants[0]).toEqual({
      VariantName: 'champion', ModelName: expect.anything(), InitialVariantWeight: 1,
      ServerlessConfig: { MemorySizeInMB: 3072, MaxConcurrency: 20, ProvisionedConcurrency: 2 },
    });
    expect(endpoint.variantKind('champion')).toBe(VariantKind.SERVERLESS);
    expect(endpoint.variantInstanceType('champion')).toBeUndefined();
  });

  test('a shadow variant receives its sampling share as a weight relative to the production variant', () => {
    const f = servingFixture();
    const endpoint = new ModelEndpoint(f.stack, 'Churn', {
      variants: [{ name: 'champion', model: f.champion, weight: 2 }],
      shadowVariant: { name: 'shadow', model: f.challenger, samplingPercentage: 25, instanceType: InstanceType.C5_LARGE },
    });
    const config = the(Template.fromStack(f.stack), 'AWS::SageMaker::EndpointConfig');
    expect(config.Properties.ShadowProductionVariants).toEqual([expect.objectContaining({
      VariantName: 'shadow', InitialVariantWeight: 0.5, InstanceType: 'ml.c5.large', InitialInstanceCount: 1,
    })]);
    expect(endpoint.shadowVariantName).toBe('shadow');
    expect(endpoint.variantNames).toEqual(['champion']);
  });
});

describe('ModelEndpoint autoscaling', () => {
  const f = servingFixture();
  new ModelEndpoint(f.stack, 'Churn', {
    endpointName: 'churn',
    variants: [
      { name: 'champion', model: f.champion, instanceCount: 2, autoScaling: { maxCapacity: 6, targetInvocationsPerInstance: 250, scaleInCooldown: Duration.minutes(10) } },
      { name: 'challenger', model: f.challenger },
    ],
  });
  const template = Template.fromStack(f.stack);

  test('scales the instance count of the variant on invocations per instance, after the endpoint exists', () => {
    const target = the(template, 'AWS::ApplicationAutoScaling::ScalableTarget');
    expect(target.Properties).toEqual({
      ServiceNamespace: 'sagemaker',
      ResourceId: 'endpoint/churn/variant/champion',
      ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
      MinCapacity: 2,
      MaxCapacity: 6,
    });
    expect(target.DependsOn).toEqual([expect.stringMatching(/^Churn[0-9A-F]{8}$/)]);
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: 250,
        PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' },
        ScaleInCooldown: 600,
        ScaleOutCooldown: 60,
      },
    });
  });

  test('retains the autoscaled instance count across deployments, but not the weights', () => {
    template.hasResourceProperties('AWS::SageMaker::Endpoint', {
      RetainAllVariantProperties: true,
      ExcludeRetainedVariantProperties: [{ VariantPropertyType: 'DesiredWeight' }],
    });
  });

  test('keeps experiment-shifted weights too when asked', () => {
    const g = servingFixture();
    new ModelEndpoint(g.stack, 'Churn', {
      variants: [{ name: 'champion', model: g.champion, autoScaling: { maxCapacity: 2, targetInvocationsPerInstance: 10 } }],
      retainWeightsOnDeploy: true,
    });
    const endpoint = the(Template.fromStack(g.stack), 'AWS::SageMaker::Endpoint');
    expect(endpoint.Properties.RetainAllVariantProperties).toBe(true);
    expect(endpoint.Properties.ExcludeRetainedVariantProperties).toBeUndefined();
  });
});

describe('ModelEndpoint data capture and encryption', () => {
  test('captures 10% of requests and responses into the monitoring zone, encrypted with the lake key', () => {
    const f = servingFixture();
    new ModelEndpoint(f.stack, 'Churn', { endpointName: 'churn', variants: [{ name: 'champion', model: f.champion }], dataCapture: { lake: f.lake } });
    const t = Template.fromStack(f.stack);
    const capture = the(t, 'AWS::SageMaker::EndpointConfig').Properties.DataCaptureConfig;
    expect(capture).toEqual({
      EnableCapture: true,
      InitialSamplingPercentage: 10,
      DestinationS3Uri: { 'Fn::Join': ['', ['s3://', { Ref: expect.stringMatching(/^Lakemonitoring/) }, '/data-capture/']] },
      KmsKeyId: { 'Fn::GetAtt': [expect.stringMatching(/^LakeKey/), 'Arn'] },
      CaptureOptions: [{ CaptureMode: 'Input' }, { CaptureMode: 'Output' }],
    });
  });

  test('lets the model write captures only under the endpoint prefix, with the lake key', () => {
    const f = servingFixture();
    new ModelEndpoint(f.stack, 'Churn', { endpointName: 'churn', variants: [{ name: 'champion', model: f.champion }], dataCapture: { lake: f.lake, samplingPercentage: 5, captureOutput: false } });
    const t = Template.fromStack(f.stack);
    const capture = the(t, 'AWS::SageMaker::EndpointConfig').Properties.DataCaptureConfig;
    expect(capture.InitialSamplingPercentage).toBe(5);
    expect(capture.CaptureOptions).toEqual([{ CaptureMode: 'Input' }]);
    t.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^ChampionRole') }],
      PolicyDocument: { Statement: Match.arrayWith([
        { Action: ['s3:AbortMultipartUpload', 's3:PutObject'], Effect: 'Allow', Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Lakemonitoring'), 'Arn'] }, '/data-capture/churn/*']] } },
        {
          Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          Condition: {
            StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' },
            StringLike: { 'kms:EncryptionContext:aws:s3:arn': [
              { 'Fn::GetAtt': [Match.stringLikeRegexp('^Lakemonitoring'), 'Arn'] },
              { 'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Lakemonitoring'), 'Arn'] }, '/data-capture/churn/*']] },
            ] },
          },
          Effect: 'Allow',
          Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LakeKey'), 'Arn'] },
        },
      ]) },
    });
  });

  test('encrypts the instance volumes with the given key', () => {
    const f = servingFixture();
    new ModelEndpoint(f.stack, 'Churn', { variants: [{ name: 'champion', model: f.champion }], volumeEncryptionKey: f.lake.encryptionKey });
    Template.fromStack(f.stack).hasResourceProperties('AWS::SageMaker::EndpointConfig', { KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LakeKey'), 'Arn'] } });
  });
});

describe('DeploymentPolicy', () => {
  function deploymentConfig(policy: DeploymentPolicy, variants = 1, extra: Partial<ModelEndpointProps> = {}): any {
    const f = servingFixture();
    new ModelEndpoint(f.stack, 'Churn', {
      variants: [f.champion, f.challenger].slice(0, variants).map((model, i) => ({ name: `v${i}`, model, instanceCount: 4 })),
      deployment: policy,
      ...extra,
    });
    return the(Template.fromStack(f.stack), 'AWS::SageMaker::Endpoint').Properties.DeploymentConfig;
  }

  test('allAtOnce shifts everything, bakes 5 minutes and keeps the old fleet for the termination wait', () => {
    const policy = DeploymentPolicy.allAtOnce({ terminationWait: Duration.minutes(2), maximumExecutionTime: Duration.hours(1) });
    expect(deploymentConfig(policy).BlueGreenUpdatePolicy).toEqual({
      TrafficRoutingConfiguration: { Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: 300 },
      TerminationWaitInSeconds: 120,
      MaximumExecutionTimeoutInSeconds: 3600,
    });
  });

  test('canary by instances renders an instance-count canary', () => {
    expect(deploymentConfig(DeploymentPolicy.canary({ instances: 2, bake: Duration.minutes(3) })).BlueGreenUpdatePolicy.TrafficRoutingConfiguration)
      .toEqual({ Type: 'CANARY', CanarySize: { Type: 'INSTANCE_COUNT', Value: 2 }, WaitIntervalInSeconds: 180 });
  });

  test('linear renders steps of a capacity percentage', () => {
    expect(deploymentConfig(DeploymentPolicy.linear({ step: 25, bake: Duration.minutes(4) })).BlueGreenUpdatePolicy.TrafficRoutingConfiguration)
      .toEqual({ Type: 'LINEAR', LinearStepSize: { Type: 'CAPACITY_PERCENT', Value: 25 }, WaitIntervalInSeconds: 240 });
  });

  test('rolling renders batches and a rollback batch, with the rollback alarms', () => {
    const config = deploymentConfig(DeploymentPolicy.rolling({ batch: 25, rollbackBatch: 50, bake: Duration.minutes(2) }));
    expect(config.RollingUpdatePolicy).toEqual({
      MaximumBatchSize: { Type: 'CAPACITY_PERCENT', Value: 25 },
      RollbackMaximumBatchSize: { Type: 'CAPACITY_PERCENT', Value: 50 },
      WaitIntervalInSeconds: 120,
    });
    expect(config.BlueGreenUpdatePolicy).toBeUndefined();
    expect(config.AutoRollbackConfiguration.Alarms).toHaveLength(2);
  });

  test('extra rollback alarms are added after the endpoint\'s own', () => {
    const config = deploymentConfig(DeploymentPolicy.canary(), 1, {
      rollbackAlarms: [cloudwatch.Alarm.fromAlarmName(new Stack(), 'X', 'business-kpi')],
    });
    expect(config.AutoRollbackConfiguration.Alarms).toEqual([
      { AlarmName: { Ref: expect.stringMatching(/^ChurnErrorRateAlarm/) } },
      { AlarmName: { Ref: expect.stringMatching(/^ChurnLatencyAlarm/) } },
      { AlarmName: 'business-kpi' },
    ]);
  });

  test('without default alarms and extra ones, nothing is watched', () => {
    const config = deploymentConfig(DeploymentPolicy.canary(), 1, { defaultRollbackAlarms: false });
    expect(config.AutoRollbackConfiguration).toBeUndefined();
  });

  test('a single-variant endpoint alarms on the variant metric directly', () => {
    const f = servingFixture();
    new ModelEndpoint(f.stack, 'Churn', { variants: [{ name: 'v', model: f.champion }], rollbackAlarmOptions: { latencyThreshold: Duration.millis(250), errorRateThreshold: 0.05 } });
    const alarms = Object.values<any>(Template.fromStack(f.stack).findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    expect(alarms.map((a) => [a.Threshold, a.Metrics.length, a.Metrics[0].ReturnData])).toEqual([[0.05, 1, true], [250_000, 1, true]]);
  });
});

describe('ModelEndpoint grants and metrics', () => {
  test('grantInvoke allows invoking this endpoint only', () => {
    const f = servingFixture();
    const endpoint = new ModelEndpoint(f.stack, 'Churn', { endpointName: 'churn', variants: [{ name: 'v', model: f.champion }] });
    const role = new iam.Role(f.stack, 'Caller', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    endpoint.grantInvoke(role);
    Template.fromStack(f.stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^Caller') }],
      PolicyDocument: { Statement: [{
        Action: ['sagemaker:InvokeEndpoint', 'sagemaker:InvokeEndpointWithResponseStream'],
        Effect: 'Allow',
        Resource: 'arn:aws:sagemaker:us-east-1:123456789012:endpoint/churn',
      }] },
    });
  });

  test('variant metrics use the endpoint and variant dimensions and the right namespace', () => {
    const { endpoint, stack } = championChallenger();
    const latency = endpoint.metricModelLatency({ variantName: 'challenger', statistic: 'p99' }) as cloudwatch.Metric;
    expect(latency.namespace).toBe('AWS/SageMaker');
    expect(latency.metricName).toBe('ModelLatency');
    expect(latency.statistic).toBe('p99');
    expect(latency.dimensions).toEqual({ EndpointName: 'churn', VariantName: 'challenger' });
    const gpu = endpoint.metricGPUUtilization({ variantName: 'champion' }) as cloudwatch.Metric;
    expect(gpu.namespace).toBe('/aws/sagemaker/Endpoints');
    const instanceMetrics = [
      endpoint.metricCPUUtilization, endpoint.metricMemoryUtilization, endpoint.metricDiskUtilization, endpoint.metricGPUMemoryUtilization,
    ];
    for (const m of instanceMetrics) {
      expect((m.call(endpoint, { variantName: 'champion' }) as cloudwatch.Metric).namespace).toBe('/aws/sagemaker/Endpoints');
    }
    const invocationMetrics = [
      endpoint.metricInvocations, endpoint.metricInvocation4XXErrors, endpoint.metricInvocation5XXErrors, endpoint.metricOverheadLatency,
    ];
    for (const m of invocationMetrics) {
      expect((m.call(endpoint, { variantName: 'champion' }) as cloudwatch.Metric).namespace).toBe('AWS/SageMaker');
    }
    expect(stack.resolve(latency.dimensions)).toEqual({ EndpointName: 'churn', VariantName: 'challenger' });
  });

  test('endpoint-wide metrics sum counts and take the worst variant for latencies', () => {
    const { endpoint } = championChallenger();
    const invocations = endpoint.metricInvocations() as cloudwatch.MathExpression;
    expect(invocations.expression).toBe('SUM([invocations_0, invocations_1])');
    expect(Object.values(invocations.usingMetrics).map((m) => (m as cloudwatch.Metric).dimensions?.VariantName)).toEqual(['champion', 'challenger']);
    expect((Object.values(invocations.usingMetrics)[0] as cloudwatch.Metric).statistic).toBe('Sum');
    expect((endpoint.metricModelLatency() as cloudwatch.MathExpression).expression).toBe('MAX([modellatency_0, modellatency_1])');
  });

  test('an imported endpoint has the same grants and metrics', () => {
    const stack = new Stack(testApp(), 'Other', { env: TEST_ENV });
    const imported = ModelEndpoint.fromEndpointName(stack, 'Churn', 'churn', ['champion']);
    expect(imported.endpointArn).toMatch(/endpoint\/churn$/);
    expect((imported.metricInvocations() as cloudwatch.Metric).dimensions).toEqual({ EndpointName: 'churn', VariantName: 'champion' });
    expect(imported.variantKind('champion')).toBe(VariantKind.INSTANCE);
    const serverless = ModelEndpoint.fromEndpointAttributes(stack, 'Sls', { endpointName: 'sls', variantNames: ['v'], serverlessVariantNames: ['v'] });
    expect(serverless.variantKind('v')).toBe(VariantKind.SERVERLESS);
    const unknown = ModelEndpoint.fromEndpointName(stack, 'Unknown', 'unknown');
    expect(() => unknown.metricInvocations()).toThrow(/Invocations needs a variantName, since the endpoint's variant names are unknown/);
  });
});

describe('ModelEndpoint rollback alarms added later', () => {
  test('lets every model role describe an alarm added after construction', () => {
    const f = servingFixture('Late');
    const endpoint = new ModelEndpoint(f.stack, 'Churn', { variants: [{ name: 'champion', model: f.champion }] });
    endpoint.addRollbackAlarm(cloudwatch.Alarm.fromAlarmName(f.stack, 'Extra', 'churn-endpoint-health'));
    const text = JSON.stringify(Template.fromStack(f.stack).findResources('AWS::IAM::Policy'));
    expect(text).toContain('alarm:churn-endpoint-health');
    expect(text).toContain('cloudwatch:DescribeAlarms');
  });
});

describe('ModelEndpoint instance counts across deploys', () => {
  const warning = Match.stringLikeRegexp('^variants \\[\'challenger\'\\] have a fixed instanceCount beside the autoscaled \\[\'champion\'\\]: SageMaker '
    + 'retains instance counts for all variants of an endpoint or for none');

  test('warns that a fixed variant\'s count beside an autoscaled one does not take effect on a deploy', () => {
    const f = servingFixture('Mixed');
    new ModelEndpoint(f.stack, 'Churn', {
      variants: [
        { name: 'champion', model: f.champion, instanceCount: 2, autoScaling: { maxCapacity: 4, targetInvocationsPerInstance: 100 } },
        { name: 'challenger', model: f.challenger, instanceCount: 2 },
      ],
    });
    const template = Template.fromStack(f.stack);
    Annotations.fromStack(f.stack).hasWarning('/Mixed/Churn', warning);
    // Counts are retained (autoscaled capacity survives deploys); weights are not.
    expect(Object.values<any>(template.findResources('AWS::SageMaker::Endpoint'))[0].Properties.ExcludeRetainedVariantProperties)
      .toEqual([{ VariantPropertyType: 'DesiredWeight' }]);
  });

  test('does not warn, and lets counts in code apply, when no variant autoscales', () => {
    const f = servingFixture('Fixed');
    new ModelEndpoint(f.stack, 'Churn', {
      variants: [{ name: 'champion', model: f.champion, instanceCount: 2 }, { name: 'challenger', model: f.challenger, instanceCount: 2 }],
    });
    const template = Template.fromStack(f.stack);
    Annotations.fromStack(f.stack).hasNoWarning('/Fixed/Churn', warning);
    expect(Object.values<any>(template.findResources('AWS::SageMaker::Endpoint'))[0].Properties.ExcludeRetainedVariantProperties)
      .toEqual([{ VariantPropertyType: 'DesiredWeight' }, { VariantPropertyType: 'DesiredInstanceCount' }]);
  });
});
