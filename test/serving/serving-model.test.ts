import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { ContainerImage, ModelData } from '@aws-cdk/aws-sagemaker-alpha';
import { FakeRegistry, servingFixture } from './fixtures';
import { ModelEndpoint, ServingModel, ServingModelData } from '../../lib/serving';

function policyOf(template: Template, rolePrefix: string): any[] {
  const policies = Object.values<any>(template.findResources('AWS::IAM::Policy'))
    .filter((p) => p.Properties.Roles.some((r: any) => r.Ref.startsWith(rolePrefix)));
  expect(policies).toHaveLength(1);
  return policies[0].Properties.PolicyDocument.Statement;
}

describe('ServingModel from an image and lake artifacts', () => {
  const f = servingFixture();
  new ModelEndpoint(f.stack, 'Churn', { endpointName: 'churn', variants: [{ name: 'champion', model: f.champion }] });
  const template = Template.fromStack(f.stack);

  test('runs network-isolated, with the image and the artifact URI of the lake', () => {
    template.hasResourceProperties('AWS::SageMaker::Model', {
      EnableNetworkIsolation: true,
      ExecutionRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ChampionRole'), 'Arn'] },
      PrimaryContainer: {
        Image: { 'Fn::Join': ['', ['123456789012.dkr.ecr.us-east-1.', { Ref: 'AWS::URLSuffix' }, '/churn-inference:1.4.2']] },
        ModelDataUrl: { 'Fn::Join': ['', ['s3://', { Ref: Match.stringLikeRegexp('^Lakemodels') }, '/churn/v3/model.tar.gz']] },
      },
    });
  });

  test('has a role that SageMaker of this account alone can assume, with no managed policy', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [{
        Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
      }] },
      ManagedPolicyArns: Match.absent(),
    });
  });

  test('may read its one artifact, decrypt it, pull its image and write its endpoint\'s logs, and nothing else', () => {
    expect(policyOf(template, 'ChampionRole')).toEqual([
      { Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'], Effect: 'Allow',
        Resource: 'arn:aws:ecr:us-east-1:123456789012:repository/churn-inference' },
      { Action: 'ecr:GetAuthorizationToken', Effect: 'Allow', Resource: '*' },
      { Action: 's3:GetObject', Effect: 'Allow',
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^Lakemodels/), 'Arn'] }, '/churn/v3/model.tar.gz']] } },
      { Action: 'kms:Decrypt', Effect: 'Allow', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^LakeKey/), 'Arn'] }, Condition: {
        StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' },
        StringLike: { 'kms:EncryptionContext:aws:s3:arn': [
          { 'Fn::GetAtt': [expect.stringMatching(/^Lakemodels/), 'Arn'] },
          { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^Lakemodels/), 'Arn'] }, '/churn/v3/model.tar.gz']] },
        ] },
      } },
      // Deployment guardrails read the rollback alarms with the model's role: these two, and no other alarm.
      { Action: 'cloudwatch:DescribeAlarms', Effect: 'Allow', Resource: [
        { 'Fn::Join': ['', ['arn:aws:cloudwatch:us-east-1:123456789012:alarm:', { Ref: expect.stringMatching(/^ChurnErrorRateAlarm/) }]] },
        { 'Fn::Join': ['', ['arn:aws:cloudwatch:us-east-1:123456789012:alarm:', { Ref: expect.stringMatching(/^ChurnLatencyAlarm/) }]] },
      ] },
      { Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'], Effect: 'Allow',
        Resource: 'arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/churn:*' },
    ]);
  });

  test('takes its ARN from the model resource, not rebuilt from its name', () => {
    expect(Stack.of(f.champion).resolve(f.champion.modelArn)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Champion/), 'ModelArn'] });
  });

  test('is defined only after its role and the role\'s policy', () => {
    const models = template.findResources('AWS::SageMaker::Model');
    const champion = Object.entries<any>(models).find(([id]) => id.startsWith('Champion'))![1];
    expect(champion.DependsOn).toEqual([expect.stringMatching(/^ChampionRoleDefaultPolicy/), expect.stringMatching(/^ChampionRole[0-9A-F]{8}$/)]);
  });

  test('a model no endpoint serves gets no log permissions', () => {
    expect(JSON.stringify(policyOf(template, 'ChallengerRole'))).not.toMatch(/logs:/);
  });
});

