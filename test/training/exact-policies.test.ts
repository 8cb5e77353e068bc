import { Template } from 'aws-cdk-lib/assertions';
import { fixture, pipeline, roleStatements } from './fixtures';

// Whole policies of the minimal pipeline: a statement added or lost shows here, not only in a snapshot.
function synth() {
  const f = fixture();
  pipeline(f, { jobNamePrefix: 'churn' });
  return Template.fromStack(f.stack).toJSON();
}

const lakeKey = { 'Fn::GetAtt': ['LakeKey7B6C155C', 'Arn'] };
const models = { 'Fn::GetAtt': ['LakemodelsCABA3223', 'Arn'] };
const curated = { 'Fn::GetAtt': ['Lakecurated363C5ACC', 'Arn'] };
const viaS3 = (bucket: object, objects: string) => ({
  StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' },
  StringLike: { 'kms:EncryptionContext:aws:s3:arn': [bucket, { 'Fn::Join': ['', [bucket, objects]] }] },
});

describe('TrainingPipeline exact policies', () => {
  test('the state machine role may tag, create, describe and stop only the pipeline\'s own jobs (Step Functions tags every job it starts)', () => {
    const statements = roleStatements(synth(), 'ChurnStateMachineRole');
    const onJobs = statements.filter((s) => JSON.stringify(s.Resource).includes(':training-job/'));
    // aws/aws-cdk#32294: without sagemaker:AddTags the first CreateTrainingJob.sync fails with AccessDenied.
    expect(onJobs).toEqual([{
      Action: ['sagemaker:AddTags', 'sagemaker:CreateTrainingJob', 'sagemaker:DescribeTrainingJob', 'sagemaker:ListTags', 'sagemaker:StopTrainingJob'],
      Effect: 'Allow',
      Resource: 'arn:aws:sagemaker:us-east-1:123456789012:training-job/churn-????????-????-????-????-????????????',
    }]);
    // AddTags on nothing else.
    const addTags = statements.filter((s) => [s.Action].flat().includes('sagemaker:AddTags'));
    expect(addTags).toHaveLength(1);
  });

  test('the training role\'s whole policy: channel reads, output writes encrypted with the output key (kms:Encrypt), logs, metrics, image', () => {
    expect(roleStatements(synth(), 'ChurnTrainingRole')).toEqual([
      { Action: 's3:GetObject', Effect: 'Allow', Resource: { 'Fn::Join': ['', [curated, '/churn/train/*']] } },
      { Action: 's3:ListBucket', Condition: { StringLike: { 's3:prefix': ['churn/train/*'] } }, Effect: 'Allow', Resource: curated },
      // The lake key only through S3, for the zone's bucket (the zone grants).
      { Action: 'kms:Decrypt', Condition: viaS3(curated, '/churn/train/*'), Effect: 'Allow', Resource: lakeKey },
      { Action: ['s3:AbortMultipartUpload', 's3:PutObject'], Effect: 'Allow', Resource: { 'Fn::Join': ['', [models, '/training/churn/output/*']] } },
      // OutputDataConfig.KmsKeyId is the lake key: SageMaker encrypts the model artifacts with it, as the execution role (kms:Encrypt),
      // "using Amazon S3 server-side encryption": so only through S3, for the output objects, like every lake key grant (one statement).
      { Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'], Condition: viaS3(models, '/training/churn/output/*'), Effect: 'Allow', Resource: lakeKey },
      {
        Action: ['logs:CreateLogGroup', 'logs:DescribeLogStreams'],
        Effect: 'Allow',
        Resource: 'arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/TrainingJobs:*',
      },
      {
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Effect: 'Allow',
        Resource: 'arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/TrainingJobs:log-stream:churn-????????-????-????-????-????????????/*',
      },
      { Action: 'cloudwatch:PutMetricData', Condition: { StringLike: { 'cloudwatch:namespace': '/aws/sagemaker/*' } }, Effect: 'Allow', Resource: '*' },
      { Action: 'kms:CreateGrant', Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } }, Effect: 'Allow', Resource: lakeKey },
      {
        Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': ['Repo02AC86CF', 'Arn'] },
      },
      { Action: 'ecr:GetAuthorizationToken', Effect: 'Allow', Resource: '*' },
    ]);
  });

  test('the output key the training role may encrypt with is the key the job names in OutputDataConfig', () => {
    const template = synth();
    const train = Object.values<any>(template.Resources).find((r) => r.Type === 'AWS::StepFunctions::StateMachine');
    expect(JSON.stringify(train.Properties.DefinitionString)).toContain('"LakeKey7B6C155C","Arn"');
    const encrypting = roleStatements(template, 'ChurnTrainingRole').filter((s) => [s.Action].flat().includes('kms:Encrypt'));
    expect(encrypting.map((s) => s.Resource)).toEqual([lakeKey]);
  });
});
