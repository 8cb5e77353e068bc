import { Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { ContainerImage } from '@aws-cdk/aws-sagemaker-alpha';
import { DataLake, ModelEndpoint, ServingModel, ServingModelData } from '../../lib';
import { Readable } from '../exact';
import { TEST_ENV, testApp } from '../util';

// The model role's whole policy: what SageMaker may do as the model (read its artifact, pull its image, write its logs
// and captures, read the rollback alarms). References read as construct paths (test/exact.ts).

function served() {
  const stack = new Stack(testApp(), 'Serve', { env: TEST_ENV });
  const lake = new DataLake(stack, 'Lake');
  const repo = ecr.Repository.fromRepositoryName(stack, 'Repo', 'churn-inference');
  const model = new ServingModel(stack, 'Champion', {
    image: ContainerImage.fromEcrRepository(repo, '1.4.2'), modelData: ServingModelData.fromLakeZone(lake.zone('models'), 'churn/v3/model.tar.gz'),
  });
  new ModelEndpoint(stack, 'Churn', { endpointName: 'churn', variants: [{ name: 'champion', model }], dataCapture: { lake } });
  return Readable.of(stack);
}

const viaS3 = (zone: string, objects: string) => ({
  StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' },
  StringLike: { 'kms:EncryptionContext:aws:s3:arn': [`<Serve/Lake/${zone}.Arn>`, `<Serve/Lake/${zone}.Arn>/${objects}`] },
});

test('the model role reads its one artifact, pulls its one image, writes its endpoint\'s logs and captures, and reads its rollback alarms', () => {
  expect(served().rolePolicy('Serve/Champion/Role')).toEqual({
    statements: [
      {
        Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'], Effect: 'Allow',
        Resource: 'arn:aws:ecr:us-east-1:123456789012:repository/churn-inference',
      },
      { Action: 'ecr:GetAuthorizationToken', Effect: 'Allow', Resource: '*' },
      { Action: 's3:GetObject', Effect: 'Allow', Resource: '<Serve/Lake/models.Arn>/churn/v3/model.tar.gz' },
      // The lake key only when S3 calls KMS for this object / these captures of the zone's bucket (zone grants, #23 item 1).
      { Action: 'kms:Decrypt', Condition: viaS3('models', 'churn/v3/model.tar.gz'), Effect: 'Allow', Resource: '<Serve/Lake/Key.Arn>' },
      {
        Action: 'cloudwatch:DescribeAlarms', Effect: 'Allow',
        Resource: ['arn:aws:cloudwatch:us-east-1:123456789012:alarm:<Serve/Churn/ErrorRateAlarm>', 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:<Serve/Churn/LatencyAlarm>'],
      },
      {
        // With the trailing ':*', which CloudWatch Logs authorizes group and stream actions on.
        Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'], Effect: 'Allow',
        Resource: 'arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/churn:*',
      },
      { Action: ['s3:AbortMultipartUpload', 's3:PutObject'], Effect: 'Allow', Resource: '<Serve/Lake/monitoring.Arn>/data-capture/churn/*' },
      { Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Condition: viaS3('monitoring', 'data-capture/churn/*'), Effect: 'Allow', Resource: '<Serve/Lake/Key.Arn>' },
    ],
    managedPolicyArns: [],
  });
});
