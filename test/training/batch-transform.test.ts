import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { batch, batchFixture, fullBatchProps, servingModel } from './batch-fixtures';
import { stateMachineDefinition } from './fixtures';
import { BatchStrategy, SplitType, TransformInstanceType, TransformModel } from '../../lib/training';

/** Every statement of the policies attached to `role`. */
function statementsOf(template: any, stack: Stack, role: iam.IRole): any[] {
  const id = stack.getLogicalId((role as iam.Role).node.defaultChild as any);
  return Object.values<any>(template.Resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((x: any) => x.Ref === id))
    .flatMap((r) => r.Properties.PolicyDocument.Statement);
}

const actionsOf = (statements: any[]) => statements.flatMap((s) => [s.Action].flat()).sort();

describe('BatchTransform with the latest approved package (minimal)', () => {
  const f = batchFixture();
  const b = batch(f);
  const template = Template.fromStack(f.stack).toJSON();
  const states = stateMachineDefinition(template).States;

  test('finds the latest approved package: ListModelPackages Approved, newest first, one result', () => {
    expect(states.FindApprovedModel.Resource).toBe('arn:<ref>:states:::aws-sdk:sagemaker:listModelPackages');
    expect(states.FindApprovedModel.Arguments).toEqual({
      ModelPackageGroupName: 'churn', ModelApprovalStatus: 'Approved', SortBy: 'CreationTime', SortOrder: 'Descending', MaxResults: 1,
    });
    expect(states.ApprovedModelFound.Default).toBe('NoApprovedModelPackage');
    expect(states.NoApprovedModelPackage.Error).toBe('NoApprovedModelPackage');
  });

  test('defines the run\'s model from the package with the model role, then runs the transform job (.sync) on it', () => {
    expect(states.DefineModel.Arguments).toEqual({
      ModelName: `{% '${b.jobNamePrefix}-' & $runId %}`,
      ExecutionRoleArn: '<ref>',
      Containers: [{ ModelPackageName: '{% $modelPackageArn %}' }],
      EnableNetworkIsolation: false,
    });
    expect(states.DefineModel.Next).toBe('Transform');
    const t = states.Transform;
    expect(t.Resource).toBe('arn:<ref>:states:::sagemaker:createTransformJob.sync');
    expect(t.TimeoutSeconds).toBe(24 * 3600);
    expect(t.Arguments).toEqual({
      TransformJobName: `{% '${b.jobNamePrefix}-' & $runId %}`,
      ModelName: `{% '${b.jobNamePrefix}-' & $runId %}`,
      BatchStrategy: 'MultiRecord',
      MaxPayloadInMB: 6,
      TransformInput: {
        DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: "{% 's3://<ref>/' & $inputPrefix %}" } },
        ContentType: 'text/csv',
        SplitType: 'Line',
      },
      TransformOutput: { S3OutputPath: `{% 's3://<ref>/batch/${b.jobNamePrefix}/' & $runId & '/' %}`, AssembleWith: 'Line', KmsKeyId: '<ref>' },
      TransformResources: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeKmsKeyId: '<ref>' },
    });
    expect(t.Next).toBe('DeleteModel');
    expect(states.DeleteModel.Next).toBe('Scored');
    expect(states.RetryTransform.Default).toBe('DeleteModelAfterFailure');
    expect(states.DeleteModelAfterFailure.Next).toBe('Failed');
  });

  test('the state machine role may run only this construct\'s jobs and models, and list packages (no resource type) on *', () => {
    const st = statementsOf(template, f.stack, b.stateMachineRole);
    const on = (action: string) => st.filter((s) => [s.Action].flat().includes(action)).map((s) => s.Resource);
    const runs = `${b.jobNamePrefix}-????????-????-????-????-????????????`;
    expect(on('sagemaker:CreateTransformJob')).toEqual([`arn:aws:sagemaker:us-east-1:123456789012:transform-job/${runs}`]);
    expect(on('sagemaker:AddTags')).toEqual([`arn:aws:sagemaker:us-east-1:123456789012:transform-job/${runs}`]);
    expect(on('sagemaker:CreateModel')).toEqual([`arn:aws:sagemaker:us-east-1:123456789012:model/${runs}`]);
    expect(on('sagemaker:DeleteModel')).toEqual([`arn:aws:sagemaker:us-east-1:123456789012:model/${runs}`]);
    expect(on('sagemaker:DescribeModelPackage')).toEqual(['arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/*']);
    expect(on('sagemaker:ListModelPackages')).toEqual(['*']);
    expect(on('events:PutRule')).toEqual(['arn:aws:events:us-east-1:123456789012:rule/StepFunctionsGetEventsForSageMakerTransformJobsRule']);
    expect(st.find((s) => s.Action === 'iam:PassRole')).toMatchObject({
      Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    });
  });

  test('the model role reads the input prefix and writes the output prefix, without s3:DeleteObject', () => {
    const st = statementsOf(template, f.stack, b.modelRole!);
    expect(actionsOf(st)).not.toContain('s3:DeleteObject');
    expect(actionsOf(st)).not.toContain('s3:DeleteObjectVersion');
    const put = st.find((s) => [s.Action].flat().includes('s3:PutObject'));
    const arn = (zone: string) => f.stack.resolve(f.lake.zone(zone).bucket.bucketArn);
    expect(put.Resource).toEqual({ 'Fn::Join': ['', [arn('features'), `/batch/${b.jobNamePrefix}/*`]] });
    const list = st.find((s) => s.Action === 's3:ListBucket');
    expect(list.Condition).toEqual({ StringLike: { 's3:prefix': ['churn/scoring/*'] } });
    expect(st.find((s) => s.Action === 's3:GetObject').Resource).toEqual({ 'Fn::Join': ['', [arn('curated'), '/churn/scoring/*']] });
  });

  test('alarms on failed and timed-out runs', () => {
    Template.fromStack(f.stack).resourcePropertiesCountIs('AWS::CloudWatch::Alarm', {
      MetricName: Match.anyValue(), Namespace: 'AWS/States', Threshold: 1, EvaluationPeriods: 1,
    }, 2);
    expect(b.failedAlarm).toBeDefined();
    expect(b.timedOutAlarm).toBeDefined();
    // No schedule and no S3 rule: no start dead-letter queue to alarm on.
    expect(b.startFailedAlarm).toBeUndefined();
  });

  test('the log group and its key are retained', () => {
    Template.fromStack(f.stack).hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Retain', Properties: { RetentionInDays: 365 } });
  });
});

