import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { fixture, minimalProps, pipeline, roleStatements, stateMachineDefinition } from './fixtures';
import { TrainingPipelineAlarms } from '../../lib/monitoring';
import { ModelRegistry, TrainingPipeline } from '../../lib/training';

const weekly = scheduler.ScheduleExpression.rate(Duration.days(7));

function synth(props: Parameters<typeof pipeline>[1] = {}) {
  const f = fixture();
  const p = pipeline(f, props);
  const template = Template.fromStack(f.stack);
  return { f, p, template, definition: stateMachineDefinition(template.toJSON()) };
}

describe('TrainingPipeline schedule', () => {
  test('a scheduled start retries, then lands in an encrypted, retained dead-letter queue', () => {
    const { template } = synth({ schedule: weekly, jobNamePrefix: 'churn' });
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(7 days)',
      Name: Match.stringLikeRegexp('-Schedule$'),
      Targets: [Match.objectLike({
        Arn: { Ref: Match.stringLikeRegexp('^ChurnStateMachine') },
        RetryPolicy: { MaximumRetryAttempts: 5, MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ChurnScheduleDeadLetters'), 'Arn'] } },
        RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ChurnScheduleRole'), 'Arn'] },
      })],
    });
    template.hasResource('AWS::SQS::Queue', {
      DeletionPolicy: 'Retain',
      Properties: { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 },
    });
  });

  test('EventBridge may assume the schedule role only for this rule, in this account (aws:SourceArn)', () => {
    const { template } = synth({ schedule: weekly });
    const rule = Object.values<any>(template.findResources('AWS::Events::Rule'))[0];
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{
          Action: 'sts:AssumeRole',
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Condition: {
            StringEquals: {
              'aws:SourceAccount': '123456789012',
              'aws:SourceArn': `arn:aws:events:us-east-1:123456789012:rule/${rule.Properties.Name}`,
            },
          },
        }],
      },
    });
    expect(rule.Properties.Name.length).toBeLessThanOrEqual(64);
    expect(roleStatements(template.toJSON(), 'ChurnScheduleRole')).toEqual([
      { Action: 'states:StartExecution', Effect: 'Allow', Resource: { Ref: expect.stringMatching(/^ChurnStateMachine/) } },
    ]);
  });

  test('a rate may equal the state machine timeout (maxRuntime + capacity budget + 1 hour), not be shorter', () => {
    // 24 h + 2 h + 1 h = 27 h = 1620 minutes.
    expect(() => synth({ maxRuntime: Duration.hours(24), schedule: scheduler.ScheduleExpression.rate(Duration.minutes(1620)) })).not.toThrow();
    expect(() => synth({ maxRuntime: Duration.hours(24), schedule: scheduler.ScheduleExpression.rate(Duration.minutes(1619)) }))
      .toThrow(/TrainingPipeline Train\/Churn: schedule must be no more frequent than the state machine's timeout \(1 day 3 hours: maxRuntime \+ capacityWaitBudget \+ 1 hour\).*got 'rate\(1619 minutes\)'/);
    expect(synth({ maxRuntime: Duration.hours(24) }).definition.TimeoutSeconds).toBe(27 * 3600);
  });

  test('the timeout and the schedule check count maxPendingTime: a job may wait that long before its runtime starts', () => {
    // 2 h + 3 days pending + 2 h + 1 h = 77 h = 4620 minutes.
    const props = { maxRuntime: Duration.hours(2), maxPendingTime: Duration.days(3) };
    expect(synth(props).definition.TimeoutSeconds).toBe(77 * 3600);
    expect(synth({ maxRuntime: Duration.hours(2) }).definition.TimeoutSeconds).toBe(5 * 3600);
    expect(() => synth({ ...props, schedule: scheduler.ScheduleExpression.rate(Duration.minutes(4620)) })).not.toThrow();
    expect(() => synth({ ...props, schedule: scheduler.ScheduleExpression.rate(Duration.minutes(4619)) }))
      .toThrow(/schedule must be no more frequent than the state machine's timeout \(3 days 5 hours: maxRuntime \+ maxPendingTime \+ capacityWaitBudget \+ 1 hour\)/);
  });

  test('fails when a cron schedule has an hour of 25 (the same cron check as every construct)', () => {
    expect(() => synth({ schedule: scheduler.ScheduleExpression.expression('cron(0 25 * * ? *)') }))
      .toThrow(/TrainingPipeline Train\/Churn: schedule must be a rate\(\.\.\.\) or a cron\(.*the hours field '25' is not valid \(0-23\).*got 'cron\(0 25 \* \* \? \*\)'/);
    expect(() => synth({ schedule: scheduler.ScheduleExpression.expression('cron(0 23 ? * SUN *)') })).not.toThrow();
  });

  test('fails when the schedule has a time zone (an EventBridge rule runs in UTC)', () => {
    expect(() => synth({ schedule: scheduler.ScheduleExpression.cron({ minute: '0', hour: '3', weekDay: 'SUN', timeZone: { timezoneName: 'Europe/Paris' } as any }) }))
      .toThrow(/schedule.timeZone must be UTC/);
  });
});

describe('TrainingPipelineAlarms: every failure is told', () => {
  test('aborted executions, failed scheduled starts and dead letters alarm', () => {
    const f = fixture();
    const p = pipeline(f, { schedule: weekly, jobNamePrefix: 'churn' });
    const alarms = new TrainingPipelineAlarms(f.stack, 'TrainingAlarms', { pipeline: p });
    const template = Template.fromStack(f.stack);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'churn-training-aborted', Namespace: 'AWS/States', MetricName: 'ExecutionsAborted', Statistic: 'Sum', Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'churn-training-schedule-failed', Namespace: 'AWS/Events', MetricName: 'FailedInvocations', Statistic: 'Sum', Threshold: 1,
      Dimensions: [{ Name: 'RuleName', Value: { Ref: Match.stringLikeRegexp('^ChurnSchedule') } }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'churn-training-schedule-dead-letters', Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible',
      Statistic: 'Maximum', Threshold: 1,
    });
    expect(alarms.scheduleFailedAlarm).toBeDefined();
  });

  test('without a schedule, and for an imported pipeline, there are no schedule alarms', () => {
    const f = fixture();
    const a = new TrainingPipelineAlarms(f.stack, 'A', { pipeline: pipeline(f) });
    const imported = TrainingPipeline.fromStateMachineArn(f.stack, 'Imported', 'arn:aws:states:us-east-1:123456789012:stateMachine:other');
    const b = new TrainingPipelineAlarms(f.stack, 'B', { pipeline: imported });
    expect([a.scheduleFailedAlarm, a.scheduleDeadLettersAlarm, b.scheduleFailedAlarm]).toEqual([undefined, undefined, undefined]);
    Template.fromStack(f.stack).hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'other-training-aborted' });
  });
});

