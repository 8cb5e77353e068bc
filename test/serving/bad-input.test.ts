import { CfnParameter, Duration, Size, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { ContainerImage, InstanceType } from '@aws-cdk/aws-sagemaker-alpha';
import { FakeRegistry, servingFixture } from './fixtures';
import { DeploymentPolicy, ModelEndpoint, ModelEndpointProps, RollbackAlarmOptions, ServingModel, ServingModelData, ServingModelProps } from '../../lib/serving';

// Bad input of the serving capability, as TypeScript and JavaScript users can write it: each case names the construct path,
// the property the user wrote, the bad value and what is allowed. Values resolved at deploy time (tokens) are never rejected.

type Fixture = ReturnType<typeof servingFixture>;

function synthEndpoint(props: (f: Fixture) => ModelEndpointProps, after?: (e: ModelEndpoint, f: Fixture) => void): Template {
  const f = servingFixture();
  const endpoint = new ModelEndpoint(f.stack, 'Churn', props(f));
  after?.(endpoint, f);
  return Template.fromStack(f.stack);
}

/** Escapes a literal message part for a RegExp. */
const lit = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The error text: `<kind> <path>: <prop> must be <allowed>, got <value>`, as a RegExp of literal parts. */
const problem = (kind: string, path: string, prop: string, allowed: string, got: string) =>
  new RegExp(`${lit(`${kind} ${path}`)}: (.*\\n  - )?${lit(`${prop} must be ${allowed}, got ${got}`)}`);

/** Any value, as JavaScript callers can pass it despite the types. */
const js = (v: unknown) => v as any;

describe('rollbackAlarmOptions', () => {
  const withOptions = (o: RollbackAlarmOptions) => () => synthEndpoint((f) => ({
    variants: [{ name: 'champion', model: f.champion }], rollbackAlarmOptions: o,
  }));
  const endpoint = (prop: string, allowed: string, got: string) => problem('ModelEndpoint', 'Serve/Churn', `rollbackAlarmOptions.${prop}`, allowed, got);

  test('fails when datapointsToAlarm is above evaluationPeriods', () => {
    expect(withOptions({ evaluationPeriods: 3, datapointsToAlarm: 4 }))
      .toThrow(endpoint('datapointsToAlarm', 'at most evaluationPeriods (3): an alarm fires on M of N periods, M <= N', '4'));
  });

  test('fails when datapointsToAlarm is above the default evaluationPeriods', () => {
    expect(withOptions({ datapointsToAlarm: 4 }))
      .toThrow(endpoint('datapointsToAlarm', 'at most evaluationPeriods (3, the default): an alarm fires on M of N periods, M <= N', '4'));
  });

  test('accepts datapointsToAlarm equal to evaluationPeriods, and renders both', () => {
    const template = withOptions({ evaluationPeriods: 5, datapointsToAlarm: 5 })();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { EvaluationPeriods: 5, DatapointsToAlarm: 5 });
  });

  test('fails when evaluationPeriods is 0', () => {
    expect(withOptions({ evaluationPeriods: 0, datapointsToAlarm: 1 })).toThrow(endpoint('evaluationPeriods', 'a whole number >= 1', '0'));
  });

  test('fails when evaluationPeriods is 1 and datapointsToAlarm is left at its default of 2', () => {
    expect(withOptions({ evaluationPeriods: 1 }))
      .toThrow(endpoint('evaluationPeriods', 'at least 2 with the default datapointsToAlarm (2), or give datapointsToAlarm too', '1'));
  });

  test('fails when datapointsToAlarm is not a whole number', () => {
    expect(withOptions({ datapointsToAlarm: 1.5 })).toThrow(endpoint('datapointsToAlarm', 'a whole number >= 1', '1.5'));
  });

  test('fails when evaluationPeriods is a string (JavaScript)', () => {
    expect(withOptions({ evaluationPeriods: js('3') })).toThrow(endpoint('evaluationPeriods', 'a whole number >= 1', '\'3\''));
  });

  test('fails when the periods evaluated span more than a day', () => {
    expect(withOptions({ evaluationPeriods: 1441, datapointsToAlarm: 2 }))
      .toThrow(endpoint('evaluationPeriods', 'at most 1440 with a period of 60 s (CloudWatch evaluates at most one day)', '1441'));
  });

  test('fails when the error rate threshold is 0', () => {
    expect(withOptions({ errorRateThreshold: 0 })).toThrow(endpoint('errorRateThreshold', 'a share above 0 and at most 1 (0.01 = 1%)', '0'));
  });

  test('fails when the error rate threshold is a percentage above 1', () => {
    expect(withOptions({ errorRateThreshold: 5 })).toThrow(endpoint('errorRateThreshold', 'a share above 0 and at most 1 (0.01 = 1%)', '5'));
  });

  test('fails when the error rate threshold is a string (JavaScript)', () => {
    expect(withOptions({ errorRateThreshold: js('0.01') })).toThrow(endpoint('errorRateThreshold', 'a share above 0 and at most 1 (0.01 = 1%)', '\'0.01\''));
  });

  test('fails when the latency threshold is 0', () => {
    expect(withOptions({ latencyThreshold: Duration.millis(0) }))
      .toThrow(endpoint('latencyThreshold', 'a Duration above 0, e.g. Duration.millis(500)', '0 millis'));
  });

  test('fails when the latency threshold is a number of milliseconds (JavaScript)', () => {
    expect(withOptions({ latencyThreshold: js(500) }))
      .toThrow(endpoint('latencyThreshold', 'a Duration (a Duration above 0, e.g. Duration.millis(500))', '500'));
  });

  test('fails when the period is not 10 s, 30 s or whole minutes', () => {
    expect(withOptions({ period: Duration.seconds(45) }))
      .toThrow(endpoint('period', 'a Duration of 10 seconds, 30 seconds or a whole number of minutes (CloudWatch alarm periods)', '45 seconds'));
  });

  test('accepts a 10-second period and a token threshold', () => {
    const template = synthEndpoint((f) => ({
      variants: [{ name: 'champion', model: f.champion }],
      rollbackAlarmOptions: { period: Duration.seconds(10), errorRateThreshold: Token.asNumber(new CfnParameter(f.stack, 'Rate', { type: 'Number' })) },
    }));
    template.resourceCountIs('AWS::CloudWatch::Alarm', 2);
  });
});

