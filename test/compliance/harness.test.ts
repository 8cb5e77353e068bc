import { CfnResource, Stack, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { checkCompliance, complianceApp } from './harness';

// The harness must be able to fail: one finding of each validator, unacknowledged, fails it.

test('fails on a cdk-nag AwsSolutions finding', () => {
  const app = complianceApp();
  const stack = new Stack(app, 'Nag');
  new s3.Bucket(stack, 'Plain');
  expect(() => checkCompliance(app, 'nag')).toThrow(/AwsSolutions-S10/);
});

test('fails on a Control Tower guard finding', () => {
  const app = complianceApp();
  new s3.Bucket(new Stack(app, 'Guard'), 'Plain', { enforceSSL: true });
  expect(() => checkCompliance(app, 'guard')).toThrow(/CT\.S3\.PR\.1/);
});

test('fails on a CloudFormation validator warning', () => {
  const app = complianceApp();
  const stack = new Stack(app, 'Cfn');
  const fn = new CfnResource(stack, 'Fn', {
    type: 'AWS::Lambda::Function',
    properties: { Runtime: 'nodejs16.x', Handler: 'index.handler', Role: 'arn:aws:iam::123456789012:role/x', Code: { ZipFile: 'exports.handler=()=>1' } },
  });
  Validations.of(fn).acknowledge({ id: 'cdk-validator-cfnguard::lambda_inside_vpc_check', reason: 'Isolates the CloudFormation validator warning in this test.' });
  expect(() => checkCompliance(app, 'cfn')).toThrow(/W2531/);
});

test('counts acknowledged findings and lists their reasons', () => {
  const app = complianceApp();
  const stack = new Stack(app, 'Ack');
  const fn = new CfnResource(stack, 'Fn', {
    type: 'AWS::Lambda::Function',
    properties: { Runtime: 'nodejs24.x', Handler: 'index.handler', Role: 'arn:aws:iam::123456789012:role/x', Code: { ZipFile: 'exports.handler=()=>1' } },
  });
  Validations.of(fn).acknowledge({ id: 'cdk-validator-cfnguard::lambda_inside_vpc_check', reason: 'A test function that calls no network resource.' });
  const result = checkCompliance(app, 'ack');
  expect(result.acknowledgments).toEqual([expect.objectContaining({
    rule: 'lambda_inside_vpc_check', reason: 'A test function that calls no network resource.', resources: ['Ack/Fn'],
  })]);
});