describe('ServingModel from a registry package', () => {
  test('warns, naming the prop, when no image repository is given: the role could pull no private image the package names', () => {
    const f = servingFixture();
    new ServingModel(f.stack, 'Packaged', { modelPackage: { registry: new FakeRegistry(f.stack, 'Registry'), version: 1 } });
    Annotations.fromStack(f.stack).hasWarning('/Serve/Packaged', Match.stringLikeRegexp(
      '^modelPackage.imageRepository is not given, so the model\'s role may pull no image from ECR: SageMaker pulls the image the package\'s '
      + 'container names with this role, and CreateModel fails unless'));
    expect(JSON.stringify(policyOf(Template.fromStack(f.stack), 'PackagedRole'))).not.toMatch(/ecr:/);
  });

  test('does not warn when the image repository is given', () => {
    const f = servingFixture();
    const repo = ecr.Repository.fromRepositoryName(f.stack, 'PackageRepo', 'churn-package');
    new ServingModel(f.stack, 'Packaged', { modelPackage: { registry: new FakeRegistry(f.stack, 'Registry'), version: 1, imageRepository: repo } });
    Annotations.fromStack(f.stack).hasNoWarning('/Serve/Packaged', Match.anyValue());
  });

  test('serves the package version and may describe that package only, and read its artifacts prefix', () => {
    const f = servingFixture();
    const registry = new FakeRegistry(f.stack, 'Registry');
    const repo = ecr.Repository.fromRepositoryName(f.stack, 'PackageRepo', 'churn-package');
    new ServingModel(f.stack, 'Packaged', {
      modelPackage: { registry, version: 7, artifactsZone: f.lake.zone('models'), artifactsPrefix: 'churn/', imageRepository: repo },
    });
    const template = Template.fromStack(f.stack);
    template.hasResourceProperties('AWS::SageMaker::Model', {
      PrimaryContainer: { ModelPackageName: 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/7' },
    });
    const statements = policyOf(template, 'PackagedRole');
    expect(statements).toEqual(expect.arrayContaining([
      { Action: 'sagemaker:DescribeModelPackage', Effect: 'Allow', Resource: 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/7' },
      { Action: 's3:GetObject', Effect: 'Allow', Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^Lakemodels/), 'Arn'] }, '/churn/*']] } },
      { Action: 's3:ListBucket', Condition: { StringLike: { 's3:prefix': ['churn/*'] } }, Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^Lakemodels/), 'Arn'] } },
      { Action: 'kms:Decrypt', Effect: 'Allow', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^LakeKey/), 'Arn'] }, Condition: {
        StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' },
        StringLike: { 'kms:EncryptionContext:aws:s3:arn': [
          { 'Fn::GetAtt': [expect.stringMatching(/^Lakemodels/), 'Arn'] },
          { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^Lakemodels/), 'Arn'] }, '/churn/*']] },
        ] },
      } },
    ]));
    expect(JSON.stringify(statements)).toMatch(/repository\/churn-package/);
  });
});

describe('ServingModel options', () => {
  test('attaches the containers to a VPC with a security group and the network-interface permissions', () => {
    const f = servingFixture();
    const vpc = new ec2.Vpc(f.stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
    const model = new ServingModel(f.stack, 'InVpc', {
      image: ContainerImage.fromEcrRepository(f.repo),
      modelData: ServingModelData.fromLakeZone(f.lake.zone('models'), 'm.tar.gz'),
      vpc,
      networkIsolation: false,
    });
    const template = Template.fromStack(f.stack);
    template.hasResourceProperties('AWS::SageMaker::Model', {
      EnableNetworkIsolation: false,
      VpcConfig: { SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^InVpcSecurityGroup'), 'GroupId'] }], Subnets: Match.arrayWith([{ Ref: Match.anyValue() }]) },
    });
    expect(JSON.stringify(policyOf(template, 'InVpcRole'))).toMatch(/ec2:CreateNetworkInterface/);
    expect(model.connections.securityGroups).toHaveLength(1);
    expect(model.vpcAttached).toBe(true);
  });

  test('without a VPC, connections are refused with a clear message', () => {
    const f = servingFixture();
    expect(() => f.champion.connections).toThrow(/ServingModel Serve\/Champion: connections need a model in a VPC/);
  });

  test('accepts the alpha ModelData, whose grant is the bucket-wide read the alpha module makes', () => {
    const f = servingFixture();
    new ServingModel(f.stack, 'Alpha', {
      image: ContainerImage.fromEcrRepository(f.repo),
      modelData: ModelData.fromBucket(f.lake.zone('models').bucket, 'churn/v3/model.tar.gz'),
      environment: { SAGEMAKER_PROGRAM: 'inference.py' },
    });
    const template = Template.fromStack(f.stack);
    template.hasResourceProperties('AWS::SageMaker::Model', {
      PrimaryContainer: Match.objectLike({ Environment: { SAGEMAKER_PROGRAM: 'inference.py' } }),
    });
    expect(JSON.stringify(policyOf(template, 'AlphaRole'))).toMatch(/s3:GetObject\*/);
  });
});

describe('ServingModel in a VPC', () => {
  const inVpc = (subnetConfiguration: ec2.SubnetConfiguration[]) => {
    const f = servingFixture();
    const vpc = new ec2.Vpc(f.stack, 'Vpc', { maxAzs: 2, natGateways: subnetConfiguration.some((c) => c.subnetType === ec2.SubnetType.PRIVATE_WITH_EGRESS) ? 1 : 0, subnetConfiguration });
    new ServingModel(f.stack, 'InVpc', {
      image: ContainerImage.fromEcrRepository(f.repo), modelData: ServingModelData.fromLakeZone(f.lake.zone('models'), 'm.tar.gz'), vpc, networkIsolation: false,
    });
    const template = Template.fromStack(f.stack);
    const model = Object.values<any>(template.findResources('AWS::SageMaker::Model'))
      .find((m) => m.Properties.VpcConfig !== undefined).Properties;
    const subnetPaths = model.VpcConfig.Subnets.map((s: any) => template.toJSON().Resources[s.Ref].Metadata?.['aws:cdk:path'] ?? s.Ref);
    return subnetPaths as string[];
  };

  test('uses the isolated subnets of a VPC that has only isolated subnets', () => {
    const subnets = inVpc([{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }]);
    expect(subnets).toHaveLength(2);
    expect(subnets.every((s) => /^VpcIsolatedSubnet[12]Subnet/.test(s))).toBe(true);
  });

  test('prefers private subnets with egress over isolated ones', () => {
    const subnets = inVpc([
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      { name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ]);
    expect(subnets).toHaveLength(2);
    expect(subnets.every((s) => /^VpcPrivateSubnet[12]Subnet/.test(s))).toBe(true);
  });

  test('fails, naming vpcSubnets, when the VPC has only public subnets', () => {
    expect(() => inVpc([{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }])).toThrow('ServingModel Serve/InVpc: vpcSubnets must be given when the VPC '
      + 'has neither private subnets with egress nor isolated subnets (the VPC Serve/Vpc has none): pass the subnets for the containers, e.g. '
      + '{ subnets: [...] }, got undefined');
  });
});