describe('BatchTransform with every option of a package model', () => {
  const f = batchFixture();
  const b = batch(f, fullBatchProps(f));
  const template = Template.fromStack(f.stack).toJSON();
  const states = stateMachineDefinition(template).States;

  test('scores with the given version, in the VPC, isolated, with capture, join and filters', () => {
    expect(states.ChooseModelPackage.Assign).toEqual({ modelPackageArn: 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/3' });
    expect(states.FindApprovedModel).toBeUndefined();
    expect(states.DefineModel.Arguments).toMatchObject({ EnableNetworkIsolation: true, VpcConfig: { Subnets: ['<ref>', '<ref>'], SecurityGroupIds: ['<ref>'] } });
    expect(states.Transform.Arguments).toMatchObject({
      MaxPayloadInMB: 20,
      MaxConcurrentTransforms: 4,
      ModelClientConfig: { InvocationsTimeoutInSeconds: 120, InvocationsMaxRetries: 1 },
      Environment: { MODEL_THRESHOLD: '0.5' },
      DataProcessing: { JoinSource: 'Input', InputFilter: '$[1:]', OutputFilter: '$[0,-1]' },
      DataCaptureConfig: { DestinationS3Uri: 's3://<ref>/batch-capture/churn/', KmsKeyId: '<ref>', GenerateInferenceId: true },
      TransformResources: { InstanceType: 'ml.c5.2xlarge', InstanceCount: 2, VolumeKmsKeyId: '<ref>' },
      Tags: [{ Key: 'team', Value: 'churn' }],
    });
    expect(states.Transform.TimeoutSeconds).toBe(6 * 3600);
  });

  test('ENI actions are scoped to the VPC\'s subnets, security groups and interfaces; only Describe actions stay on *', () => {
    const st = statementsOf(template, f.stack, b.modelRole!);
    const create = st.find((s) => s.Action === 'ec2:CreateNetworkInterface');
    expect(create.Resource).toHaveLength(4);
    expect(create.Resource[0]).toBe('arn:aws:ec2:us-east-1:123456789012:network-interface/*');
    const inVpc = st.find((s) => [s.Action].flat().includes('ec2:DeleteNetworkInterface'));
    const vpcId = f.stack.resolve((f.stack.node.findChild('Vpc') as ec2.IVpc).vpcId);
    expect(inVpc.Condition).toEqual({ ArnEquals: { 'ec2:Vpc': { 'Fn::Join': ['', ['arn:aws:ec2:us-east-1:123456789012:vpc/', vpcId]] } } });
    const star = st.filter((s) => s.Resource === '*').flatMap((s) => [s.Action].flat()).sort();
    expect(star).toEqual(['ec2:DeleteNetworkInterfacePermission', 'ec2:DescribeDhcpOptions', 'ec2:DescribeNetworkInterfaces',
      'ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets', 'ec2:DescribeVpcs', 'ecr:GetAuthorizationToken']);
  });

  test('the capture grant covers the capture prefix only, write-only', () => {
    const st = statementsOf(template, f.stack, b.modelRole!);
    const put = st.find((s) => [s.Action].flat().includes('s3:PutObject'));
    const monitoring = f.stack.resolve(f.lake.zone('monitoring').bucket.bucketArn);
    expect(put.Resource).toEqual([
      { 'Fn::Join': ['', [f.stack.resolve(f.lake.zone('features').bucket.bucketArn), '/churn/scores/*']] },
      { 'Fn::Join': ['', [monitoring, '/batch-capture/churn/*']] },
    ]);
    expect(actionsOf(st)).not.toContain('s3:DeleteObject');
  });

  test('the state machine role does not list packages when a version is given', () => {
    expect(actionsOf(statementsOf(template, f.stack, b.stateMachineRole))).not.toContain('sagemaker:ListModelPackages');
  });

  test('starts on a schedule (EventBridge Scheduler) and on new objects under the input prefix, with a dead-letter queue', () => {
    const t = Template.fromStack(f.stack);
    t.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 2 * * ? *)',
      Target: Match.objectLike({ Input: '{}', RetryPolicy: { MaximumRetryAttempts: 2 }, DeadLetterConfig: { Arn: Match.anyValue() } }),
    });
    t.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'source': ['aws.s3'], 'detail-type': ['Object Created'],
        'detail': { bucket: { name: [Match.anyValue()] }, object: { key: [{ prefix: 'churn/scoring/' }] } },
      },
    });
    t.hasResource('AWS::SQS::Queue', { DeletionPolicy: 'Retain' });
  });

  test('alarms when a start failed after its retries (a message in the start dead-letter queue), routed to the warning topic', () => {
    const t = Template.fromStack(f.stack);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Statistic: 'Maximum', Threshold: 1, EvaluationPeriods: 1,
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [f.stack.getLogicalId(b.startDeadLetterQueue!.node.defaultChild as any), 'QueueName'] } }],
      AlarmActions: [Match.anyValue()],
      AlarmDescription: Match.stringLikeRegexp('^\\[WARNING\\] A scheduled or S3-event start of the batch transform Batch/Score failed'),
    });
  });
});

