import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { imageModel, servingFixture } from './fixtures';
import { DataLake } from '../../lib';
import { ModelEndpoint } from '../../lib/serving';
import { TEST_ENV, testApp } from '../util';

// The endpoint's own log group: defined before the endpoint with a retention (and a key), retained; CloudWatch Logs may use the
// key for this log group only (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html).

describe('ModelEndpoint logs', () => {
  test('defines no log group unless asked (SageMaker creates it at first start)', () => {
    const f = servingFixture();
    new ModelEndpoint(f.stack, 'Churn', { endpointName: 'churn', variants: [{ name: 'champion', model: f.champion }] });
    Template.fromStack(f.stack).resourceCountIs('AWS::Logs::LogGroup', 0);
  });

  test('defines the endpoint\'s log group, retained, kept a year by default, before the endpoint', () => {
    const f = servingFixture();
    const endpoint = new ModelEndpoint(f.stack, 'Churn', { endpointName: 'churn', variants: [{ name: 'champion', model: f.champion }], logs: {} });
    const template = Template.fromStack(f.stack);
    const groups = template.findResources('AWS::Logs::LogGroup');
    expect(Object.values(groups)).toEqual([{
      Type: 'AWS::Logs::LogGroup',
      Properties: { LogGroupName: '/aws/sagemaker/Endpoints/churn', RetentionInDays: 365 },
      UpdateReplacePolicy: 'Retain', DeletionPolicy: 'Retain',
    }]);
    const ep = Object.values<any>(template.findResources('AWS::SageMaker::Endpoint'))[0];
    expect(ep.DependsOn).toEqual(expect.arrayContaining([Object.keys(groups)[0]]));
    expect(endpoint.logGroup?.node.path).toBe('Serve/Churn/Logs');
  });

  test('encrypts with the given key, whose policy lets CloudWatch Logs use it for this log group only', () => {
    const f = servingFixture();
    const key = new kms.Key(f.stack, 'LogsKey', { enableKeyRotation: true });
    new ModelEndpoint(f.stack, 'Churn', {
      endpointName: 'churn', variants: [{ name: 'champion', model: f.champion }], logs: { retention: logs.RetentionDays.THREE_MONTHS, encryptionKey: key },
    });
    const template = Template.fromStack(f.stack);
    const keyId = Stack.of(key).getLogicalId(key.node.defaultChild as kms.CfnKey);
    template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/aws/sagemaker/Endpoints/churn', RetentionInDays: 90, KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    const policy = (template.toJSON().Resources[keyId].Properties.KeyPolicy.Statement as any[])
      .filter((st) => st.Principal?.Service);
    expect(policy).toEqual([{
      Sid: 'CloudWatchLogsEncryptchurn',
      Effect: 'Allow',
      Principal: { Service: 'logs.us-east-1.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'],
      Resource: '*',
      Condition: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': 'arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/churn' } },
    }]);
  });

  test('a key of another stack gets the statement without a reference back to the endpoint\'s stack', () => {
    const app = testApp();
    const keyStack = new Stack(app, 'Keys', { env: TEST_ENV });
    const key = new kms.Key(keyStack, 'LogsKey', { enableKeyRotation: true });
    const serve = new Stack(app, 'Serve', { env: TEST_ENV });
    const lake = new DataLake(serve, 'Lake');
    const repo = ecr.Repository.fromRepositoryName(serve, 'Repo', 'churn-inference');
    const model = imageModel(serve, 'Champion', { repo, lake, key: 'churn/v3/model.tar.gz' });
    new ModelEndpoint(serve, 'Churn', { endpointName: 'churn', variants: [{ name: 'champion', model }], logs: { encryptionKey: key } });
    const keyTemplate = JSON.stringify(Template.fromStack(keyStack).toJSON());
    expect(keyTemplate).not.toMatch(/Fn::ImportValue/);
    expect(keyTemplate).toContain('log-group:/aws/sagemaker/Endpoints/churn');
    expect(() => app.synth()).not.toThrow();
  });
});
