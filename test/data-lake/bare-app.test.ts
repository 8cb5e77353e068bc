import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { DataLake } from '../../lib';
import { TEST_ENV, testApp } from '../util';

// #12 item 6 (first half): a lake in an app without this project's feature flags (cdk.json). Without
// @aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy, CDK grants S3 log delivery with the LogDeliveryWrite ACL, which a bucket
// that enforces bucket-owner ownership (ACLs off, as the lake's) refuses: synth threw "objectOwnership must be set to
// ObjectWriter". The lake sets that flag for its own subtree, so log delivery is by bucket policy, as AWS recommends
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html#grant-log-delivery-permissions-general).

const accessLogs = (template: Template) => Object.values<any>(template.findResources('AWS::S3::Bucket'))
  .find((b) => b.Properties.BucketEncryption?.ServerSideEncryptionConfiguration?.[0]?.ServerSideEncryptionByDefault?.SSEAlgorithm === 'AES256');

describe('A DataLake in an app without feature flags (#12 item 6)', () => {
  test('synthesizes in a bare new App(), env-agnostic, and delivers access logs by bucket policy, not an ACL', () => {
    const app = new App();
    const stack = new Stack(app, 'Data');
    new DataLake(stack, 'Lake');
    const template = Template.fromStack(stack);
    const logs = accessLogs(template);
    expect(logs.Properties.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    expect(logs.Properties.AccessControl).toBeUndefined();
    const statements = Object.values<any>(template.findResources('AWS::S3::BucketPolicy')).flatMap((p) => p.Properties.PolicyDocument.Statement);
    const delivery = statements.filter((st) => st.Principal?.Service === 'logging.s3.amazonaws.com');
    // One statement per zone that logs into the access-log bucket (five default zones).
    expect(delivery).toHaveLength(5);
    expect(delivery.every((st) => st.Action === 's3:PutObject' && st.Effect === 'Allow')).toBe(true);
  });

  test('defines the same access-log bucket and bucket policies with and without the project\'s feature flags', () => {
    const synth = (app: App) => {
      const stack = new Stack(app, 'Data', { env: TEST_ENV });
      new DataLake(stack, 'Lake');
      const t = Template.fromStack(stack);
      return { logs: accessLogs(t), policies: t.findResources('AWS::S3::BucketPolicy') };
    };
    expect(synth(new App({ builtinCloudFormationValidation: false }))).toEqual(synth(testApp()));
  });

  // The README's "Testing your own stacks" snippet, as written there.
  test('the data stack matches its snapshot', () => {
    // The built-in validator costs about 2 s per process; turn it off in unit tests.
    const app = new App({ builtinCloudFormationValidation: false });
    const stack = new Stack(app, 'Data', { env: { account: '123456789012', region: 'us-east-1' } });
    new DataLake(stack, 'Lake');
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::S3::Bucket', { VersioningConfiguration: { Status: 'Enabled' } });
    expect(template.toJSON()).toMatchSnapshot();
  });
});
