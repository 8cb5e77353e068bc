import { CfnResolver, UnresolvableError } from './harness/cfn';
import { evaluateCall, wildcardGrants } from './harness/iam';
import { IamModel, resourcePolicyKey } from './harness/iam-model';

// The harness itself: intrinsics resolve as CloudFormation resolves them, and the IAM engine is given identity and resource
// policies so that it decides as AWS does. Each case is small, with its expected outcome from the AWS documentation.

const role = (extra: any = {}) => ({
  Type: 'AWS::IAM::Role',
  Properties: { AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] }, ...extra },
});
const policy = (statements: any[]) => ({
  Type: 'AWS::IAM::Policy',
  Properties: { PolicyName: 'P', Roles: [{ Ref: 'Fn' }], PolicyDocument: { Version: '2012-10-17', Statement: statements } },
});

describe('the intrinsic resolver', () => {
  const producer = {
    stackName: 'Producer',
    template: {
      Resources: { Bucket: { Type: 'AWS::S3::Bucket', Properties: {} }, Key: { Type: 'AWS::KMS::Key', Properties: {} } },
      Outputs: {
        BucketArn: { Value: { 'Fn::GetAtt': ['Bucket', 'Arn'] }, Export: { Name: { 'Fn::Sub': '${AWS::StackName}:BucketArn' } } },
        KeyArn: { Value: { 'Fn::GetAtt': ['Key', 'Arn'] } },
      },
    },
  };
  const consumer = {
    stackName: 'Consumer',
    template: {
      Parameters: { Env: { Type: 'String', Default: 'prod' } },
      Conditions: { IsProd: { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] } },
      Resources: { Repo: { Type: 'AWS::ECR::Repository', Properties: { RepositoryName: 'team/trainer' } } },
    },
  };
  const r = new CfnResolver([producer, consumer]);

  test('pseudo parameters resolve to the fixed account, region and partition', () => {
    expect(r.resolve('Consumer', { 'Fn::Join': [':', [{ Ref: 'AWS::Partition' }, { Ref: 'AWS::Region' }, { Ref: 'AWS::AccountId' }, { Ref: 'AWS::URLSuffix' }]] }))
      .toBe('aws:us-east-1:123456789012:amazonaws.com');
  });

  test('Fn::ImportValue and Fn::GetStackOutput read the producing stack\'s outputs', () => {
    expect(r.resolve('Consumer', { 'Fn::ImportValue': 'Producer:BucketArn' })).toBe('arn:aws:s3:::producer-bucket');
    expect(r.resolve('Consumer', { 'Fn::GetStackOutput': { StackName: 'Producer', Region: { Ref: 'AWS::Region' }, OutputName: 'KeyArn' } }))
      .toMatch(/^arn:aws:kms:us-east-1:123456789012:key\/[0-9a-f-]{36}$/);
  });

  test('Fn::Select over Fn::Split takes the part CloudFormation takes (the ECR image URI idiom)', () => {
    const arn = { 'Fn::GetAtt': ['Repo', 'Arn'] };
    expect(r.resolve('Consumer', {
      'Fn::Join': ['', [{ 'Fn::Select': [4, { 'Fn::Split': [':', arn] }] }, '.dkr.ecr.', { 'Fn::Select': [3, { 'Fn::Split': [':', arn] }] }, '.', { Ref: 'AWS::URLSuffix' }, '/', { Ref: 'Repo' }]],
    })).toBe('123456789012.dkr.ecr.us-east-1.amazonaws.com/team/trainer');
  });

  test('Fn::Sub substitutes references, attributes, pseudo parameters and its own variables, and keeps ${! literals', () => {
    expect(r.resolve('Consumer', { 'Fn::Sub': ['${Repo}/${Repo.Arn}/${AWS::Region}/${X}/${!Literal}', { X: 'x' }] }))
      .toBe('team/trainer/arn:aws:ecr:us-east-1:123456789012:repository/team/trainer/us-east-1/x/${Literal}');
  });

  test('Fn::If follows the condition, and AWS::NoValue removes the property', () => {
    expect(r.resolve('Consumer', { A: { 'Fn::If': ['IsProd', 'yes', 'no'] }, B: { 'Fn::If': ['IsProd', { Ref: 'AWS::NoValue' }, 1] } })).toEqual({ A: 'yes' });
  });

  test('fails on what it cannot resolve, rather than comparing against a placeholder', () => {
    expect(() => r.resolve('Consumer', { 'Fn::ImportValue': 'Nobody:Exports' })).toThrow(UnresolvableError);
    expect(() => r.resolve('Consumer', { 'Fn::GetAtt': ['Repo', 'NoSuchAttribute'] })).toThrow(/not modelled/);
  });
});