describe('rollback alarms', () => {
  const composite = (f: Fixture) => new cloudwatch.CompositeAlarm(f.stack, 'Health', {
    alarmRule: cloudwatch.AlarmRule.fromAlarm(cloudwatch.Alarm.fromAlarmName(f.stack, 'Part', 'part'), cloudwatch.AlarmState.ALARM),
  });
  const allowed = 'a metric alarm: SageMaker deployment guardrails read rollback alarms with DescribeAlarms, which returns composite alarms '
    + 'only when asked for AlarmTypes CompositeAlarm and to a role allowed cloudwatch:DescribeAlarms on \'*\'; pass the metric alarms the '
    + 'composite combines (for EndpointAlarms, alarm(kind))';

  test('fails when a composite alarm is given in rollbackAlarms', () => {
    expect(() => synthEndpoint((f) => ({ variants: [{ name: 'champion', model: f.champion }], rollbackAlarms: [composite(f)] })))
      .toThrow(problem('ModelEndpoint', 'Serve/Churn', 'rollbackAlarms[0]', allowed, 'the construct \'Serve/Health\''));
  });

  test('fails when a composite alarm is added with addRollbackAlarm', () => {
    expect(() => synthEndpoint((f) => ({ variants: [{ name: 'champion', model: f.champion }] }), (e, f) => e.addRollbackAlarm(composite(f))))
      .toThrow(problem('ModelEndpoint', 'Serve/Churn', 'addRollbackAlarm(alarm)', allowed, 'the construct \'Serve/Health\''));
  });

  test('accepts a metric alarm and an imported alarm, and names both in AutoRollbackConfiguration', () => {
    const template = synthEndpoint((f) => ({ variants: [{ name: 'champion', model: f.champion }] }), (e, f) => {
      e.addRollbackAlarm(new cloudwatch.Alarm(f.stack, 'Own', {
        alarmName: 'own', metric: e.metricOverheadLatency(), threshold: 1, evaluationPeriods: 1,
      }));
      e.addRollbackAlarm(cloudwatch.Alarm.fromAlarmName(f.stack, 'Imported', 'imported'));
    });
    const alarms = Object.values(template.findResources('AWS::SageMaker::Endpoint'))[0].Properties.DeploymentConfig.AutoRollbackConfiguration.Alarms;
    expect(alarms.slice(2)).toEqual([{ AlarmName: { Ref: expect.stringMatching(/^Own/) } }, { AlarmName: 'imported' }]);
  });
});

