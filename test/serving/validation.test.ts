import { CfnParameter, Duration, Size } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { InstanceType } from '@aws-cdk/aws-sagemaker-alpha';
import { FakeRegistry, imageModel, servingFixture } from './fixtures';
import { DeploymentPolicy, ModelEndpoint, ModelEndpointProps, ServingModel, VariantOptions } from '../../lib/serving';

/** Defines an endpoint and synthesizes its stack, so that both construction and synth-time checks run. */
type Fixture = ReturnType<typeof servingFixture>;

function synthEndpoint(props: (f: Fixture) => ModelEndpointProps, after?: (e: ModelEndpoint, f: Fixture) => void) {
  const f = servingFixture();
  const endpoint = new ModelEndpoint(f.stack, 'Churn', props(f));
  after?.(endpoint, f);
  return Template.fromStack(f.stack);
}

function oneVariant(f: ReturnType<typeof servingFixture>, extra: Partial<VariantOptions> = {}): VariantOptions[] {
  return [{ name: 'champion', model: f.champion, ...extra }];
}

function twoVariants(f: ReturnType<typeof servingFixture>): VariantOptions[] {
  return [{ name: 'champion', model: f.champion, weight: 90 }, { name: 'challenger', model: f.challenger, weight: 10 }];
}

function serverlessModel(f: ReturnType<typeof servingFixture>): ServingModel {
  return imageModel(f.stack, 'Lambda', { repo: f.repo, lake: f.lake, key: 'churn/v3/model.tar.gz', networkIsolation: false });
}

const SERVERLESS = { memory: Size.gibibytes(2), maxConcurrency: 10 };
const PATH = /ModelEndpoint Serve\/Churn/;