describe('the IAM engine, given identity and resource policies', () => {
  const keyPolicy = (statements: any[]) => ({ Type: 'AWS::KMS::Key', Properties: { KeyPolicy: { Version: '2012-10-17', Statement: statements } } });
  const rootAdmin = { Effect: 'Allow', Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] } }, Action: 'kms:*', Resource: '*' };
  const model = (resources: any) => new IamModel(new CfnResolver([{ stackName: 'S', template: { Resources: resources } }]));
  const keyArn = (m: IamModel) => m.resolver.resolveString('S', { 'Fn::GetAtt': ['Key', 'Arn'] });
  const fn = { role: { path: /^$/ } }; // unit-test templates have no construct paths: the one role has path ''

  test('a key policy that delegates to the account lets the identity policy decide', async () => {
    const m = model({ Fn: role(), Key: keyPolicy([rootAdmin]), P: policy([{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: { 'Fn::GetAtt': ['Key', 'Arn'] } }]) });
    expect((await evaluateCall(m, fn, { action: 'kms:Decrypt', resource: keyArn(m), expect: 'allowed', source: 'https://x' })).decision).toBe('allowed');
    expect((await evaluateCall(m, fn, { action: 'kms:Encrypt', resource: keyArn(m), expect: 'denied', source: 'https://x' })).decision).toBe('denied');
  });

  // https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-encryption-context
  test('a key grant conditioned on S3 and the bucket\'s encryption context allows exactly that bucket through S3', async () => {
    const m = model({
      Fn: role(),
      Key: keyPolicy([rootAdmin]),
      P: policy([{
        Effect: 'Allow', Action: 'kms:Decrypt', Resource: { 'Fn::GetAtt': ['Key', 'Arn'] },
        Condition: {
          StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' },
          StringLike: { 'kms:EncryptionContext:aws:s3:arn': ['arn:aws:s3:::b', 'arn:aws:s3:::b/data/*'] },
        },
      }]),
    });
    const call = (context: Record<string, string>) => evaluateCall(m, fn, { action: 'kms:Decrypt', resource: keyArn(m), context, expect: 'allowed', source: 'https://x' });
    const via = { 'kms:ViaService': 's3.us-east-1.amazonaws.com' };
    expect((await call({ ...via, 'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::b' })).decision).toBe('allowed');
    expect((await call({ ...via, 'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::b/data/x.csv' })).decision).toBe('allowed');
    expect((await call({ ...via, 'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::b/other/x.csv' })).decision).toBe('denied');
    expect((await call({ ...via, 'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::c' })).decision).toBe('denied');
    expect((await call(via)).decision).toBe('denied');
    expect((await call({ 'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::b' })).decision).toBe('denied');
  });

  // https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam
  test('a key policy that does not delegate to the account denies, whatever the identity policy says', async () => {
    const m = model({ Fn: role(), Key: keyPolicy([{ ...rootAdmin, Action: 'kms:DescribeKey' }]), P: policy([{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }]) });
    expect((await evaluateCall(m, fn, { action: 'kms:Decrypt', resource: keyArn(m), expect: 'denied', source: 'https://x' })).decision).toBe('denied');
  });

  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html#policy-eval-denyallow
  test('an explicit deny in a bucket policy wins over the identity policy\'s allow', async () => {
    const m = model({
      Fn: role(),
      Bucket: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'b' } },
      BP: {
        Type: 'AWS::S3::BucketPolicy',
        Properties: { Bucket: { Ref: 'Bucket' }, PolicyDocument: { Statement: [{ Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/secret/*' }] } },
      },
      P: policy([{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }]),
    });
    expect((await evaluateCall(m, fn, { action: 's3:GetObject', resource: 'arn:aws:s3:::b/public/x', expect: 'allowed', source: 'https://x' })).decision).toBe('allowed');
    expect((await evaluateCall(m, fn, { action: 's3:GetObject', resource: 'arn:aws:s3:::b/secret/x', expect: 'denied', source: 'https://x' })).decision).toBe('denied');
  });

  // Same account: a resource policy naming the role is enough (the evaluation logic's "resource-based policies" step).
  test('a topic policy that names the role allows it in the same account without an identity policy', async () => {
    const m = model({
      Fn: role({ RoleName: 'publisher' }),
      Topic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 't' } },
      TP: {
        Type: 'AWS::SNS::TopicPolicy',
        Properties: { Topics: [{ Ref: 'Topic' }], PolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { AWS: { 'Fn::GetAtt': ['Fn', 'Arn'] } }, Action: 'sns:Publish', Resource: { Ref: 'Topic' } }] } },
      },
    });
    expect((await evaluateCall(m, fn, { action: 'sns:Publish', resource: 'arn:aws:sns:us-east-1:123456789012:t', expect: 'allowed', source: 'https://x' })).decision).toBe('allowed');
  });

  test('a service principal is decided by the trust policy of the role it assumes', async () => {
    const m = model({ Fn: role({ RoleName: 'fn' }) });
    const arn = 'arn:aws:iam::123456789012:role/fn';
    expect((await evaluateCall(m, { service: 'lambda.amazonaws.com' }, { action: 'sts:AssumeRole', resource: arn, expect: 'allowed', source: 'https://x' })).decision).toBe('allowed');
    expect((await evaluateCall(m, { service: 'ec2.amazonaws.com' }, { action: 'sts:AssumeRole', resource: arn, expect: 'denied', source: 'https://x' })).decision).toBe('denied');
  });

  test('rejects a call the engine does not know, rather than denying it', async () => {
    const m = model({ Fn: role() });
    await expect(evaluateCall(m, fn, { action: 'sagemaker:NoSuchAction', resource: '*', expect: 'denied', source: 'https://x' })).rejects.toThrow(/rejected|does not exist/);
  });

  test('refuses a row on * for an action that needs a resource: AWS only ever evaluates a concrete one', async () => {
    const m = model({ Fn: role(), P: policy([{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/allowed/*' }]) });
    await expect(evaluateCall(m, fn, { action: 's3:GetObject', resource: '*', expect: 'denied', source: 'https://x' })).rejects.toThrow(/name a concrete resource/);
  });

  test('finds grants of resource-level actions on *, but not of actions without resources', async () => {
    const m = model({
      Fn: role(),
      P: policy([{ Effect: 'Allow', Action: ['s3:GetObject', 'ecr:GetAuthorizationToken', 'cloudwatch:PutMetricData'], Resource: '*' }]),
    });
    expect(await wildcardGrants(m.roles[0])).toEqual(['s3:GetObject on * (P)']);
  });

  test('objects, package versions and function versions are governed by their bucket\'s, group\'s and function\'s policy', () => {
    expect(resourcePolicyKey('arn:aws:s3:::b/a/b.csv')).toBe('arn:aws:s3:::b');
    expect(resourcePolicyKey('arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/3')).toBe('arn:aws:sagemaker:us-east-1:123456789012:model-package-group/churn');
    expect(resourcePolicyKey('arn:aws:lambda:us-east-1:123456789012:function:f:7')).toBe('arn:aws:lambda:us-east-1:123456789012:function:f');
  });
});
