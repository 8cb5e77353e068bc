import { Stack, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { DataLake, IDataLake } from '../../lib';
import { TEST_ENV, testApp } from '../util';

const KEY_ARN = 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555';
const VIA_S3 = { 'kms:ViaService': 's3.us-east-1.amazonaws.com' };

/** An imported lake: every ARN in its grants is a literal, so whole policies can be compared and evaluated. */
function importedLake(): { stack: Stack; lake: IDataLake; role: iam.Role } {
  const stack = new Stack(testApp(), 'Other', { env: TEST_ENV });
  const key = kms.Key.fromKeyArn(stack, 'Key', KEY_ARN);
  const lake = DataLake.fromAttributes(stack, 'Lake', { zoneBucketNames: { raw: 'acme-raw', models: 'acme-models' }, encryptionKey: key });
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
  return { stack, lake, role };
}

function statements(stack: Stack): any[] {
  const policies = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'));
  expect(policies).toHaveLength(1);
  return (policies[0] as any).Properties.PolicyDocument.Statement;
}

function kmsThroughS3(bucket: string, pattern: string) {
  return { StringEquals: VIA_S3, StringLike: { 'kms:EncryptionContext:aws:s3:arn': [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/${pattern}`] } };
}

describe('Lake zone grants', () => {
  test('a read grant lists only under its prefix, reads only its objects and decrypts only through S3 for the zone', () => {
    const { stack, lake, role } = importedLake();
    lake.zone('raw').grantRead(role, 'datasets/churn/');
    expect(statements(stack)).toEqual([
      { Action: 's3:GetObject', Effect: 'Allow', Resource: 'arn:aws:s3:::acme-raw/datasets/churn/*' },
      { Action: 's3:ListBucket', Condition: { StringLike: { 's3:prefix': ['datasets/churn/*'] } }, Effect: 'Allow', Resource: 'arn:aws:s3:::acme-raw' },
      { Action: 'kms:Decrypt', Condition: kmsThroughS3('acme-raw', 'datasets/churn/*'), Effect: 'Allow', Resource: KEY_ARN },
    ]);
  });

  test('a prefix without a trailing slash is the folder of that name, not every key that starts with it', () => {
    const { stack, lake, role } = importedLake();
    lake.zone('raw').grantRead(role, 'datasets/churn');
    const s = statements(stack);
    expect(s[0].Resource).toBe('arn:aws:s3:::acme-raw/datasets/churn/*');
    expect(s[1].Condition).toEqual({ StringLike: { 's3:prefix': ['datasets/churn/*'] } });
    expect(lake.zone('raw').normalizePrefix('datasets/churn')).toBe('datasets/churn/');
    expect(lake.zone('raw').normalizePrefix('datasets/churn/')).toBe('datasets/churn/');
    expect(lake.zone('raw').normalizePrefix('')).toBe('');
    expect(lake.zone('raw').normalizePrefix()).toBe('');
    expect(stack.resolve(lake.zone('raw').s3Uri('datasets/churn'))).toBe('s3://acme-raw/datasets/churn/');
  });

  test('a write grant puts, deletes the current version and aborts uploads, and encrypts only through S3', () => {
    const { stack, lake, role } = importedLake();
    lake.zone('models').grantWrite(role, 'churn/');
    expect(statements(stack)).toEqual([
      { Action: ['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:PutObject'], Effect: 'Allow', Resource: 'arn:aws:s3:::acme-models/churn/*' },
      { Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Condition: kmsThroughS3('acme-models', 'churn/*'), Effect: 'Allow', Resource: KEY_ARN },
    ]);
  });

  test('a write grant without deletes only puts and aborts uploads', () => {
    const { stack, lake, role } = importedLake();
    lake.zone('models').grantWrite(role, 'churn/', { allowDelete: false });
    expect(statements(stack)[0]).toEqual({ Action: ['s3:AbortMultipartUpload', 's3:PutObject'], Effect: 'Allow', Resource: 'arn:aws:s3:::acme-models/churn/*' });
  });

  test('version deletion, retention and legal holds are granted only on explicit opt-in', () => {
    const { stack, lake, role } = importedLake();
    lake.zone('models').grantWrite(role, 'churn/', { allowVersionDeletion: true, allowRetention: true, allowLegalHold: true });
    expect(statements(stack)[0]).toEqual({
      Action: ['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutObject', 's3:PutObjectLegalHold', 's3:PutObjectRetention'],
      Effect: 'Allow',
      Resource: 'arn:aws:s3:::acme-models/churn/*',
    });
  });

  test('a read-write grant is the union of both, with one KMS statement', () => {
    const { stack, lake, role } = importedLake();
    lake.zone('models').grantReadWrite(role, 'churn/');
    expect(statements(stack)).toEqual([
      { Action: ['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:GetObject', 's3:PutObject'], Effect: 'Allow', Resource: 'arn:aws:s3:::acme-models/churn/*' },
      { Action: 's3:ListBucket', Condition: { StringLike: { 's3:prefix': ['churn/*'] } }, Effect: 'Allow', Resource: 'arn:aws:s3:::acme-models' },
      { Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Condition: kmsThroughS3('acme-models', 'churn/*'), Effect: 'Allow', Resource: KEY_ARN },
    ]);
  });

  test('a grant on the whole zone lists the whole bucket and nothing else', () => {
    const { stack, lake, role } = importedLake();
    lake.zone('raw').grantRead(role);
    expect(statements(stack)).toEqual([
      { Action: 's3:GetObject', Effect: 'Allow', Resource: 'arn:aws:s3:::acme-raw/*' },
      { Action: 's3:ListBucket', Effect: 'Allow', Resource: 'arn:aws:s3:::acme-raw' },
      { Action: 'kms:Decrypt', Condition: kmsThroughS3('acme-raw', '*'), Effect: 'Allow', Resource: KEY_ARN },
    ]);
  });

  test('object grants cover exactly one key and never list', () => {
    const { stack, lake, role } = importedLake();
    lake.zone('models').grantObjectRead(role, 'churn/v3/model.tar.gz');
    lake.zone('raw').grantObjectWrite(role, 'baselines/churn.profile.json');
    expect(statements(stack)).toEqual([
      { Action: 's3:GetObject', Effect: 'Allow', Resource: 'arn:aws:s3:::acme-models/churn/v3/model.tar.gz' },
      { Action: 'kms:Decrypt', Condition: kmsThroughS3('acme-models', 'churn/v3/model.tar.gz'), Effect: 'Allow', Resource: KEY_ARN },
      { Action: ['s3:AbortMultipartUpload', 's3:PutObject'], Effect: 'Allow', Resource: 'arn:aws:s3:::acme-raw/baselines/churn.profile.json' },
      { Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Condition: kmsThroughS3('acme-raw', 'baselines/churn.profile.json'), Effect: 'Allow', Resource: KEY_ARN },
    ]);
  });

  test('a zone without a customer-managed key grants no KMS action', () => {
    const stack = new Stack(testApp(), 'Other', { env: TEST_ENV });
    const lake = DataLake.fromAttributes(stack, 'Lake', { zoneBucketNames: { raw: 'acme-raw' } });
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    lake.zone('raw').grantReadWrite(role, 'x/');
    expect(statements(stack).flatMap((s) => [s.Action].flat()).filter((a: string) => a.startsWith('kms:'))).toEqual([]);
  });

  test('grants on a lake defined in the app use its bucket and key, through S3 of the stack region', () => {
    const stack = new Stack(testApp(), 'Data', { env: TEST_ENV });
    const lake = new DataLake(stack, 'Lake');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    lake.zone('raw').grantRead(role, 'datasets/');
    const bucketArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^Lakeraw'), 'Arn'] };
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          { Action: 's3:GetObject', Effect: 'Allow', Resource: { 'Fn::Join': ['', [bucketArn, '/datasets/*']] } },
          { Action: 's3:ListBucket', Condition: { StringLike: { 's3:prefix': ['datasets/*'] } }, Effect: 'Allow', Resource: bucketArn },
          {
            Action: 'kms:Decrypt',
            Condition: {
              StringEquals: VIA_S3,
              StringLike: { 'kms:EncryptionContext:aws:s3:arn': [bucketArn, { 'Fn::Join': ['', [bucketArn, '/datasets/*']] }] },
            },
            Effect: 'Allow',
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LakeKey'), 'Arn'] },
          },
        ],
      },
    });
  });

  test('a prefix that is a token is passed as given', () => {
    const { stack, lake, role } = importedLake();
    const prefix = Token.asString({ Ref: 'Prefix' });
    lake.zone('raw').grantRead(role, prefix);
    expect(statements(stack)[0].Resource).toEqual({ 'Fn::Join': ['', ['arn:aws:s3:::acme-raw/', { Ref: 'Prefix' }, '*']] });
  });
});

describe('Lake zone grants bad input', () => {
  test.each([
    ['/datasets/', 'a leading slash'],
    ['datasets//churn/', 'an empty segment'],
    ['datasets/*', 'a wildcard'],
    ['data?/', 'a single-character wildcard'],
  ])('fails when a prefix has %s (%s), naming the zone, the property, the value and what is allowed', (prefix) => {
    const { lake, role } = importedLake();
    expect(() => lake.zone('raw').grantRead(role, prefix)).toThrow(
      'LakeZone \'raw\' Other/Lake/raw: prefix must be a key prefix such as \'datasets/churn/\': no leading \'/\', no empty segment (\'//\'), '
      + `no '*' or '?', got '${prefix}'`);
    expect(() => lake.zone('raw').grantWrite(role, prefix)).toThrow(/prefix must be/);
    expect(() => lake.zone('raw').s3Uri(prefix)).toThrow(/prefix must be/);
  });

  test.each(['', '/model.tar.gz', 'churn/', 'churn/*'])('fails when an object key is %p', (key) => {
    const { lake, role } = importedLake();
    expect(() => lake.zone('models').grantObjectRead(role, key)).toThrow(
      'LakeZone \'models\' Other/Lake/models: key must be an S3 object key such as \'churn/v3/model.tar.gz\': not empty, no leading or trailing \'/\', '
      + `no '*' or '?', got '${key}'`);
  });

  test('fails when a JavaScript user passes a prefix that is not a string', () => {
    const { lake, role } = importedLake();
    expect(() => lake.zone('raw').grantRead(role, 42 as any)).toThrow(/prefix must be a key prefix .*, got 42/);
  });
});

/*
 * What a prefix grant allows and must not, evaluated by an IAM engine on the synthesized policy (every ARN is a literal
 * in an imported lake). Requests as S3 makes them: https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html
 * (s3:prefix is the request's Prefix), and KMS calls as S3 makes them for SSE-KMS objects.
 *
 * iam-simulate 0.1.173 ignores `kms:EncryptionContext:<key>` when the key has ':' in it (it resolves only variable condition keys
 * with '/', such as aws:RequestTag/x), so a KMS request with the `aws:s3:arn` context is always denied there: the KMS cases below
 * are the denials the engine decides on `kms:ViaService`; the encryption-context values are pinned by the whole-policy tests above.
 */
describe('Lake zone grants at run time', () => {
  const { stack, lake, role } = importedLake();
  lake.zone('raw').grantReadWrite(role, 'datasets/churn');
  const policy = { Version: '2012-10-17', Statement: statements(stack) };

  // The key policy delegates to IAM policies of the account (the default key policy, as the lake's key has).
  const keyPolicy = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'kms:*', Resource: '*' }],
  };

  async function decide(action: string, resource: string, context: Record<string, string | string[]> = {}): Promise<string> {
    const result = await runSimulation({
      identityPolicies: [{ name: 'grant', policy }],
      resourcePolicy: action.startsWith('kms:') ? keyPolicy : undefined,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      request: {
        principal: 'arn:aws:iam::123456789012:role/reader',
        action,
        resource: { resource, accountId: '123456789012' },
        contextVariables: context,
      },
    }, {});
    if (result.resultType === 'error') {
      throw new Error(JSON.stringify(result.errors));
    }
    return result.overallResult;
  }

  const viaS3 = { 'kms:ViaService': 's3.us-east-1.amazonaws.com' };
  test.each([
    ['reads an object under the prefix', 's3:GetObject', 'arn:aws:s3:::acme-raw/datasets/churn/part-0.csv', {}],
    ['lists under the prefix', 's3:ListBucket', 'arn:aws:s3:::acme-raw', { 's3:prefix': 'datasets/churn/' }],
    ['lists a folder under the prefix', 's3:ListBucket', 'arn:aws:s3:::acme-raw', { 's3:prefix': 'datasets/churn/2026/' }],
    ['writes an object under the prefix', 's3:PutObject', 'arn:aws:s3:::acme-raw/datasets/churn/part-1.csv', {}],
    ['deletes the current version under the prefix', 's3:DeleteObject', 'arn:aws:s3:::acme-raw/datasets/churn/part-1.csv', {}],
    ['aborts a multipart upload under the prefix', 's3:AbortMultipartUpload', 'arn:aws:s3:::acme-raw/datasets/churn/big.parquet', {}],
  ])('allows: %s', async (_, action, resource, context) => {
    expect(await decide(action, resource, context)).toBe('Allowed');
  });

  test.each([
    ['reading a sibling folder that shares the name', 's3:GetObject', 'arn:aws:s3:::acme-raw/datasets/churn-pii/a.csv', {}],
    ['reading another prefix', 's3:GetObject', 'arn:aws:s3:::acme-raw/pii/a.csv', {}],
    ['listing another prefix', 's3:ListBucket', 'arn:aws:s3:::acme-raw', { 's3:prefix': 'pii/' }],
    ['listing the sibling folder', 's3:ListBucket', 'arn:aws:s3:::acme-raw', { 's3:prefix': 'datasets/churn-pii/' }],
    ['listing the whole bucket', 's3:ListBucket', 'arn:aws:s3:::acme-raw', {}],
    ['listing versions', 's3:ListBucketVersions', 'arn:aws:s3:::acme-raw', { 's3:prefix': 'datasets/churn/' }],
    ['reading the bucket policy', 's3:GetBucketPolicy', 'arn:aws:s3:::acme-raw', {}],
    ['deleting a version', 's3:DeleteObjectVersion', 'arn:aws:s3:::acme-raw/datasets/churn/part-1.csv', {}],
    ['setting retention', 's3:PutObjectRetention', 'arn:aws:s3:::acme-raw/datasets/churn/part-1.csv', {}],
    ['setting a legal hold', 's3:PutObjectLegalHold', 'arn:aws:s3:::acme-raw/datasets/churn/part-1.csv', {}],
    ['reading another version', 's3:GetObjectVersion', 'arn:aws:s3:::acme-raw/datasets/churn/part-1.csv', {}],
    ['decrypting directly with the key', 'kms:Decrypt', KEY_ARN, {}],
    ['decrypting through another service', 'kms:Decrypt', KEY_ARN, { ...viaS3, 'kms:ViaService': 'sns.us-east-1.amazonaws.com' }],
    ['decrypting through S3 in another region', 'kms:Decrypt', KEY_ARN, { ...viaS3, 'kms:ViaService': 's3.eu-west-1.amazonaws.com' }],
    ['encrypting directly', 'kms:Encrypt', KEY_ARN, viaS3],
    ['re-encrypting', 'kms:ReEncryptFrom', KEY_ARN, viaS3],
  ])('denies: %s', async (_, action, resource, context) => {
    expect(await decide(action, resource, context)).not.toBe('Allowed');
  });
});