describe('ServingModel environment', () => {
  const model = (environment: unknown) => () => {
    const f = servingFixture();
    new ServingModel(f.stack, 'Bad', {
      image: ContainerImage.fromEcrRepository(f.repo, '1.4.2'),
      modelData: ServingModelData.fromLakeZone(f.lake.zone('models'), 'churn/v3/model.tar.gz'),
      environment: environment as ServingModelProps['environment'],
    });
    return Template.fromStack(f.stack);
  };
  const vars = (n: number, value = 'x') => Object.fromEntries(Array.from({ length: n }, (_, i) => [`VAR_${i}`, value]));
  const bad = (prop: string, allowed: string, got: string) => problem('ServingModel', 'Serve/Bad', prop, allowed, got);

  test('fails with more than 100 variables', () => {
    expect(model(vars(101))).toThrow(bad('environment', 'at most 100 variables (SageMaker\'s limit per container)', '\'101 variables\''));
  });

  test('accepts 100 variables', () => {
    model(vars(100))().hasResourceProperties('AWS::SageMaker::Model', { PrimaryContainer: { Environment: vars(100) } });
  });

  test('fails when a variable name starts with a digit', () => {
    expect(model({ '1ST': 'a' })).toThrow(bad('environment key',
      'a variable name matching [a-zA-Z_][a-zA-Z0-9_]* (letters, digits and underscores, not starting with a digit)', '\'1ST\''));
  });

  test('fails when a variable name has a hyphen', () => {
    expect(model({ 'MODEL-NAME': 'a' })).toThrow(bad('environment key',
      'a variable name matching [a-zA-Z_][a-zA-Z0-9_]* (letters, digits and underscores, not starting with a digit)', '\'MODEL-NAME\''));
  });

  test('fails when a value is longer than 1024 bytes', () => {
    expect(model({ BIG: 'x'.repeat(1025) })).toThrow(bad('environment[\'BIG\']', 'at most 1024 bytes', `'${'x'.repeat(20)}... (1025 bytes)'`));
  });

  test('counts bytes, not characters: 513 two-byte characters are too long', () => {
    expect(model({ NAME: 'é'.repeat(513) })).toThrow(bad('environment[\'NAME\']', 'at most 1024 bytes', `'${'é'.repeat(20)}... (1026 bytes)'`));
  });

  test('accepts a value of exactly 1024 bytes', () => {
    model({ BIG: 'x'.repeat(1024) })().hasResourceProperties('AWS::SageMaker::Model', { PrimaryContainer: { Environment: { BIG: 'x'.repeat(1024) } } });
  });

  test('fails when all keys and values together pass 32 KB', () => {
    expect(model(vars(40, 'x'.repeat(1000)))).toThrow(bad('environment', 'at most 32768 bytes in all (32 KB)', '\'40230 bytes of keys and values\''));
  });

  test('fails when a value is a number (JavaScript)', () => {
    expect(model({ WORKERS: 4 })).toThrow(bad('environment[\'WORKERS\']', 'a string (environment values are text: write numbers and booleans as strings)', '4'));
  });

  test('fails when the environment is a string (JavaScript)', () => {
    expect(model('A=1')).toThrow(bad('environment', 'an object of variable names to string values, e.g. { SAGEMAKER_PROGRAM: \'inference.py\' }', '\'A=1\''));
  });

  test('accepts a value resolved at deploy time', () => {
    const f = servingFixture();
    new ServingModel(f.stack, 'Tok', {
      image: ContainerImage.fromEcrRepository(f.repo, '1.4.2'),
      environment: { TOKEN: new CfnParameter(f.stack, 'Value').valueAsString },
    });
    Template.fromStack(f.stack).hasResourceProperties('AWS::SageMaker::Model', { PrimaryContainer: { Environment: { TOKEN: { Ref: 'Value' } } } });
  });

  test('fails when a model package version is a string (JavaScript)', () => {
    expect(() => {
      const f = servingFixture();
      new ServingModel(f.stack, 'Bad', { modelPackage: { registry: new FakeRegistry(f.stack, 'Registry'), version: js('3') } });
    }).toThrow(bad('modelPackage.version', 'a whole number >= 1', '\'3\''));
  });
});