describe('ModelEndpoint rejects bad input at synth', () => {
  test('fails when there are no variants', () => {
    expect(() => synthEndpoint(() => ({}))).toThrow(/ModelEndpoint Serve\/Churn: variants must be at least one production variant.*got \[\]/);
  });

  test('fails when there are more than 10 variants', () => {
    expect(() => synthEndpoint((f) => ({
      variants: Array.from({ length: 11 }, (_, i) => ({ name: `v${i}`, model: f.champion })),
    }))).toThrow(/variants must be at most 10 production variants, got \['v0'.*'v10'\]/);
  });

  test('fails when two variants have the same name', () => {
    expect(() => synthEndpoint((f) => ({
      variants: [{ name: 'champion', model: f.champion }, { name: 'champion', model: f.challenger }],
    }))).toThrow(/ModelEndpoint Serve\/Churn: variant 'champion' name must be unique among the endpoint's variants, but it is used twice, got 'champion'/);
  });

  test('fails when a weight is negative', () => {
    expect(() => synthEndpoint((f) => ({ variants: oneVariant(f, { weight: -1 }) })))
      .toThrow(/ModelEndpoint Serve\/Churn: variant 'champion' weight must be >= 0 \(a relative share of traffic\), got -1/);
  });

  test('fails when all weights are zero', () => {
    expect(() => synthEndpoint((f) => ({
      variants: [{ name: 'champion', model: f.champion, weight: 0 }, { name: 'challenger', model: f.challenger, weight: 0 }],
    }))).toThrow(/variants weights must be not all 0: at least one variant must take traffic, got \[0, 0\]/);
  });

  test('fails when a shadow variant comes with more than one production variant', () => {
    expect(() => synthEndpoint((f) => ({
      variants: twoVariants(f),
      shadowVariant: { name: 'shadow', model: f.challenger },
    }))).toThrow(/shadowVariant must be used with exactly one production variant, but there are 2 \(\['champion', 'challenger'\]\), got 'shadow'/);
  });

  test('fails when more than one shadow variant is added', () => {
    expect(() => synthEndpoint((f) => ({
      variants: oneVariant(f),
      shadowVariant: { name: 'shadow', model: f.challenger },
    }), (e, f) => e.addShadowVariant({ name: 'shadow2', model: f.challenger })))
      .toThrow(/shadowVariant must be a single shadow variant, but 'shadow' is one already, got 'shadow2'/);
  });

  test('fails when a rolling deployment is used with a serverless variant', () => {
    expect(() => synthEndpoint((f) => ({
      variants: [{ name: 'champion', model: serverlessModel(f), serverless: SERVERLESS }],
      deployment: DeploymentPolicy.rolling(),
    }))).toThrow(/deployment must not be rolling for an endpoint with a serverless variant/);
  });

  test('fails when a rolling deployment is used with several variants', () => {
    expect(() => synthEndpoint((f) => ({ variants: twoVariants(f), deployment: DeploymentPolicy.rolling() })))
      .toThrow(/deployment must not be rolling for an endpoint with several production variants, got DeploymentPolicy.rolling\(\) with 2 variants/);
  });

  test('fails when a canary is above 50% of the fleet', () => {
    expect(() => synthEndpoint((f) => ({ variants: oneVariant(f), deployment: DeploymentPolicy.canary({ percent: 60 }) })))
      .toThrow(/ModelEndpoint Serve\/Churn: deployment.percent must be a whole percentage from 1 to 50 \(a canary is at most half of the fleet\), got 60/);
  });

  test('fails when a canary has more instances than half of the fleet', () => {
    expect(() => synthEndpoint((f) => ({
      variants: oneVariant(f, { instanceCount: 4 }),
      deployment: DeploymentPolicy.canary({ instances: 3 }),
    }))).toThrow(/deployment.instances must be at most half of the smallest variant's 4 instances .*got 3/);
  });

  test('fails when a linear step is outside 10-50%', () => {
    expect(() => synthEndpoint((f) => ({ variants: oneVariant(f), deployment: DeploymentPolicy.linear({ step: 5 }) })))
      .toThrow(/deployment.step must be a whole percentage from 10 to 50 of the fleet, got 5/);
  });

  test('fails when a rolling batch is outside 5-50%', () => {
    expect(() => synthEndpoint((f) => ({ variants: oneVariant(f), deployment: DeploymentPolicy.rolling({ batch: 75 }) })))
      .toThrow(/deployment.batch must be a whole percentage from 5 to 50 of the fleet, got 75/);
  });

  test('fails when a bake wait is above 3600 seconds', () => {
    expect(() => synthEndpoint((f) => ({ variants: oneVariant(f), deployment: DeploymentPolicy.canary({ bake: Duration.hours(2) }) })))
      .toThrow(/deployment.bake must be from 0 to 3600 seconds \(AWS WaitIntervalInSeconds\), got 2 hours/);
  });

  test('fails when a termination wait is above 3600 seconds', () => {
    const deployment = DeploymentPolicy.allAtOnce({ terminationWait: Duration.minutes(61) });
    expect(() => synthEndpoint((f) => ({ variants: oneVariant(f), deployment })))
      .toThrow(/deployment.terminationWait must be from 0 to 3600 seconds \(AWS TerminationWaitInSeconds\), got 1 hour 1 minute/);
  });

  test('fails when the maximum execution time is outside 600-28800 seconds', () => {
    const deployment = DeploymentPolicy.linear({ maximumExecutionTime: Duration.minutes(5) });
    expect(() => synthEndpoint((f) => ({ variants: oneVariant(f), deployment })))
      .toThrow(/deployment.maximumExecutionTime must be from 600 to 28800 seconds \(AWS MaximumExecutionTimeoutInSeconds\), got 5 minutes/);
  });

  test('fails when the maximum execution time is not longer than the waits', () => {
    expect(() => synthEndpoint((f) => ({
      variants: oneVariant(f),
      deployment: DeploymentPolicy.canary({
        bake: Duration.minutes(30), terminationWait: Duration.minutes(30), maximumExecutionTime: Duration.minutes(50),
      }),
    }))).toThrow(new RegExp('deployment.maximumExecutionTime must be at least 6000 seconds: the canary bake and the final bake \\(1800 s each\\), '
      + 'terminationWait \\(1800 s\\) and 10 minutes to provision the new fleet, got 50 minutes'));
  });

  test('fails when serverless memory is not a whole number of GiB', () => {
    expect(() => synthEndpoint((f) => ({
      variants: [{ name: 'champion', model: serverlessModel(f), serverless: { memory: Size.mebibytes(1536), maxConcurrency: 5 } }],
    }))).toThrow(/variant 'champion' serverless.memory must be 1024 to 6144 MiB in steps of 1024 .*got '1536 MiB'/);
  });

  test('fails when serverless memory is above 6 GiB', () => {
    expect(() => synthEndpoint((f) => ({
      variants: [{ name: 'champion', model: serverlessModel(f), serverless: { memory: Size.gibibytes(8), maxConcurrency: 5 } }],
    }))).toThrow(/serverless.memory must be 1024 to 6144 MiB in steps of 1024 .*got '8192 MiB'/);
  });

  test('fails when serverless concurrency is outside 1-200', () => {
    expect(() => synthEndpoint((f) => ({
      variants: [{ name: 'champion', model: serverlessModel(f), serverless: { memory: Size.gibibytes(2), maxConcurrency: 201 } }],
    }))).toThrow(/variant 'champion' serverless.maxConcurrency must be a whole number from 1 to 200, got 201/);
  });

  test('fails when provisioned concurrency exceeds the maximum concurrency', () => {
    expect(() => synthEndpoint((f) => ({
      variants: [{ name: 'champion', model: serverlessModel(f), serverless: { memory: Size.gibibytes(2), maxConcurrency: 5, provisionedConcurrency: 10 } }],
    }))).toThrow(/serverless.provisionedConcurrency must be at most maxConcurrency \(5\), got 10/);
  });

  test('fails when a serverless variant serves a network-isolated model', () => {
    expect(() => synthEndpoint((f) => ({ variants: [{ name: 'champion', model: f.champion, serverless: SERVERLESS }] })))
      .toThrow(/variant 'champion': serverless endpoints support neither network isolation nor a VPC/);
  });

  test('fails when a serverless variant is one of several production variants', () => {
    expect(() => synthEndpoint((f) => ({
      variants: [{ name: 'champion', model: serverlessModel(f), serverless: SERVERLESS }, { name: 'challenger', model: f.challenger }],
    }))).toThrow(/variants must be a single production variant when one is serverless \('champion'\)/);
  });

  test('fails when a serverless endpoint captures data', () => {
    expect(() => synthEndpoint((f) => ({
      variants: [{ name: 'champion', model: serverlessModel(f), serverless: SERVERLESS }],
      dataCapture: { lake: f.lake },
    }))).toThrow(/dataCapture must be absent for a serverless endpoint: serverless endpoints do not support data capture/);
  });

  test('fails when a serverless variant also names an instance type', () => {
    expect(() => synthEndpoint((f) => ({
      variants: [{ name: 'champion', model: serverlessModel(f), serverless: SERVERLESS, instanceType: InstanceType.M5_LARGE }],
    }))).toThrow(/a serverless variant takes none of instanceType, instanceCount, volumeSize and autoScaling/);
  });

  test('fails when autoscaling is asked for a burstable ml.t* instance type', () => {
    expect(() => synthEndpoint((f) => ({
      variants: oneVariant(f, { instanceType: InstanceType.T2_MEDIUM, autoScaling: { maxCapacity: 3, targetInvocationsPerInstance: 100 } }),
    }))).toThrow(/variant 'champion' autoScaling must be used with a non-burstable instance type: SageMaker does not autoscale ml.t\* instances, got 'ml.t2.medium'/);
  });

  test('fails when autoscaling min capacity is above max capacity', () => {
    expect(() => synthEndpoint((f) => ({
      variants: oneVariant(f, { autoScaling: { minCapacity: 4, maxCapacity: 2, targetInvocationsPerInstance: 100 } }),
    }))).toThrow(/variant 'champion' autoScaling.maxCapacity must be a whole number >= minCapacity \(4\), got 2/);
  });

  test('fails when the autoscaling target is not positive', () => {
    expect(() => synthEndpoint((f) => ({
      variants: oneVariant(f, { autoScaling: { maxCapacity: 2, targetInvocationsPerInstance: 0 } }),
    }))).toThrow(/autoScaling.targetInvocationsPerInstance must be > 0, got 0/);
  });

  test('fails when the capture sampling percentage is above 100', () => {
    expect(() => synthEndpoint((f) => ({ variants: oneVariant(f), dataCapture: { lake: f.lake, samplingPercentage: 101 } })))
      .toThrow(/ModelEndpoint Serve\/Churn: dataCapture.samplingPercentage must be a whole percentage from 0 to 100, got 101/);
  });

  test('fails when the capture prefix is not a key prefix', () => {
    expect(() => synthEndpoint((f) => ({ variants: oneVariant(f), dataCapture: { lake: f.lake, prefix: '/captures' } })))
      .toThrow(/dataCapture.prefix must be a key prefix ending with '\/', without a leading slash or wildcards.*got '\/captures'/);
  });

  test('fails when data capture captures neither input nor output', () => {
    expect(() => synthEndpoint((f) => ({ variants: oneVariant(f), dataCapture: { lake: f.lake, captureInput: false, captureOutput: false } })))
      .toThrow(/dataCapture must capture input, output or both/);
  });

  test('fails when a volume key is given for an instance type with NVMe storage', () => {
    expect(() => synthEndpoint((f) => ({
      variants: oneVariant(f, { instanceType: InstanceType.G5_XLARGE }),
      volumeEncryptionKey: f.lake.encryptionKey,
    }))).toThrow(/volumeEncryptionKey must be absent when a variant uses an instance type with local NVMe storage.*got 'ml.g5.xlarge'/);
  });

  test('fails when a volume size is given for an instance type with NVMe storage', () => {
    expect(() => synthEndpoint((f) => ({
      variants: oneVariant(f, { instanceType: InstanceType.of('ml.m5d.large'), volumeSize: Size.gibibytes(30) }),
    }))).toThrow(/variant 'champion' volumeSize must be absent for ml.m5d.large, which has local NVMe storage, got 30/);
  });

  test('fails when the volume size is above 512 GiB', () => {
    expect(() => synthEndpoint((f) => ({ variants: oneVariant(f, { volumeSize: Size.gibibytes(1024) }) })))
      .toThrow(/variant 'champion' volumeSize must be a whole number of GiB from 1 to 512, got '1048576 MiB'/);
  });

  test('fails when a variant name breaks SageMaker\'s pattern', () => {
    expect(() => synthEndpoint((f) => ({ variants: [{ name: 'champion_v2', model: f.champion }] })))
      .toThrow(/variant 'champion_v2' name must be 1-63 letters, digits and hyphens, starting and ending with a letter or digit, got 'champion_v2'/);
  });

  test('fails when the endpoint name breaks SageMaker\'s pattern', () => {
    expect(() => synthEndpoint((f) => ({ endpointName: 'churn-', variants: oneVariant(f) })))
      .toThrow(/ModelEndpoint Serve\/Churn: endpointName must be 1-63 letters, digits and hyphens, starting and ending with a letter or digit, got 'churn-'/);
  });

  test('fails when the endpoint name is longer than 63 characters', () => {
    expect(() => synthEndpoint((f) => ({ endpointName: 'e'.repeat(64), variants: oneVariant(f) })))
      .toThrow(/endpointName must be 1-63 letters/);
  });

  test('fails when the model download timeout is out of range', () => {
    expect(() => synthEndpoint((f) => ({ variants: oneVariant(f, { modelDownloadTimeout: Duration.seconds(30) }) })))
      .toThrow(/variant 'champion' modelDownloadTimeout must be a whole number of seconds from 60 to 3600, got 30 seconds/);
  });

  test('fails when the container startup health check timeout is out of range', () => {
    expect(() => synthEndpoint((f) => ({ variants: oneVariant(f, { containerStartupHealthCheckTimeout: Duration.hours(2) }) })))
      .toThrow(/variant 'champion' containerStartupHealthCheckTimeout must be a whole number of seconds from 60 to 3600, got 2 hours/);
  });

  test('fails when the instance count is not a whole number >= 1', () => {
    expect(() => synthEndpoint((f) => ({ variants: oneVariant(f, { instanceCount: 0 }) })))
      .toThrow(/variant 'champion' instanceCount must be a whole number >= 1, got 0/);
  });

  test('fails when the shadow sampling percentage is outside 1-100', () => {
    expect(() => synthEndpoint((f) => ({ variants: oneVariant(f), shadowVariant: { name: 'shadow', model: f.challenger, samplingPercentage: 0 } })))
      .toThrow(/shadow variant 'shadow' samplingPercentage must be a whole percentage from 1 to 100, got 0/);
  });

  test('fails when there are more than 10 rollback alarms', () => {
    expect(() => synthEndpoint((f) => ({
      variants: oneVariant(f),
      rollbackAlarms: Array.from({ length: 9 }, (_, i) => cloudwatch.Alarm.fromAlarmName(f.stack, `A${i}`, `alarm-${i}`)),
    }))).toThrow(/rollbackAlarms must be at most 10 alarms in all, the 2 default ones included, got '11 alarms'/);
  });

  test('fails when the error-rate threshold is not a share', () => {
    expect(() => synthEndpoint((f) => ({ variants: oneVariant(f), rollbackAlarmOptions: { errorRateThreshold: 5 } })))
      .toThrow(/rollbackAlarmOptions.errorRateThreshold must be a share above 0 and at most 1 \(0.01 = 1%\), got 5/);
  });

  test('reports every problem of one call together, with the construct path', () => {
    expect(() => synthEndpoint((f) => ({ variants: oneVariant(f, { weight: -1, instanceCount: 0 }) })))
      .toThrow(/ModelEndpoint Serve\/Churn: 2 problems:\n  - variant 'champion' instanceCount.*\n  - variant 'champion' weight/);
    expect(() => synthEndpoint(() => ({}))).toThrow(PATH);
  });
});

describe('ServingModel rejects bad input', () => {
  test('fails when neither image nor modelPackage is given', () => {
    const f = servingFixture();
    expect(() => new ServingModel(f.stack, 'Model', {})).toThrow(/ServingModel Serve\/Model: exactly one of image and modelPackage must be given/);
  });

  test('fails when both image and modelPackage are given', () => {
    const f = servingFixture();
    expect(() => new ServingModel(f.stack, 'Model', {
      image: (f.champion as any) && require('@aws-cdk/aws-sagemaker-alpha').ContainerImage.fromEcrRepository(f.repo),
      modelPackage: { registry: new FakeRegistry(f.stack, 'Registry'), version: 1 },
    })).toThrow(/exactly one of image and modelPackage must be given/);
  });

  test('fails when the model package version is not a whole number >= 1', () => {
    const f = servingFixture();
    expect(() => new ServingModel(f.stack, 'Model', { modelPackage: { registry: new FakeRegistry(f.stack, 'Registry'), version: 0 } }))
      .toThrow(/ServingModel Serve\/Model: modelPackage.version must be a whole number >= 1, got 0/);
  });

  test('fails when a model data key has a wildcard', () => {
    const f = servingFixture();
    expect(() => imageModel(f.stack, 'Model', { repo: f.repo, lake: f.lake, key: 'churn/*' }))
      .toThrow(/ServingModel Serve\/Model: modelData key must be an S3 object key without a leading slash or wildcards/);
  });
});

describe('tokens are never rejected for being tokens', () => {
  test('an endpoint name, weights, counts, sampling and timeouts from parameters synthesize', () => {
    const f = servingFixture();
    const num = (id: string) => new CfnParameter(f.stack, id, { type: 'Number' }).valueAsNumber;
    new ModelEndpoint(f.stack, 'Churn', {
      endpointName: new CfnParameter(f.stack, 'Name').valueAsString,
      variants: [{
        name: 'champion',
        model: f.champion,
        weight: num('Weight'),
        instanceCount: num('Count'),
        instanceType: InstanceType.of(new CfnParameter(f.stack, 'Type').valueAsString),
        modelDownloadTimeout: Duration.seconds(num('Timeout')),
        autoScaling: { maxCapacity: num('Max'), targetInvocationsPerInstance: num('Target') },
      }],
      dataCapture: { lake: f.lake, samplingPercentage: num('Sampling') },
      deployment: DeploymentPolicy.canary({ percent: num('Canary'), bake: Duration.seconds(num('Bake')) }),
    });
    expect(() => Template.fromStack(f.stack)).not.toThrow();
  });
});