describe('BatchTransform with a ServingModel', () => {
  const f = batchFixture();
  const model = servingModel(f);
  const b = batch(f, { model: TransformModel.fromServingModel(model) });
  const template = Template.fromStack(f.stack).toJSON();
  const states = stateMachineDefinition(template).States;

  test('runs the job on that model, with no model of its own to define or delete', () => {
    expect(states.CheckRunInput.Choices[0].Next).toBe('Transform');
    expect(states.Transform.Arguments.ModelName).toBe('<ref>');
    expect(states.Transform.Next).toBe('Scored');
    expect(states.DefineModel).toBeUndefined();
    expect(b.modelRole).toBeUndefined();
  });

  test('grants the model\'s own role the input, output and logs, and the state machine no model actions', () => {
    const st = statementsOf(template, f.stack, model.role!);
    expect(actionsOf(st)).toEqual(expect.arrayContaining(['s3:GetObject', 's3:PutObject', 'logs:CreateLogStream']));
    expect(actionsOf(st)).not.toContain('s3:DeleteObject');
    const machine = actionsOf(statementsOf(template, f.stack, b.stateMachineRole));
    expect(machine).not.toContain('sagemaker:CreateModel');
    expect(machine).not.toContain('iam:PassRole');
  });
});

describe('BatchTransform advice', () => {
  test('warns that MultiRecord has no effect without a split', () => {
    const f = batchFixture();
    batch(f, { splitType: SplitType.NONE, batchStrategy: BatchStrategy.MULTI_RECORD });
    Annotations.fromStack(f.stack).hasWarning('/Batch/Score', Match.stringLikeRegexp('MULTI_RECORD has no effect'));
  });

  test('SingleRecord with a payload of 0 (HTTP chunked encoding) is accepted', () => {
    const f = batchFixture();
    batch(f, { batchStrategy: BatchStrategy.SINGLE_RECORD, maxPayloadMb: 0 });
    expect(stateMachineDefinition(Template.fromStack(f.stack).toJSON()).States.Transform.Arguments.MaxPayloadInMB).toBe(0);
  });

  test('NVMe instance types get no default volume key', () => {
    const f = batchFixture();
    batch(f, { instanceType: TransformInstanceType.G5_XLARGE });
    const args = stateMachineDefinition(Template.fromStack(f.stack).toJSON()).States.Transform.Arguments;
    expect(args.TransformResources).toEqual({ InstanceType: 'ml.g5.xlarge', InstanceCount: 1 });
  });
});
