import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { ContainerImage } from '@aws-cdk/aws-sagemaker-alpha';
import { FakeRegistry, servingFixture } from './fixtures';
import { ModelEndpoint, ServingModel, ServingModelData } from '../../lib/serving';

function approvedModel(parameterName?: string) {
  const f = servingFixture();
  const registry = new FakeRegistry(f.stack, 'Registry');
  const repo = ecr.Repository.fromRepositoryName(f.stack, 'PackageRepo', 'churn-packages');
  const model = new ServingModel(f.stack, 'Approved', {
    image: ContainerImage.fromEcrRepository(f.repo, '1.4.2'),
    modelData: ServingModelData.fromLakeZone(f.lake.zone('models'), 'churn/champion/model.tar.gz'),
    environment: { SAGEMAKER_PROGRAM: 'inference.py' },
    approvedModelPackage: {
      registry, parameterName, artifactsZone: f.lake.zone('models'), artifactsPrefix: 'training/churn/output/', imageRepository: repo,
    },
  });
  new ModelEndpoint(f.stack, 'Churn', { endpointName: 'churn', variants: [{ name: 'champion', model }] });
  return { f, model, template: Template.fromStack(f.stack) };
}

describe('ServingModel serving the approved package a pipeline passes in', () => {
  const { f, model, template } = approvedModel();

  test("takes the package ARN in a stack parameter that is 'fallback' by default and accepts only versions of the group", () => {
    expect(template.toJSON().Parameters.ModelPackageArnApproved).toEqual({
      Type: 'String',
      Default: 'fallback',
      AllowedPattern: '^fallback$|^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:[0-9]{12}:model-package/churn/[0-9]+$',
      ConstraintDescription: 'fallback (serve the fallback image) or the ARN of a version of the model package group',
      Description: 'The approved model package that Serve/Approved serves (set by the deployment pipeline); fallback: the fallback image '
        + 'and model data the stack names.',
    });
    expect(f.stack.resolve(model.modelPackageParameter!.logicalId)).toEqual('ModelPackageArnApproved');
  });

  test("serves the fallback image, data and environment while the parameter is 'fallback', and the package otherwise", () => {
    expect(template.toJSON().Conditions.ModelPackageArnApprovedIsFallback).toEqual({ 'Fn::Equals': [{ Ref: 'ModelPackageArnApproved' }, 'fallback'] });
    const noValue = { Ref: 'AWS::NoValue' };
    template.hasResourceProperties('AWS::SageMaker::Model', {
      PrimaryContainer: {
        Image: { 'Fn::If': ['ModelPackageArnApprovedIsFallback',
          { 'Fn::Join': ['', ['123456789012.dkr.ecr.us-east-1.', { Ref: 'AWS::URLSuffix' }, '/churn-inference:1.4.2']] }, noValue] },
        ModelDataUrl: { 'Fn::If': ['ModelPackageArnApprovedIsFallback',
          { 'Fn::Join': ['', ['s3://', { Ref: Match.stringLikeRegexp('^Lakemodels') }, '/churn/champion/model.tar.gz']] }, noValue] },
        Environment: { 'Fn::If': ['ModelPackageArnApprovedIsFallback', { SAGEMAKER_PROGRAM: 'inference.py' }, noValue] },
        ModelPackageName: { 'Fn::If': ['ModelPackageArnApprovedIsFallback', noValue, { Ref: 'ModelPackageArnApproved' }] },
      },
    });
  });

  test('may describe every version of its group (chosen after deploy), read the package artifacts and pull both images', () => {
    const policies = Object.values<any>(template.findResources('AWS::IAM::Policy'))
      .filter((p) => p.Properties.Roles.some((r: any) => r.Ref.startsWith('ApprovedRole')));
    expect(policies).toHaveLength(1);
    const statements = policies[0].Properties.PolicyDocument.Statement;
    const models = { 'Fn::GetAtt': [expect.stringMatching(/^Lakemodels/), 'Arn'] };
    const key = { 'Fn::GetAtt': [expect.stringMatching(/^LakeKey/), 'Arn'] };
    const under = (suffix: string) => ({ 'Fn::Join': ['', [models, suffix]] });
    const viaS3 = (arns: unknown[]) => ({ StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' }, StringLike: { 'kms:EncryptionContext:aws:s3:arn': arns } });
    expect(statements.slice(0, 7)).toEqual([
      { Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'], Effect: 'Allow',
        Resource: ['arn:aws:ecr:us-east-1:123456789012:repository/churn-inference', 'arn:aws:ecr:us-east-1:123456789012:repository/churn-packages'] },
      { Action: 'ecr:GetAuthorizationToken', Effect: 'Allow', Resource: '*' },
      { Action: 's3:GetObject', Effect: 'Allow', Resource: [under('/churn/champion/model.tar.gz'), under('/training/churn/output/*')] },
      { Action: 'kms:Decrypt', Effect: 'Allow', Resource: key, Condition: viaS3([models, under('/churn/champion/model.tar.gz')]) },
      { Action: 'sagemaker:DescribeModelPackage', Effect: 'Allow', Resource: 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/*' },
      { Action: 's3:ListBucket', Effect: 'Allow', Resource: models, Condition: { StringLike: { 's3:prefix': ['training/churn/output/*'] } } },
      { Action: 'kms:Decrypt', Effect: 'Allow', Resource: key, Condition: viaS3([models, under('/training/churn/output/*')]) },
    ]);
    // The rest is the endpoint's: its rollback alarms and its logs.
    expect(statements.slice(7).map((s: any) => s.Action)).toEqual(['cloudwatch:DescribeAlarms',
      ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents']]);
  });

  test('warns about no missing image pull when the package repository is given', () => {
    Annotations.fromStack(f.stack).hasNoWarning('/Serve/Approved', Match.stringLikeRegexp('imageRepository is not given'));
  });

  test('takes the parameter name it is given', () => {
    const named = approvedModel('ChurnPackage');
    expect(named.template.toJSON().Parameters.ChurnPackage.Default).toEqual('fallback');
    expect(named.template.toJSON().Parameters.ModelPackageArnApproved).toBeUndefined();
  });
});

describe('ServingModel approvedModelPackage bad input', () => {
  test('fails when no fallback image is given', () => {
    const f = servingFixture();
    expect(() => new ServingModel(f.stack, 'Bad', { approvedModelPackage: { registry: new FakeRegistry(f.stack, 'Registry') } }))
      .toThrow('ServingModel Serve/Bad: 2 problems:\n  - exactly one of image and modelPackage must be given\n  - image must be given with '
        + 'approvedModelPackage: the image (with modelData) is the model served until the pipeline passes an approved package, e.g. the '
        + 'champion from the lake, got undefined');
  });

  test('fails when modelPackage is given too', () => {
    const f = servingFixture();
    const registry = new FakeRegistry(f.stack, 'Registry');
    expect(() => new ServingModel(f.stack, 'Bad', { modelPackage: { registry, version: 1 }, approvedModelPackage: { registry } }))
      .toThrow('ServingModel Serve/Bad: approvedModelPackage and modelPackage exclude each other: the pipeline chooses the version of an '
        + 'approved package');
  });

  test('fails when the parameter name is not a logical id', () => {
    const f = servingFixture();
    expect(() => new ServingModel(f.stack, 'Bad', {
      image: ContainerImage.fromEcrRepository(f.repo, '1.4.2'),
      approvedModelPackage: { registry: new FakeRegistry(f.stack, 'Registry'), parameterName: 'model-package' },
    })).toThrow('ServingModel Serve/Bad: approvedModelPackage.parameterName must be letters and digits only, starting with a letter, at most '
      + '255 characters (a CloudFormation logical id), got \'model-package\'');
  });
});