describe('TrainingPipeline job-name prefixes', () => {
  test('fails when another pipeline of the app uses the same prefix', () => {
    const f = fixture();
    pipeline(f, { jobNamePrefix: 'churn' });
    const registry = new ModelRegistry(f.stack, 'Registry2', { modelPackageGroupName: 'churn-other' });
    new TrainingPipeline(f.stack, 'Again', { ...minimalProps(f), registry, jobNamePrefix: 'churn' });
    expect(() => Template.fromStack(f.stack)).toThrow(/TrainingPipeline Train\/Churn: jobNamePrefix must differ from the prefix of every other pipeline of the app \(Train\/Again uses it too.*got 'churn'/);
  });

  test('a prefix that extends another with a hyphen (churn and churn-v2) is isolated by the grants\' shape', () => {
    const f = fixture();
    pipeline(f, { jobNamePrefix: 'churn' });
    const registry = new ModelRegistry(f.stack, 'Registry2', { modelPackageGroupName: 'churn-v2' });
    new TrainingPipeline(f.stack, 'ChurnV2', { ...minimalProps(f), registry, jobNamePrefix: 'churn-v2' });
    const template = Template.fromStack(f.stack);
    // IAM's ? matches exactly one character: churn-v2-<uuid> has 39 characters after 'churn-', the pattern 36.
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({
        Action: Match.arrayWith(['sagemaker:CreateTrainingJob', 'sagemaker:StopTrainingJob']),
        Resource: 'arn:aws:sagemaker:us-east-1:123456789012:training-job/churn-????????-????-????-????-????????????',
      })]) },
    });
  });

  test('prefixes that only share letters are isolated (churn and churnv2)', () => {
    const f = fixture();
    pipeline(f, { jobNamePrefix: 'churn' });
    new TrainingPipeline(f.stack, 'Other', { ...minimalProps(f), jobNamePrefix: 'churnv2' });
    expect(() => Template.fromStack(f.stack)).not.toThrow();
  });

  test('fails when there are no channels', () => {
    expect(() => synth({ channels: [] })).toThrow(/TrainingPipeline Train\/Churn: channels must be 1 to 20 channels .*got '0 channels'/);
  });
});