describe('numbers and instance types written as strings (JavaScript)', () => {
  const endpoint = (prop: string, allowed: string, got: string) => problem('ModelEndpoint', 'Serve/Churn', prop, allowed, got);
  const variant = (extra: Record<string, unknown>) => () => synthEndpoint((f) => ({ variants: [{ name: 'champion', model: f.champion, ...extra }] }));

  test('fails when a weight is a string', () => {
    expect(variant({ weight: '90' })).toThrow(endpoint('variant \'champion\' weight', '>= 0 (a relative share of traffic)', '\'90\''));
  });

  test('fails when an instance count is a string', () => {
    expect(variant({ instanceCount: '2' })).toThrow(endpoint('variant \'champion\' instanceCount', 'a whole number >= 1', '\'2\''));
  });

  test('fails when an autoscaling target is a string', () => {
    expect(variant({ autoScaling: { maxCapacity: 4, targetInvocationsPerInstance: '200' } }))
      .toThrow(endpoint('variant \'champion\' autoScaling.targetInvocationsPerInstance', '> 0', '\'200\''));
  });

  test('fails when an autoscaling maximum is missing', () => {
    expect(variant({ autoScaling: { targetInvocationsPerInstance: 200 } }))
      .toThrow(endpoint('variant \'champion\' autoScaling.maxCapacity', 'a whole number >= minCapacity', 'undefined'));
  });

  test('fails when an autoscaling cooldown is a number of seconds', () => {
    expect(variant({ autoScaling: { maxCapacity: 4, targetInvocationsPerInstance: 200, scaleInCooldown: 300 } }))
      .toThrow(endpoint('variant \'champion\' autoScaling.scaleInCooldown', 'a Duration (a whole number of seconds >= 0)', '300'));
  });

  test('fails when an instance type is a string', () => {
    expect(variant({ instanceType: 'ml.m5.large' })).toThrow(endpoint('variant \'champion\' instanceType',
      'an InstanceType, e.g. InstanceType.M5_LARGE or InstanceType.of(\'ml.m5.large\')', '\'ml.m5.large\''));
  });

  test('fails when an instance type has no size', () => {
    expect(variant({ instanceType: InstanceType.of('ml.m5') })).toThrow(endpoint('variant \'champion\' instanceType',
      'an InstanceType, e.g. InstanceType.M5_LARGE or InstanceType.of(\'ml.m5.large\'): a name ml.<family>.<size>', '\'ml.m5\''));
  });

  test('accepts an instance type resolved at deploy time', () => {
    const template = synthEndpoint((f) => ({
      variants: [{ name: 'champion', model: f.champion, instanceType: InstanceType.of(new CfnParameter(f.stack, 'Type').valueAsString) }],
    }));
    template.hasResourceProperties('AWS::SageMaker::EndpointConfig', { ProductionVariants: [{ InstanceType: { Ref: 'Type' } }] });
  });

  test('fails when a shadow variant\'s instance type is a number', () => {
    expect(() => synthEndpoint((f) => ({
      variants: [{ name: 'champion', model: f.champion }], shadowVariant: { name: 'shadow', model: f.challenger, instanceType: js(5) },
    }))).toThrow(endpoint('shadow variant \'shadow\' instanceType', 'an InstanceType, e.g. InstanceType.M5_LARGE or InstanceType.of(\'ml.m5.large\')', '5'));
  });

  test('fails when the capture sampling percentage is a string', () => {
    expect(() => synthEndpoint((f) => ({ variants: [{ name: 'champion', model: f.champion }], dataCapture: { lake: f.lake, samplingPercentage: js('10') } })))
      .toThrow(endpoint('dataCapture.samplingPercentage', 'a whole percentage from 0 to 100', '\'10\''));
  });

  test('fails when serverless concurrency is a string', () => {
    expect(variant({ serverless: { memory: Size.gibibytes(2), maxConcurrency: '10' } }))
      .toThrow(endpoint('variant \'champion\' serverless.maxConcurrency', 'a whole number from 1 to 200', '\'10\''));
  });

  test('fails when a canary percentage is a string', () => {
    expect(() => synthEndpoint((f) => ({
      variants: [{ name: 'champion', model: f.champion, instanceCount: 4 }], deployment: DeploymentPolicy.canary({ percent: js('10') }),
    }))).toThrow(endpoint('deployment.percent', 'a whole percentage from 1 to 50 (a canary is at most half of the fleet)', '\'10\''));
  });

  test('fails when a bake is a number of seconds', () => {
    expect(() => synthEndpoint((f) => ({
      variants: [{ name: 'champion', model: f.champion, instanceCount: 4 }], deployment: DeploymentPolicy.canary({ bake: js(600) }),
    }))).toThrow(endpoint('deployment.bake', 'a Duration from 0 to 3600 seconds (AWS WaitIntervalInSeconds)', '600'));
  });

  test('fails when a maximum execution time is a number of seconds', () => {
    expect(() => synthEndpoint((f) => ({
      variants: [{ name: 'champion', model: f.champion, instanceCount: 4 }], deployment: DeploymentPolicy.allAtOnce({ maximumExecutionTime: js(3600) }),
    }))).toThrow(endpoint('deployment.maximumExecutionTime', 'a Duration from 600 to 28800 seconds (AWS MaximumExecutionTimeoutInSeconds)', '3600'));
  });
});

