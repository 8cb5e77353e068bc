import { TrainingPipeline, TrainingPipelineAlarms } from '../../lib';
import { AlarmRow, Readable } from '../exact';
import { fixture, minimalProps } from './fixtures';

// The training principals' whole policies and the pipeline alarms, exactly. References read as construct paths.

function pipeline() {
  const f = fixture();
  const p = new TrainingPipeline(f.stack, 'Churn', minimalProps(f));
  new TrainingPipelineAlarms(f.stack, 'TrainingAlarms', { pipeline: p });
  return Readable.of(f.stack);
}

const JOBS = 'train-churn-f32f1c18';
/** The lake key only when S3 calls KMS for these objects of this zone's bucket (the zone grants, #23 item 1). */
const viaS3 = (zone: string, objects: string) => ({
  StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' },
  StringLike: { 'kms:EncryptionContext:aws:s3:arn': [`<Train/Lake/${zone}.Arn>`, `<Train/Lake/${zone}.Arn>/${objects}`] },
});

describe('TrainingPipeline principals, whole policies', () => {
  test('the training job reads its channel, writes its output, logs its own streams and pulls its image', () => {
    expect(pipeline().rolePolicy('Train/Churn/TrainingRole')).toEqual({
      statements: [
        { Action: 's3:GetObject', Effect: 'Allow', Resource: '<Train/Lake/curated.Arn>/churn/train/*' },
        { Action: 's3:ListBucket', Condition: { StringLike: { 's3:prefix': ['churn/train/*'] } }, Effect: 'Allow', Resource: '<Train/Lake/curated.Arn>' },
        { Action: 'kms:Decrypt', Condition: viaS3('curated', 'churn/train/*'), Effect: 'Allow', Resource: '<Train/Lake/Key.Arn>' },
        { Action: ['s3:AbortMultipartUpload', 's3:PutObject'], Effect: 'Allow', Resource: `<Train/Lake/models.Arn>/training/${JOBS}/output/*` },
        // Writing SSE-KMS output, and kms:Encrypt for OutputDataConfig.KmsKeyId: both only through S3, for the output objects.
        {
          Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'], Condition: viaS3('models', `training/${JOBS}/output/*`), Effect: 'Allow',
          Resource: '<Train/Lake/Key.Arn>',
        },
        {
          Action: ['logs:CreateLogGroup', 'logs:DescribeLogStreams'], Effect: 'Allow',
          Resource: 'arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/TrainingJobs:*',
        },
        {
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow',
          Resource: `arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/TrainingJobs:log-stream:${JOBS}-????????-????-????-????-????????????/*`,
        },
        { Action: 'cloudwatch:PutMetricData', Condition: { StringLike: { 'cloudwatch:namespace': '/aws/sagemaker/*' } }, Effect: 'Allow', Resource: '*' },
        { Action: 'kms:CreateGrant', Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } }, Effect: 'Allow', Resource: '<Train/Lake/Key.Arn>' },
        { Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'], Effect: 'Allow', Resource: '<Train/Repo.Arn>' },
        { Action: 'ecr:GetAuthorizationToken', Effect: 'Allow', Resource: '*' },
      ],
      managedPolicyArns: [],
    });
  });

  test('the state machine runs and tags its own jobs, passes only the training role, and registers in its one group', () => {
    expect(pipeline().rolePolicy('Train/Churn/StateMachineRole')).toEqual({
      statements: [
        {
          Action: ['sagemaker:AddTags', 'sagemaker:CreateTrainingJob', 'sagemaker:DescribeTrainingJob', 'sagemaker:ListTags', 'sagemaker:StopTrainingJob'],
          Effect: 'Allow', Resource: `arn:aws:sagemaker:us-east-1:123456789012:training-job/${JOBS}-????????-????-????-????-????????????`,
        },
        {
          Action: ['events:DescribeRule', 'events:PutRule', 'events:PutTargets'], Effect: 'Allow',
          Resource: 'arn:aws:events:us-east-1:123456789012:rule/StepFunctionsGetEventsForSageMakerTrainingJobsRule',
        },
        {
          Action: 'iam:PassRole', Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } }, Effect: 'Allow',
          Resource: '<Train/Churn/TrainingRole.Arn>',
        },
        { Action: 's3:GetObject', Effect: 'Allow', Resource: `<Train/Lake/models.Arn>/training/${JOBS}/output/*` },
        {
          Action: 's3:ListBucket', Condition: { StringLike: { 's3:prefix': [`training/${JOBS}/output/*`] } }, Effect: 'Allow',
          Resource: '<Train/Lake/models.Arn>',
        },
        { Action: 'kms:Decrypt', Condition: viaS3('models', `training/${JOBS}/output/*`), Effect: 'Allow', Resource: '<Train/Lake/Key.Arn>' },
        { Action: 'sagemaker:CreateModelPackage', Effect: 'Allow', Resource: 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/*' },
        {
          // Step Functions' log delivery and X-Ray actions have no resource-level permissions.
          Action: [
            'logs:CreateLogDelivery', 'logs:DeleteLogDelivery', 'logs:DescribeLogGroups', 'logs:DescribeResourcePolicies', 'logs:GetLogDelivery',
            'logs:ListLogDeliveries', 'logs:PutResourcePolicy', 'logs:UpdateLogDelivery',
            'xray:GetSamplingRules', 'xray:GetSamplingTargets', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments',
          ],
          Effect: 'Allow', Resource: '*',
        },
        // CheckOtherRuns, in the OverlapCheckPolicy (https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListExecutions.html).
        { Action: 'states:ListExecutions', Effect: 'Allow', Resource: '<Train/Churn/StateMachine>' },
      ],
      managedPolicyArns: [],
    });
  });
});

describe('TrainingPipelineAlarms, exactly', () => {
  test('alarm on one failed, timed-out or aborted execution in five minutes; no execution is not a failure', () => {
    const row = (metric: string): AlarmRow => ({
      namespace: 'AWS/States', metric, dimensions: { StateMachineArn: '<Train/Churn/StateMachine>' }, statistic: 'Sum', period: 300,
      comparison: 'GreaterThanOrEqualToThreshold', threshold: 1, evaluationPeriods: 1, datapointsToAlarm: 1, treatMissingData: 'notBreaching',
    });
    expect(pipeline().alarms()).toEqual({
      'Train/TrainingAlarms/Aborted': row('ExecutionsAborted'),
      'Train/TrainingAlarms/Failed': row('ExecutionsFailed'),
      'Train/TrainingAlarms/TimedOut': row('ExecutionsTimedOut'),
    });
  });
});
