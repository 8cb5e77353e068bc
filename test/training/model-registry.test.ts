import { Lazy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { ModelRegistry } from '../../lib/training';
import { TEST_ENV, testApp } from '../util';

function stack(): Stack {
  return new Stack(testApp(), 'Registry', { env: TEST_ENV });
}

describe('ModelRegistry', () => {
  test('defines a retained model package group with a lowercase name from the construct path', () => {
    const s = stack();
    const registry = new ModelRegistry(s, 'Churn');
    const template = Template.fromStack(s);
    template.hasResource('AWS::SageMaker::ModelPackageGroup', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: { ModelPackageGroupName: Match.stringLikeRegexp('^[a-z0-9-]+$') },
    });
    expect(registry.modelPackageGroupName).toMatch(/^registry-churn-[a-z0-9]+$/);
  });

  test('takes a name, a description and a removal policy', () => {
    const s = stack();
    new ModelRegistry(s, 'Churn', { modelPackageGroupName: 'churn-models', description: 'Churn models', removalPolicy: undefined });
    Template.fromStack(s).hasResourceProperties('AWS::SageMaker::ModelPackageGroup', {
      ModelPackageGroupName: 'churn-models',
      ModelPackageGroupDescription: 'Churn models',
    });
  });

  test('gives cross-account read access through the group policy', () => {
    const s = stack();
    new ModelRegistry(s, 'Churn', { modelPackageGroupName: 'churn', crossAccountReadAccountIds: ['111122223333'] });
    Template.fromStack(s).hasResourceProperties('AWS::SageMaker::ModelPackageGroup', {
      ModelPackageGroupPolicy: {
        Statement: [{
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::111122223333:root' },
          Action: ['sagemaker:DescribeModelPackageGroup', 'sagemaker:DescribeModelPackage', 'sagemaker:ListModelPackages'],
          Resource: [
            'arn:aws:sagemaker:us-east-1:123456789012:model-package-group/churn',
            'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/*',
          ],
        }],
      },
    });
  });

  test('has no group policy without cross-account access', () => {
    const s = stack();
    new ModelRegistry(s, 'Churn');
    Template.fromStack(s).hasResourceProperties('AWS::SageMaker::ModelPackageGroup', { ModelPackageGroupPolicy: Match.absent() });
  });

  test('grantRead and grantApprove grant on the group and its versions only', () => {
    const s = stack();
    const registry = new ModelRegistry(s, 'Churn', { modelPackageGroupName: 'churn' });
    const reader = new iam.Role(s, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    const approver = new iam.Role(s, 'Approver', { assumedBy: new iam.AccountRootPrincipal() });
    registry.grantRead(reader);
    registry.grantApprove(approver);
    const template = Template.fromStack(s);
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^Reader') }],
      PolicyDocument: {
        Statement: [{
          Action: ['sagemaker:DescribeModelPackage', 'sagemaker:DescribeModelPackageGroup', 'sagemaker:ListTags'],
          Resource: [
            'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/*',
            { 'Fn::GetAtt': [Match.stringLikeRegexp('^Churn'), 'ModelPackageGroupArn'] },
          ],
        }, {
          // ListModelPackages names no model package: granted on *.
          Action: 'sagemaker:ListModelPackages',
          Resource: '*',
        }],
      },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^Approver') }],
      PolicyDocument: {
        Statement: [{ Action: 'sagemaker:UpdateModelPackage', Resource: 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/*' }],
      },
    });
  });

  test('onModelApproved matches approvals of this group only', () => {
    const s = stack();
    const registry = new ModelRegistry(s, 'Churn', { modelPackageGroupName: 'churn' });
    const topic = new sns.Topic(s, 'Topic');
    registry.onModelApproved('Approved', { target: new targets.SnsTopic(topic) });
    Template.fromStack(s).hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'source': ['aws.sagemaker'],
        'detail-type': ['SageMaker Model Package State Change'],
        'detail': { ModelPackageGroupName: ['churn'], ModelApprovalStatus: ['Approved'] },
      },
      Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('^Topic') } })],
    });
  });

  test('modelPackageArn names one version', () => {
    const s = stack();
    const registry = new ModelRegistry(s, 'Churn', { modelPackageGroupName: 'churn' });
    expect(s.resolve(registry.modelPackageArn(3))).toBe('arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/3');
  });

  test('imports a group by name', () => {
    const s = stack();
    const registry = ModelRegistry.fromModelPackageGroupName(s, 'Imported', 'fraud');
    expect(registry.modelPackageGroupName).toBe('fraud');
    expect(s.resolve(registry.modelPackageGroupArn)).toBe('arn:aws:sagemaker:us-east-1:123456789012:model-package-group/fraud');
    const role = new iam.Role(s, 'Role', { assumedBy: new iam.AccountRootPrincipal() });
    registry.grantApprove(role);
    Template.fromStack(s).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'sagemaker:UpdateModelPackage', Resource: 'arn:aws:sagemaker:us-east-1:123456789012:model-package/fraud/*' }] },
    });
    expect(Template.fromStack(s).findResources('AWS::SageMaker::ModelPackageGroup')).toEqual({});
  });

  test('fails when the group name is invalid', () => {
    expect(() => new ModelRegistry(stack(), 'Churn', { modelPackageGroupName: 'churn_models' }))
      .toThrow(/ModelRegistry Registry\/Churn: modelPackageGroupName must be 1-63 lowercase letters, digits and hyphens.*got 'churn_models'/);
  });

  test('fails when the group name has uppercase letters, which the IAM policies\' model package ARNs would not match', () => {
    expect(() => new ModelRegistry(stack(), 'Churn', { modelPackageGroupName: 'Churn-Models' }))
      .toThrow(/ModelRegistry Registry\/Churn: modelPackageGroupName must be 1-63 lowercase letters, digits and hyphens.*got 'Churn-Models'/);
  });

  test('fails when an imported group name has uppercase letters', () => {
    expect(() => ModelRegistry.fromModelPackageGroupName(stack(), 'Imported', 'Fraud'))
      .toThrow(/ModelRegistry.fromModelPackageGroupName Registry\/Imported: modelPackageGroupName must be 1-63 lowercase letters.*got 'Fraud'/);
  });

  test('accepts group names that are tokens, which it cannot check', () => {
    const s = stack();
    const name = Lazy.string({ produce: () => 'Resolved-Later' });
    expect(() => new ModelRegistry(s, 'Churn', { modelPackageGroupName: name })).not.toThrow();
    expect(() => ModelRegistry.fromModelPackageGroupName(s, 'Imported', name)).not.toThrow();
  });

  test('fails when an imported group name is invalid', () => {
    expect(() => ModelRegistry.fromModelPackageGroupName(stack(), 'Imported', '-bad'))
      .toThrow(/ModelRegistry.fromModelPackageGroupName Registry\/Imported: modelPackageGroupName must be .*got '-bad'/);
  });

  test('fails when a cross-account id is not an account id', () => {
    expect(() => new ModelRegistry(stack(), 'Churn', { crossAccountReadAccountIds: ['1234'] }))
      .toThrow(/ModelRegistry Registry\/Churn: crossAccountReadAccountIds\[0\] must be a 12-digit AWS account id, got '1234'/);
  });

  test('fails when the description is too long', () => {
    expect(() => new ModelRegistry(stack(), 'Churn', { description: 'x'.repeat(1025) }))
      .toThrow(/description must be at most 1024 characters, got '1025 characters'/);
  });
});