describe('TrainingPipeline retries', () => {
  test('a throttled CreateTrainingJob (SageMaker.AmazonSageMakerException, ThrottlingException in the cause) is retried; other errors fail', () => {
    const { definition } = synth();
    expect(definition.States.Train.Catch).toEqual([{ ErrorEquals: ['States.ALL'], Next: 'RetryTraining' }]);
    const choice = definition.States.RetryTraining;
    expect(choice.Choices[0]).toMatchObject({
      Condition: "{% ($states.input.Error = 'SageMaker.AmazonSageMakerException' and $contains($states.input.Cause, 'Error Code: ThrottlingException'))"
        + ' and $throttleRetries < 6 %}',
      Next: 'WaitAfterThrottling',
    });
    expect(choice.Choices[1]).toMatchObject({
      Condition: "{% ($contains($states.input.Cause, 'InsufficientCapacityError') or $contains($states.input.Cause, 'CapacityError')) "
        + 'and $capacityWaited + $min([1800, 120 * $power(2, $capacityRetries)]) <= 7200 %}',
      Next: 'WaitForCapacity',
    });
    expect(choice.Default).toBe('Failed');
    expect(definition.States.WaitAfterThrottling).toMatchObject({
      Type: 'Wait', Seconds: '{% $min([300, 10 * $power(2, $throttleRetries)]) %}', Next: 'Train',
      Assign: { throttleRetries: '{% $throttleRetries + 1 %}' },
    });
    expect(definition.States.WaitForCapacity).toMatchObject({ Type: 'Wait', Next: 'NameNextTrainingJob' });
    expect(definition.States.NameNextTrainingJob).toMatchObject({ Type: 'Pass', Assign: { runId: '{% $uuid() %}' }, Next: 'Train' });
    expect(definition.States.NameTrainingJob.Assign).toEqual({ runId: '{% $uuid() %}', throttleRetries: 0, capacityWaited: 0, capacityRetries: 0 });
  });

  test('SageMaker retries internal errors twice by default; maxPendingTime is passed when given', () => {
    expect(synth().definition.States.Train.Arguments.RetryStrategy).toEqual({ MaximumRetryAttempts: 2 });
    expect(synth({ internalErrorRetries: 0 }).definition.States.Train.Arguments.RetryStrategy).toBeUndefined();
    expect(synth({ maxPendingTime: Duration.hours(2) }).definition.States.Train.Arguments.StoppingCondition.MaxPendingTimeInSeconds).toBe(7200);
    expect(synth().definition.States.Train.Arguments.StoppingCondition.MaxPendingTimeInSeconds).toBeUndefined();
  });

  test('fails when maxPendingTime, internalErrorRetries or capacityWaitBudget are out of range', () => {
    expect(() => synth({ maxPendingTime: Duration.seconds(7199) })).toThrow(/maxPendingTime must be a whole number of seconds from 2 hours to 28 days, got 1 hour 59 minutes/);
    expect(() => synth({ internalErrorRetries: 31 })).toThrow(/internalErrorRetries must be .*30.*got 31/);
    expect(() => synth({ internalErrorRetries: 30 })).not.toThrow();
    expect(() => synth({ capacityWaitBudget: Duration.days(8) })).toThrow(/capacityWaitBudget must be a whole number of seconds from 0 to 7 days/);
  });

  test('with no capacity budget, a capacity failure fails the run at once', () => {
    const { definition } = synth({ capacityWaitBudget: Duration.seconds(0) });
    expect(definition.States.RetryTraining.Choices[1].Condition).toMatch(/<= 0 %}$/);
    expect(definition.TimeoutSeconds).toBe(25 * 3600);
  });
});

describe('ModelRegistry.grantRead', () => {
  test('grants ListModelPackages on * (List calls name no model package) and Describe on the group only', () => {
    const f = fixture();
    const role = new iam.Role(f.stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    f.registry.grantRead(role);
    expect(roleStatements(Template.fromStack(f.stack).toJSON(), 'ReaderDefaultPolicy')).toEqual([
      {
        Action: ['sagemaker:DescribeModelPackage', 'sagemaker:DescribeModelPackageGroup', 'sagemaker:ListTags'],
        Effect: 'Allow',
        Resource: [
          'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/*',
          { 'Fn::GetAtt': [expect.stringMatching(/^Registry/), 'ModelPackageGroupArn'] },
        ],
      },
      { Action: 'sagemaker:ListModelPackages', Effect: 'Allow', Resource: '*' },
    ]);
  });
});

