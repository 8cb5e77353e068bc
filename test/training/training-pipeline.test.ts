import { Duration, Size } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { evaluateJsonata, fixture, fullProps, pipeline, roleStatements, stateMachineDefinition } from './fixtures';
import { DataLake } from '../../lib/data-lake';
import { GateComparison, ModelApprovalStatus, TrainingInstanceType, TrainingPipeline } from '../../lib/training';
import { testApp } from '../util';

function synth(props: Parameters<typeof pipeline>[1] = {}, full = false) {
  const f = fixture();
  const p = pipeline(f, full ? { ...fullProps(f), ...props } : props);
  const template = Template.fromStack(f.stack);
  return { f, p, template, definition: stateMachineDefinition(template.toJSON()) };
}

describe('TrainingPipeline state machine', () => {
  test('is a JSONata state machine with X-Ray tracing and ALL-level logs in an encrypted, retained log group', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: {
        Level: 'ALL',
        IncludeExecutionData: true,
        Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ChurnLogs'), 'Arn'] } } }],
      },
    });
    template.hasResource('AWS::Logs::LogGroup', {
      DeletionPolicy: 'Retain',
      Properties: { RetentionInDays: 365, KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ChurnLogsKey'), 'Arn'] } },
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true, Description: Match.stringLikeRegexp('Execution logs of the training pipeline') });
  });

  test('draws a run id once per execution, names the training job <prefix>-<runId>, then runs it with .sync', () => {
    const { definition, p } = synth();
    expect(definition.QueryLanguage).toBe('JSONata');
    expect(definition.StartAt).toBe('NameTrainingJob');
    expect(definition.States.NameTrainingJob.Assign).toEqual({ runId: '{% $uuid() %}', throttleRetries: 0, capacityWaited: 0, capacityRetries: 0 });
    expect(p.jobNamePrefix).toMatch(/^[a-z0-9-]{1,26}$/);
    const train = definition.States.Train;
    expect(train.Resource).toBe('arn:<ref>:states:::sagemaker:createTrainingJob.sync');
    expect(train.Arguments.TrainingJobName).toBe(`{% '${p.jobNamePrefix}-' & $runId %}`);
    expect(train.Assign).toEqual({ trainingJobName: `{% '${p.jobNamePrefix}-' & $runId %}` });
    expect(train.Next).toBe('ReadFinalMetrics');
    // Only NameTrainingJob and, after a capacity failure, NameNextTrainingJob draw a UUID: the job name and the registration
    // token always come from the same run id.
    expect(JSON.stringify(definition).match(/\$uuid\(\)/g)).toHaveLength(2);
    expect(definition.States.NameNextTrainingJob.Assign).toEqual({ runId: '{% $uuid() %}' });
  });

  test('job names fit SageMaker\'s 63 characters with the longest prefix', () => {
    const { p } = synth({ jobNamePrefix: 'a'.repeat(26) });
    expect(`${p.jobNamePrefix}-${'0'.repeat(36)}`.length).toBe(63);
  });

  test('runs the job with the image, instance, channels, output, metrics and hyperparameters given', async () => {
    const { definition } = synth({ hyperparameters: { epochs: 10, eta: 0.2, verbose: false, objective: 'binary:logistic' }, environment: { A: 'b' } });
    const args = definition.States.Train.Arguments;
    expect(args.AlgorithmSpecification).toEqual({
      TrainingImage: '<ref>.dkr.ecr.<ref>.<ref>/<ref>:1.0.0',
      TrainingInputMode: 'File',
      MetricDefinitions: [{ Name: 'validation:auc', Regex: 'validation-auc:([0-9.]+)' }],
    });
    // The channel URI and the hyperparameters are JSONata (an execution may override them): evaluated on an input without overrides.
    const uri = args.InputDataConfig[0].DataSource.S3DataSource.S3Uri;
    expect(await evaluateJsonata(uri, {})).toBe('s3://<ref>/churn/train/');
    expect(args.InputDataConfig).toEqual([{
      ChannelName: 'train',
      DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: uri, S3DataDistributionType: 'FullyReplicated' } },
    }]);
    expect(args.OutputDataConfig).toEqual({ S3OutputPath: expect.stringMatching(/^s3:\/\/<ref>\/training\/.+\/output\/$/), KmsKeyId: '<ref>' });
    expect(args.ResourceConfig).toEqual({ InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 50, VolumeKmsKeyId: '<ref>' });
    expect(args.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 86400 });
    expect(await evaluateJsonata(args.HyperParameters, {})).toEqual({ epochs: '10', eta: '0.2', verbose: 'false', objective: 'binary:logistic' });
    expect(args.Environment).toEqual({ A: 'b' });
    expect(args.EnableNetworkIsolation).toBe(false);
    expect(args.EnableInterContainerTrafficEncryption).toBe(true);
    expect(args.EnableManagedSpotTraining).toBeUndefined();
    expect(args.CheckpointConfig).toBeUndefined();
    expect(args.TensorBoardOutputConfig).toBeUndefined();
    expect(args.VpcConfig).toBeUndefined();
  });

  test('encrypts an EBS volume with the lake key by default, and never sets a volume key on an NVMe type', () => {
    const ebs = synth().template.toJSON();
    expect(stateMachineDefinition(ebs).States.Train.Arguments.ResourceConfig.VolumeKmsKeyId).toBe('<ref>');
    const nvme = synth({ instanceType: TrainingInstanceType.G5_2XLARGE }).definition;
    expect(nvme.States.Train.Arguments.ResourceConfig).toEqual({ InstanceType: 'ml.g5.2xlarge', InstanceCount: 1, VolumeSizeInGB: 50 });
  });

  test('takes a volume key on an EBS-only GPU type and lets the training role create grants for SageMaker only', () => {
    const f = fixture();
    const key = new kms.Key(f.stack, 'VolumeKey');
    pipeline(f, { instanceType: TrainingInstanceType.P3_2XLARGE, volumeEncryptionKey: key, volumeSize: Size.gibibytes(200) });
    const template = Template.fromStack(f.stack);
    const args = stateMachineDefinition(template.toJSON()).States.Train.Arguments;
    expect(args.ResourceConfig.VolumeSizeInGB).toBe(200);
    expect(roleStatements(template.toJSON(), 'ChurnTrainingRole')).toContainEqual({
      Action: 'kms:CreateGrant',
      Effect: 'Allow',
      Resource: f.stack.resolve(key.keyArn),
      Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    });
  });

  test('with spot: managed spot training, MaxWait >= max runtime, checkpoints per job in the lake', () => {
    const { definition } = synth({ spot: true, maxRuntime: Duration.hours(4), maxWait: Duration.hours(6) });
    const args = definition.States.Train.Arguments;
    expect(args.EnableManagedSpotTraining).toBe(true);
    expect(args.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 14400, MaxWaitTimeInSeconds: 21600 });
    expect(args.CheckpointConfig).toEqual({
      S3Uri: expect.stringMatching(/^\{% 's3:\/\/<ref>\/training\/.+\/checkpoints\/' & '[a-z0-9-]+-' & \$runId & '\/' %\}$/),
      LocalPath: '/opt/ml/checkpoints',
    });
  });

  test('with spot and no maxWait, waits twice the max runtime, capped at 28 days', () => {
    expect(synth({ spot: true, maxRuntime: Duration.hours(5) }).definition.States.Train.Arguments.StoppingCondition)
      .toEqual({ MaxRuntimeInSeconds: 18000, MaxWaitTimeInSeconds: 36000 });
    expect(synth({ spot: true, maxRuntime: Duration.days(20) }).definition.States.Train.Arguments.StoppingCondition)
      .toEqual({ MaxRuntimeInSeconds: 1728000, MaxWaitTimeInSeconds: 2419200 });
  });

  test('the state machine times out an hour after the longest possible run and the capacity wait budget', () => {
    const { template } = synth({ spot: true, maxRuntime: Duration.hours(4), maxWait: Duration.hours(6) });
    const definition = stateMachineDefinition(template.toJSON());
    // maxWait 6 h + capacityWaitBudget 2 h + 1 h.
    expect(definition.TimeoutSeconds).toBe(9 * 3600);
  });

  test('with TensorBoard: TensorBoard output per job in the lake', () => {
    const args = synth({ tensorBoard: true }).definition.States.Train.Arguments;
    expect(args.TensorBoardOutputConfig).toEqual({
      S3OutputPath: expect.stringMatching(/^\{% 's3:\/\/<ref>\/training\/.+\/tensorboard\/' & '[a-z0-9-]+-' & \$runId & '\/' %\}$/),
      LocalPath: '/opt/ml/output/tensorboard',
    });
  });

  test('retries what a retry can cure, with exponential backoff and jitter', () => {
    const { definition } = synth();
    // .sync: throttling is read from the cause by RetryTraining; the Retry keeps the SDK integration's name in case it is used.
    expect(definition.States.Train.Retry).toEqual([{
      ErrorEquals: ['SageMaker.ThrottlingException'], IntervalSeconds: 10, MaxAttempts: 6, BackoffRate: 2, MaxDelaySeconds: 300, JitterStrategy: 'FULL',
    }]);
    // The SDK integration: SageMaker's transient common errors and the SDK's catch-all for unmodelled ones (throttling among them).
    // DescribeTrainingJob only reads, and CreateModelPackage is idempotent through its ClientToken.
    for (const state of ['ReadFinalMetrics', 'RegisterModel']) {
      expect(definition.States[state].Retry).toEqual([{
        ErrorEquals: ['SageMaker.ThrottlingException', 'SageMaker.InternalFailureException', 'SageMaker.ServiceUnavailableException', 'SageMaker.SageMakerException'],
        IntervalSeconds: 5, MaxAttempts: 6, BackoffRate: 2, MaxDelaySeconds: 120, JitterStrategy: 'FULL',
      }]);
    }
    // The .sync catch-all name would retry validation errors and ResourceLimitExceeded for minutes; nothing retries everything.
    const retried = JSON.stringify(Object.values<any>(definition.States).map((st) => st.Retry ?? []));
    expect(retried).not.toContain('SageMaker.AmazonSageMakerException');
    expect(retried).not.toContain('SageMaker.ResourceLimitExceededException');
    expect(retried).not.toContain('States.ALL');
  });

  test('reads the final metric from DescribeTrainingJob, scoped to the pipeline\'s jobs', () => {
    const { definition, template, p } = synth();
    const read = definition.States.ReadFinalMetrics;
    expect(read.Resource).toBe('arn:<ref>:states:::aws-sdk:sagemaker:describeTrainingJob');
    expect(read.Arguments).toEqual({ TrainingJobName: '{% $trainingJobName %}' });
    expect(read.Assign.metric).toContain('FinalMetricDataList[MetricName = "validation:auc"].Value');
    expect(read.Assign.modelDataUrl).toBe('{% $states.result.ModelArtifacts.S3ModelArtifacts %}');
    const describes = roleStatements(template.toJSON(), 'ChurnStateMachineRole')
      .filter((st) => [st.Action].flat().includes('sagemaker:DescribeTrainingJob'));
    expect(describes.map((st) => st.Resource)).toEqual([`arn:aws:sagemaker:us-east-1:123456789012:training-job/${p.jobNamePrefix}-????????-????-????-????-????????????`]);
  });

  test('gates on the metric (>= by default) and fails with QualityGateFailed and a clear cause when it is missed', () => {
    const { definition } = synth();
    const gate = definition.States.QualityGate;
    expect(gate.Type).toBe('Choice');
    expect(gate.Choices).toEqual([expect.objectContaining({
      Condition: "{% $type($metric) = 'number' and $metric >= 0.85 %}",
      Next: 'RegisterModel',
    })]);
    expect(gate.Default).toBe('QualityGateFailed');
    const failed = definition.States.QualityGateFailed;
    expect(failed.Type).toBe('Fail');
    expect(failed.Error).toBe('QualityGateFailed');
    expect(failed.Cause).toContain('missed the quality gate');
    expect(failed.Cause).toContain('required >= 0.85; it was not registered');
  });

  test('gates with <= for loss-like metrics', () => {
    const { definition } = synth({
      metricDefinitions: [{ name: 'validation:rmse', regex: 'rmse=(\\S+)' }],
      qualityGate: { metricName: 'validation:rmse', threshold: 1.5, comparison: GateComparison.LESS_THAN_OR_EQUAL },
    });
    expect(definition.States.QualityGate.Choices[0].Condition).toBe("{% $type($metric) = 'number' and $metric <= 1.5 %}");
  });

  test('registers the model package with the inference image and the job\'s model data, pending approval by default', () => {
    const { definition, template } = synth();
    const register = definition.States.RegisterModel;
    expect(register.Resource).toBe('arn:<ref>:states:::aws-sdk:sagemaker:createModelPackage');
    expect(register.Arguments).toMatchObject({
      ModelPackageGroupName: 'churn',
      ModelApprovalStatus: 'PendingManualApproval',
      ClientToken: '{% $runId %}',
      InferenceSpecification: { Containers: [{ Image: '<ref>.dkr.ecr.<ref>.<ref>/<ref>:1.0.0', ModelDataUrl: '{% $modelDataUrl %}' }] },
    });
    expect(register.End).toBe(undefined);
    expect(register.Next).toBe('Registered');
    expect(definition.States.Registered.Type).toBe('Succeed');
    expect(roleStatements(template.toJSON(), 'ChurnStateMachineRole')).toContainEqual({
      Action: 'sagemaker:CreateModelPackage',
      Effect: 'Allow',
      Resource: 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/*',
    });
  });

  test('the registration token is the run id, a UUID that fits ClientToken\'s 1-36 characters [a-zA-Z0-9-]', () => {
    const { definition } = synth({ jobNamePrefix: 'a'.repeat(26) });
    expect(definition.States.RegisterModel.Arguments.ClientToken).toBe('{% $runId %}');
    expect(definition.States.NameTrainingJob.Assign.runId).toBe('{% $uuid() %}');
    expect('0f8fad5b-d9cb-469f-a165-70867728950e').toMatch(/^[a-zA-Z0-9-]{1,36}$/);
  });

  test('records the quality gate in the model package metadata with keys and values SageMaker accepts', () => {
    const { definition } = synth();
    const metadata = definition.States.RegisterModel.Arguments.CustomerMetadataProperties;
    expect(metadata).toEqual({
      TrainingJobName: '{% $trainingJobName %}',
      GateMetric: 'validation:auc',
      GateComparison: 'GreaterThanOrEqual',
      GateThreshold: '0.85',
      MetricValue: '{% $string($metric) %}',
    });
    const allowed = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
    for (const [key, value] of Object.entries<string>(metadata)) {
      expect(key).toMatch(allowed);
      expect(key.length).toBeLessThanOrEqual(128);
      if (!value.startsWith('{%')) {
        expect(value).toMatch(allowed);
        expect(value.length).toBeLessThanOrEqual(256);
      }
    }
  });

  test('records a <= gate as LessThanOrEqual in the model package metadata', () => {
    const { definition } = synth({
      metricDefinitions: [{ name: 'validation:rmse', regex: 'rmse=(\\S+)' }],
      qualityGate: { metricName: 'validation:rmse', threshold: 1.5, comparison: GateComparison.LESS_THAN_OR_EQUAL },
    });
    expect(definition.States.RegisterModel.Arguments.CustomerMetadataProperties).toMatchObject({
      GateMetric: 'validation:rmse', GateComparison: 'LessThanOrEqual', GateThreshold: '1.5',
    });
  });

  test('registers approved models when asked', () => {
    const { definition } = synth({ approvalStatus: ModelApprovalStatus.APPROVED });
    expect(definition.States.RegisterModel.Arguments.ModelApprovalStatus).toBe('Approved');
  });

  test('without a topic, a failed step ends in a Fail state that keeps its error and cause', () => {
    const { definition } = synth();
    for (const state of ['ReadFinalMetrics', 'RegisterModel']) {
      expect(definition.States[state].Catch).toEqual([{ ErrorEquals: ['States.ALL'], Next: 'Failed' }]);
    }
    // Train's errors are classified first (throttling and capacity are retried); the rest fail the run.
    expect(definition.States.Train.Catch).toEqual([{ ErrorEquals: ['States.ALL'], Next: 'RetryTraining' }]);
    expect(definition.States.RetryTraining.Default).toBe('Failed');
    expect(definition.States.Failed).toMatchObject({ Type: 'Fail', Error: '{% $states.input.Error %}', Cause: '{% $states.input.Cause %}' });
  });

  test('with a topic, notifies success, a missed gate and failure', () => {
    const { definition, template } = synth({}, true);
    expect(definition.States.Train.Catch).toEqual([{ ErrorEquals: ['States.ALL'], Next: 'RetryTraining' }]);
    expect(definition.States.RetryTraining.Default).toBe('NotifyFailure');
    expect(definition.States.NotifyFailure).toMatchObject({ Resource: 'arn:<ref>:states:::sns:publish', Next: 'Failed' });
    expect(definition.States.NotifyFailure.Arguments.Message).toContain('"status": "FAILED"');
    expect(definition.States.RegisterModel.Next).toBe('NotifySuccess');
    expect(definition.States.NotifySuccess.Arguments.Message).toContain('"modelPackageArn": $modelPackageArn');
    expect(definition.States.NotifySuccess.Next).toBe('Registered');
    expect(definition.States.QualityGate.Default).toBe('NotifyQualityGateFailed');
    expect(definition.States.NotifyQualityGateFailed.Next).toBe('QualityGateFailed');
    expect(roleStatements(template.toJSON(), 'ChurnStateMachineRole')).toContainEqual({
      Action: 'sns:Publish', Effect: 'Allow', Resource: { Ref: expect.stringMatching(/^Alerts/) },
    });
  });

  test('with an encrypted topic, the state machine may use exactly the topic key\'s Decrypt and GenerateDataKey', () => {
    const { template } = synth({}, true);
    const keyStatements = roleStatements(template.toJSON(), 'ChurnStateMachineRole')
      .filter((st) => JSON.stringify(st.Resource).includes('TopicKey'));
    expect(keyStatements).toEqual([{
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Effect: 'Allow',
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^TopicKey/), 'Arn'] },
    }]);
    const kmsActions = roleStatements(template.toJSON(), 'ChurnStateMachineRole').flatMap((st) => [st.Action].flat());
    expect(kmsActions).not.toContain('kms:GenerateDataKey*');
  });

  test('with an unencrypted topic, the state machine gets no key permissions for it', () => {
    const f = fixture();
    const topic = new sns.Topic(f.stack, 'Plain', { enforceSSL: true });
    pipeline(f, { notificationTopic: topic });
    const statements = roleStatements(Template.fromStack(f.stack).toJSON(), 'ChurnStateMachineRole');
    expect(statements).toContainEqual({ Action: 'sns:Publish', Effect: 'Allow', Resource: { Ref: expect.stringMatching(/^Plain/) } });
    expect(statements.flatMap((st) => [st.Action].flat())).not.toContain('kms:GenerateDataKey');
  });

  test('a success notification that cannot be sent does not fail a run that registered a model', () => {
    const { definition } = synth({}, true);
    expect(definition.States.NotifySuccess.Catch).toEqual([{ ErrorEquals: ['States.ALL'], Next: 'RegisteredWithoutNotification' }]);
    expect(definition.States.RegisteredWithoutNotification).toMatchObject({
      Type: 'Succeed',
      Output: expect.stringContaining('"notificationError": $states.input.Error'),
    });
    expect(definition.States.RegisteredWithoutNotification.Output).toContain('"modelPackageArn": $modelPackageArn');
  });

  test('a failure notification that cannot be sent does not hide the original error', () => {
    const { definition } = synth({}, true);
    // Failed takes the error and cause from its input: on this path, NotifyFailure's input, the failed step's error output.
    expect(definition.States.NotifyFailure.Catch).toEqual([{ ErrorEquals: ['States.ALL'], Next: 'Failed', Output: '{% $states.input %}' }]);
    expect(definition.States.Failed).toMatchObject({ Type: 'Fail', Error: '{% $states.input.Error %}', Cause: '{% $states.input.Cause %}' });
    expect(definition.States.NotifyQualityGateFailed.Catch).toEqual([{ ErrorEquals: ['States.ALL'], Next: 'QualityGateFailed' }]);
    expect(definition.States.QualityGateFailed.Error).toBe('QualityGateFailed');
  });

  test('retrains on a schedule', () => {
    const { template } = synth({}, true);
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(7 days)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('^ChurnStateMachine') } })],
    });
  });

  test('defines no schedule by default', () => {
    synth().template.resourceCountIs('AWS::Events::Rule', 0);
  });

  test('in a VPC: subnets and a security group that lets the job\'s instances talk to each other', () => {
    const app = testApp();
    const f = fixture(app);
    const vpc = new ec2.Vpc(f.stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'iso', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const p = pipeline(f, { vpc, instanceCount: 2 });
    const template = Template.fromStack(f.stack);
    const args = stateMachineDefinition(template.toJSON()).States.Train.Arguments;
    expect(args.VpcConfig.Subnets).toHaveLength(2);
    expect(args.VpcConfig.SecurityGroupIds).toEqual(['<ref>']);
    expect(p.securityGroup).toBeDefined();
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: '-1',
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ChurnSecurityGroup'), 'GroupId'] },
    });
    expect(roleStatements(template.toJSON(), 'ChurnTrainingRole')).toContainEqual(expect.objectContaining({
      Action: expect.arrayContaining(['ec2:CreateNetworkInterface', 'ec2:DescribeSubnets']),
    }));
  });
});

describe('TrainingPipeline roles', () => {
  test('SageMaker assumes the training role, for this account only', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{
          Action: 'sts:AssumeRole',
          Effect: 'Allow',
          Principal: { Service: 'sagemaker.amazonaws.com' },
          Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
        }],
      },
    });
  });

  test('no role has a managed policy (no AmazonSageMakerFullAccess)', () => {
    const { template } = synth({}, true);
    for (const role of Object.values<any>(template.findResources('AWS::IAM::Role'))) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
    expect(JSON.stringify(template.toJSON())).not.toContain('AmazonSageMakerFullAccess');
  });

  test('the training role reads only its channels\' prefixes and writes only its output prefix', () => {
    const { template, p } = synth();
    const statements = roleStatements(template.toJSON(), 'ChurnTrainingRole');
    const out = `training/${p.jobNamePrefix}/output/*`;
    expect(statements).toContainEqual({
      Action: 's3:ListBucket',
      Effect: 'Allow',
      Condition: { StringLike: { 's3:prefix': ['churn/train/*'] } },
      Resource: { 'Fn::GetAtt': ['Lakecurated363C5ACC', 'Arn'] },
    });
    expect(statements).toContainEqual({
      Action: 's3:GetObject',
      Effect: 'Allow',
      Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Lakecurated363C5ACC', 'Arn'] }, '/churn/train/*']] },
    });
    expect(statements).toContainEqual({
      Action: ['s3:AbortMultipartUpload', 's3:PutObject'],
      Effect: 'Allow',
      Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['LakemodelsCABA3223', 'Arn'] }, `/${out}`]] },
    });
    // Nothing on whole buckets' objects, no wildcard actions.
    for (const s of statements) {
      for (const action of [s.Action].flat()) {
        expect(action).not.toContain('*');
      }
      expect(JSON.stringify(s.Resource)).not.toMatch(/"\/\*"/);
    }
  });

  test('the training role pulls only its image and writes only its jobs\' logs', () => {
    const { template, p } = synth();
    const statements = roleStatements(template.toJSON(), 'ChurnTrainingRole');
    expect(statements).toContainEqual({
      Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
      Effect: 'Allow',
      Resource: { 'Fn::GetAtt': ['Repo02AC86CF', 'Arn'] },
    });
    expect(statements).toContainEqual({
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Effect: 'Allow',
      Resource: `arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/TrainingJobs:log-stream:${p.jobNamePrefix}-????????-????-????-????-????????????/*`,
    });
    // DescribeLogStreams is authorized on the log group, not on a stream.
    expect(statements).toContainEqual({
      Action: ['logs:CreateLogGroup', 'logs:DescribeLogStreams'],
      Effect: 'Allow',
      Resource: 'arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/TrainingJobs:*',
    });
    expect(statements).toContainEqual({
      Action: 'cloudwatch:PutMetricData',
      Effect: 'Allow',
      Resource: '*',
      Condition: { StringLike: { 'cloudwatch:namespace': '/aws/sagemaker/*' } },
    });
  });

  test('with spot, the training role reads and writes its checkpoint prefix only', () => {
    const { template, p } = synth({ spot: true });
    expect(roleStatements(template.toJSON(), 'ChurnTrainingRole')).toContainEqual({
      Action: ['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:GetObject', 's3:PutObject'],
      Effect: 'Allow',
      Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['LakemodelsCABA3223', 'Arn'] }, `/training/${p.jobNamePrefix}/checkpoints/*`]] },
    });
  });

  test('the state machine creates training jobs only under its prefix and passes only the training role', () => {
    const { template, p } = synth();
    const statements = roleStatements(template.toJSON(), 'ChurnStateMachineRole');
    expect(statements).toContainEqual({
      Action: ['sagemaker:AddTags', 'sagemaker:CreateTrainingJob', 'sagemaker:DescribeTrainingJob', 'sagemaker:ListTags', 'sagemaker:StopTrainingJob'],
      Effect: 'Allow',
      Resource: `arn:aws:sagemaker:us-east-1:123456789012:training-job/${p.jobNamePrefix}-????????-????-????-????-????????????`,
    });
    expect(statements).toContainEqual({
      Action: 'iam:PassRole',
      Effect: 'Allow',
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^ChurnTrainingRole/), 'Arn'] },
      Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    });
    expect(statements).toContainEqual({
      Action: ['events:DescribeRule', 'events:PutRule', 'events:PutTargets'],
      Effect: 'Allow',
      Resource: 'arn:aws:events:us-east-1:123456789012:rule/StepFunctionsGetEventsForSageMakerTrainingJobsRule',
    });
    const sagemakerOnStar = statements.filter((s) => s.Resource === '*' && [s.Action].flat().some((a: string) => a.startsWith('sagemaker:')));
    expect(sagemakerOnStar).toEqual([]);
    const passRoles = statements.filter((s) => [s.Action].flat().includes('iam:PassRole'));
    expect(passRoles).toHaveLength(1);
  });

  test('grantStartExecution lets a principal start a training run', () => {
    const f = fixture();
    const p = pipeline(f);
    const role = new iam.Role(f.stack, 'Operator', { assumedBy: new iam.AccountRootPrincipal() });
    p.grantStartExecution(role);
    Template.fromStack(f.stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^Operator') }],
      PolicyDocument: { Statement: [{ Action: 'states:StartExecution', Effect: 'Allow', Resource: { Ref: Match.stringLikeRegexp('^ChurnStateMachine') } }] },
    });
  });

  test('metrics count failed and timed-out executions of this state machine', () => {
    const f = fixture();
    const p = pipeline(f);
    const failed = p.metricFailed();
    const timedOut = p.metricTimedOut({ period: Duration.hours(1) });
    expect(failed.metricName).toBe('ExecutionsFailed');
    expect(failed.namespace).toBe('AWS/States');
    expect(f.stack.resolve(failed.dimensions)).toEqual({ StateMachineArn: f.stack.resolve(p.stateMachine.stateMachineArn) });
    expect(timedOut.metricName).toBe('ExecutionsTimedOut');
    expect(timedOut.period.toSeconds()).toBe(3600);
  });
});

describe('TrainingPipeline bad input', () => {
  function fails(props: Parameters<typeof pipeline>[1], message: RegExp) {
    const f = fixture();
    expect(() => pipeline(f, props)).toThrow(message);
  }

  test('fails when maxWait is below maxRuntime', () => {
    fails({ spot: true, maxRuntime: Duration.hours(4), maxWait: Duration.hours(2) },
      /TrainingPipeline Train\/Churn: maxWait must be a whole number of seconds >= maxRuntime \(4 hours\), got 2 hours/);
  });

  test('fails when maxWait is set without spot', () => {
    fails({ maxWait: Duration.hours(2) }, /TrainingPipeline Train\/Churn: maxWait must be omitted unless spot is true .*got 2 hours/);
  });

  test('fails when the instance count is below 1', () => {
    fails({ instanceCount: 0 }, /TrainingPipeline Train\/Churn: instanceCount must be a whole number >= 1, got 0/);
  });

  test('fails when the instance count is not whole', () => {
    fails({ instanceCount: 1.5 }, /instanceCount must be a whole number >= 1, got 1.5/);
  });

  test('fails when the volume is smaller than 1 GB', () => {
    fails({ volumeSize: Size.mebibytes(512) }, /TrainingPipeline Train\/Churn: volumeSize must be a whole number of GiB from 1 to 16384, got '0.5 GiB'/);
  });

  test('fails when the volume is larger than 16384 GB', () => {
    fails({ volumeSize: Size.gibibytes(16385) }, /volumeSize must be a whole number of GiB from 1 to 16384, got '16385 GiB'/);
  });

  test('fails when a volume KMS key is given for an instance type with local NVMe storage', () => {
    const f = fixture();
    const key = new kms.Key(f.stack, 'Key');
    expect(() => pipeline(f, { instanceType: TrainingInstanceType.G5_2XLARGE, volumeEncryptionKey: key }))
      .toThrow(/TrainingPipeline Train\/Churn: volumeEncryptionKey must be omitted: the instance type has local NVMe storage.*got 'ml.g5.2xlarge'/);
  });

  test('fails when two channels have the same name', () => {
    fails({ channels: [{ name: 'train', zone: 'curated', prefix: 'a/' }, { name: 'train', zone: 'curated', prefix: 'b/' }] },
      /channels\[1\]\.name must be unique, but another channel has this name, got 'train'/);
  });

  test('fails when a channel name has characters SageMaker rejects', () => {
    fails({ channels: [{ name: 'train data', zone: 'curated', prefix: 'a/' }] }, /channels\[0\]\.name must be 1-64 letters, digits, ".", "-" and "_", got 'train data'/);
  });

  test('fails when a channel reads a zone the lake does not have', () => {
    fails({ channels: [{ name: 'train', zone: 'gold', prefix: 'a/' }] }, /channels\[0\]\.zone must be one of the lake's zones \['raw', 'curated', 'features', 'models', 'monitoring'\], got 'gold'/);
  });

  test('fails when a channel has no prefix', () => {
    fails({ channels: [{ name: 'train', zone: 'curated', prefix: '' }] }, /channels\[0\]\.prefix must be a non-empty key prefix/);
  });

  test('fails when there are more than 20 channels', () => {
    const channels = Array.from({ length: 21 }, (_, i) => ({ name: `c${i}`, zone: 'curated', prefix: `c${i}/` }));
    fails({ channels }, /channels must be 1 to 20 channels \(CreateTrainingJob's InputDataConfig takes 1-20\), got '21 channels'/);
  });

  test('fails when the gate metric is not among the metric definitions', () => {
    fails({ qualityGate: { metricName: 'validation:f1', threshold: 0.8 } },
      /TrainingPipeline Train\/Churn: qualityGate\.metricName must be one of the metricDefinitions names \['validation:auc'\], got 'validation:f1'/);
  });

  test('fails when the gate metric name has characters the model package metadata rejects', () => {
    fails({
      metricDefinitions: [{ name: 'auc<val>', regex: 'auc:([0-9.]+)' }],
      qualityGate: { metricName: 'auc<val>', threshold: 0.8 },
    }, /TrainingPipeline Train\/Churn: qualityGate\.metricName must be at most 256 letters, spaces, digits and "_\.:\/=\+-@" .*got 'auc<val>'/);
  });

  test('fails when the registry\'s group name has uppercase letters', () => {
    const f = fixture();
    const registry = Object.create(f.registry, { modelPackageGroupName: { value: 'Churn' } });
    expect(() => pipeline(f, { registry }))
      .toThrow(/TrainingPipeline Train\/Churn: registry must be a model package group with a lowercase name .*got 'Churn'/);
  });

  test('fails when the gate threshold is not a finite number', () => {
    fails({ qualityGate: { metricName: 'validation:auc', threshold: Number.NaN } }, /qualityGate\.threshold must be a finite number, got NaN/);
  });

  test('fails when a metric regex is invalid', () => {
    fails({ metricDefinitions: [{ name: 'validation:auc', regex: 'auc:([0-9.]+' }] },
      /metricDefinitions\[0\]\.regex must be a valid regular expression of 1-500 characters with a capturing group for the value .*got 'auc:\(\[0-9.\]\+'/);
  });

  test('fails when a metric regex captures nothing', () => {
    fails({ metricDefinitions: [{ name: 'validation:auc', regex: 'auc:[0-9.]+' }] }, /metricDefinitions\[0\]\.regex .*\(it has no capturing group\)/);
  });

  test('fails when two metric definitions have the same name', () => {
    fails({ metricDefinitions: [{ name: 'validation:auc', regex: 'a:(\\d+)' }, { name: 'validation:auc', regex: 'b:(\\d+)' }] },
      /metricDefinitions\[1\]\.name must be unique/);
  });

  test('fails when the max runtime is above SageMaker\'s 28 days', () => {
    fails({ maxRuntime: TrainingPipeline.MAX_RUNTIME.plus(Duration.seconds(1)) },
      /TrainingPipeline Train\/Churn: maxRuntime must be a whole number of seconds from 1 second to 28 days \(SageMaker's limit\), got 28 days 1 second/);
  });

  test('fails when a rate schedule is more frequent than the state machine timeout', () => {
    fails({ maxRuntime: Duration.hours(24), schedule: scheduler.ScheduleExpression.rate(Duration.hours(12)) },
      /TrainingPipeline Train\/Churn: schedule must be no more frequent than the state machine's timeout \(1 day 3 hours: maxRuntime \+ capacityWaitBudget \+ 1 hour\), so that scheduled runs cannot overlap, got 'rate\(12 hours\)'/);
  });

  test('fails when a rate schedule is more frequent than the spot max wait', () => {
    fails({ spot: true, maxRuntime: Duration.hours(6), maxWait: Duration.hours(30), schedule: scheduler.ScheduleExpression.rate(Duration.days(1)) },
      /schedule must be no more frequent than the state machine's timeout \(1 day 9 hours: maxWait \+ capacityWaitBudget \+ 1 hour\).*got 'rate\(1 day\)'/);
  });

  test('accepts valid cron schedules', () => {
    const f = fixture();
    expect(() => pipeline(f, { schedule: scheduler.ScheduleExpression.cron({ minute: '0', hour: '3', weekDay: 'SUN' }) })).not.toThrow();
  });

  test('fails when a hyperparameter value is not a string after conversion', () => {
    fails({ hyperparameters: { layers: [64, 32] } }, /hyperparameters\['layers'\] must be a string, a finite number or a boolean \(SageMaker takes strings only\), got '\[64,32\]'/);
  });

  test('fails when a hyperparameter value is not a finite number', () => {
    fails({ hyperparameters: { lr: Number.POSITIVE_INFINITY } }, /hyperparameters\['lr'\] must be a string, a finite number or a boolean/);
  });

  test('fails when a hyperparameter key is longer than 256 characters', () => {
    fails({ hyperparameters: { ['k'.repeat(257)]: '1' } }, /hyperparameters must be keys of 1-256 characters/);
  });

  test('fails when a hyperparameter value is longer than 2500 characters', () => {
    fails({ hyperparameters: { big: 'x'.repeat(2501) } }, /hyperparameters\['big'\] must be at most 2500 characters, got '2501 characters'/);
  });

  test('fails when there are more than 100 hyperparameters', () => {
    const hyperparameters = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`h${i}`, i]));
    fails({ hyperparameters }, /hyperparameters must be at most 100 entries, got '101 entries'/);
  });

  test('fails when an environment variable name is invalid', () => {
    fails({ environment: { '1BAD': 'x' } }, /environment must be names of up to 512 letters, digits and "_", not starting with a digit, got '1BAD'/);
  });

  test('fails when the job name prefix is too long or not lowercase', () => {
    fails({ jobNamePrefix: 'a'.repeat(27) }, /jobNamePrefix must be 1-26 lowercase letters, digits and hyphens/);
    fails({ jobNamePrefix: 'Churn' }, /jobNamePrefix must be 1-26 lowercase letters.*got 'Churn'/);
  });

  test('fails when the lake has no models zone', () => {
    const f = fixture();
    const lake = new DataLake(f.stack, 'Small', { zones: ['raw', 'curated'] });
    expect(() => pipeline(f, { lake })).toThrow(/lake must be a lake with a 'models' zone.*got \['raw', 'curated'\]/);
  });

  test('fails when security groups are given without a VPC', () => {
    const f = fixture();
    const vpc = new ec2.Vpc(f.stack, 'Vpc', { maxAzs: 1, natGateways: 0 });
    const sg = new ec2.SecurityGroup(f.stack, 'Sg', { vpc });
    expect(() => pipeline(f, { securityGroups: [sg] })).toThrow(/securityGroups must be given only together with vpc/);
  });

  test('fails when the VPC has no private or isolated subnets and no vpcSubnets are given, saying which subnets it has', () => {
    const f = fixture();
    const vpc = new ec2.Vpc(f.stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'pub', subnetType: ec2.SubnetType.PUBLIC }] });
    expect(() => pipeline(f, { vpc }))
      .toThrow(/TrainingPipeline Train\/Churn: vpc must be a VPC with private \(with egress\) or isolated subnets, or given with vpcSubnets, got 'Train\/Vpc \(0 private with egress, 0 isolated and 2 public subnets\)'/);
    // Chosen on purpose, public subnets are the user's call.
    const g = fixture();
    const publicOnly = new ec2.Vpc(g.stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'pub', subnetType: ec2.SubnetType.PUBLIC }] });
    pipeline(g, { vpc: publicOnly, vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } });
    expect(() => Template.fromStack(g.stack)).not.toThrow();
  });

  test('fails when vpcSubnets match no subnet of the VPC, saying which subnets it has', () => {
    const f = fixture();
    const vpc = new ec2.Vpc(f.stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'iso', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    expect(() => pipeline(f, { vpc, vpcSubnets: { subnetGroupName: 'training' } }))
      .toThrow(/TrainingPipeline Train\/Churn: vpcSubnets must be a selection that matches at least one subnet of the VPC \(it has 0 private with egress, 2 isolated and 0 public subnets\)/);
  });

  test('vpcSubnets may select 16 subnets (SageMaker VpcConfig), not 17', () => {
    // https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_VpcConfig.html: Subnets, 1 to 16 items.
    const vpcWith = (f: ReturnType<typeof fixture>, groups: number) => new ec2.Vpc(f.stack, 'Vpc', {
      maxAzs: 1, natGateways: 0,
      subnetConfiguration: Array.from({ length: groups }, (_, i) => ({ name: `iso${i}`, subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 })),
    });
    const ok = fixture();
    expect(() => pipeline(ok, { vpc: vpcWith(ok, 16) })).not.toThrow();
    const over = fixture();
    expect(() => pipeline(over, { vpc: vpcWith(over, 17) }))
      .toThrow(/TrainingPipeline Train\/Churn: vpcSubnets must be at most 16 subnets \(SageMaker's VpcConfig; the VPC has 0 private with egress, 17 isolated and 0 public subnets\), got '17 subnets'/);
  });

  test('reports every problem of one call at once', () => {
    fails({ instanceCount: 0, maxWait: Duration.hours(1), qualityGate: { metricName: 'nope', threshold: 1 } },
      /TrainingPipeline Train\/Churn: 3 problems:\n {2}- instanceCount .*\n {2}- maxWait .*\n {2}- qualityGate\.metricName/);
  });
});

test('a pipeline can be defined next to another one in the same stack', () => {
  const f = fixture();
  pipeline(f);
  expect(() => new TrainingPipeline(f.stack, 'Second', { ...fullProps(f), schedule: undefined, jobNamePrefix: 'second' })).not.toThrow();
});