describe('deployments SageMaker would refuse or run without guardrails', () => {
  const single = (mode: string) => new RegExp(lit(`ModelEndpoint Serve/Churn: deployment must be allAtOnce when a variant has 1 instance: a ${mode} step is at `
    + 'most half of a variant\'s instances and at least one instance; give every instance variant instanceCount >= 2, or use '
    + `DeploymentPolicy.allAtOnce(), got 'DeploymentPolicy.${mode}()'`));
  const withPolicy = (deployment: DeploymentPolicy, instanceCount?: number) => () => synthEndpoint((f) => ({
    variants: [{ name: 'champion', model: f.champion, instanceCount }], deployment,
  }));

  test('fails when a canary is asked for a one-instance variant', () => {
    expect(withPolicy(DeploymentPolicy.canary())).toThrow(single('canary'));
  });

  test('fails when a linear deployment is asked for a one-instance variant', () => {
    expect(withPolicy(DeploymentPolicy.linear())).toThrow(single('linear'));
  });

  test('fails when a rolling deployment is asked for a one-instance variant', () => {
    expect(withPolicy(DeploymentPolicy.rolling())).toThrow(single('rolling'));
  });

  test('accepts a canary, linear and rolling deployment on two instances', () => {
    for (const policy of [DeploymentPolicy.canary({ percent: 50 }), DeploymentPolicy.linear({ step: 50 }), DeploymentPolicy.rolling({ batch: 50 })]) {
      withPolicy(policy, 2)().resourceCountIs('AWS::SageMaker::Endpoint', 1);
    }
  });

  test('fails when a rolling deployment is given a termination wait, which SageMaker\'s rolling policy does not have', () => {
    expect(withPolicy(DeploymentPolicy.rolling({ terminationWait: Duration.minutes(5) }), 4)).toThrow(problem('ModelEndpoint', 'Serve/Churn',
      'deployment.terminationWait', 'absent for a rolling deployment: SageMaker\'s RollingUpdatePolicy has no termination wait (each batch of old '
      + 'instances stops as its replacement takes traffic); watch longer with bake, or use a blue/green policy (canary, linear, allAtOnce) to keep '
      + 'the old fleet', '5 minutes'));
  });

  test('keeps the termination wait of blue/green policies', () => {
    const config = Object.values(withPolicy(DeploymentPolicy.canary({ terminationWait: Duration.minutes(5) }), 4)()
      .findResources('AWS::SageMaker::Endpoint'))[0].Properties.DeploymentConfig;
    expect(config.BlueGreenUpdatePolicy.TerminationWaitInSeconds).toBe(300);
  });

  test('warns that an Inf1 variant deploys without guardrails, naming the variant and its type', () => {
    const f = servingFixture();
    new ModelEndpoint(f.stack, 'Churn', {
      variants: [{ name: 'champion', model: f.champion, instanceType: InstanceType.of('ml.inf1.xlarge'), instanceCount: 2 }],
    });
    Annotations.fromStack(f.stack).hasWarning('/Serve/Churn', Match.stringLikeRegexp(
      '^variant \'champion\' uses ml.inf1.xlarge: SageMaker runs no deployment guardrails on endpoints with Inf1 instances'));
  });

  test('does not warn for Inf2', () => {
    const f = servingFixture();
    new ModelEndpoint(f.stack, 'Churn', {
      variants: [{ name: 'champion', model: f.champion, instanceType: InstanceType.of('ml.inf2.xlarge'), instanceCount: 2 }],
    });
    Annotations.fromStack(f.stack).hasNoWarning('/Serve/Churn', Match.stringLikeRegexp('guardrails'));
  });
});
