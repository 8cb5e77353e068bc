import { CfnResource, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';
import { MIN_REASON_LENGTH, ackShared, checkCompliance, complianceApp } from './harness';
import { acknowledgeAlarmWithoutAction, acknowledgeSharedRule } from '../../lib/private/nag';

// The harness must be able to fail, and each of its checks must be needed: every test below isolates one failure
// path, so that removing that check from harness.ts (or complianceApp's switches) fails exactly that test.

/** A Lambda function the validators accept, but for the Control Tower "in a VPC" rule, which the caller acknowledges or not. */
function lambdaFunction(stack: Stack, runtime = 'nodejs24.x'): CfnResource {
  return new CfnResource(stack, 'Fn', {
    type: 'AWS::Lambda::Function',
    properties: { Runtime: runtime, Handler: 'index.handler', Role: 'arn:aws:iam::123456789012:role/x', Code: { ZipFile: 'exports.handler=()=>1' } },
  });
}

/** The message of the error that `f` throws (and a test failure if it throws none). */
function failure(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error, got none');
}

function acknowledgeVpcRule(scope: IConstruct, reason = 'A test function that calls no network resource.'): void {
  Validations.of(scope).acknowledge({ id: 'cdk-validator-cfnguard::lambda_inside_vpc_check', reason });
}

test('fails on a cdk-nag AwsSolutions error', () => {
  const app = complianceApp();
  new s3.Bucket(new Stack(app, 'Nag'), 'Plain');
  expect(() => checkCompliance(app, 'nag', [])).toThrow(/AwsSolutions-S10/);
});

test('fails on a cdk-nag AwsSolutions warning', () => {
  // AwsSolutions-VPC3 ("A Network ACL or Network ACL entry has been implemented") is a warning, not an error.
  const app = complianceApp();
  new ec2.CfnNetworkAcl(new Stack(app, 'NagWarning'), 'Acl', { vpcId: 'vpc-0123456789abcdef0' });
  expect(() => checkCompliance(app, 'nag warning', [])).toThrow(/AwsSolutions-VPC3/);
});

describe('the HIPAA Security and NIST 800-53 R5 packs', () => {
  test('both fail on a Lambda function without reserved concurrency, dead-letter queue or VPC', () => {
    const app = complianceApp();
    const fn = new lambda.CfnFunction(new Stack(app, 'Packs'), 'Fn', {
      runtime: 'nodejs24.x', handler: 'index.handler', role: 'arn:aws:iam::123456789012:role/x', code: { zipFile: 'exports.handler=()=>1' },
    });
    acknowledgeVpcRule(fn);
    const message = failure(() => checkCompliance(app, 'packs', []));
    for (const pack of ['HIPAA.Security', 'NIST.800.53.R5']) {
      for (const rule of ['LambdaConcurrency', 'LambdaDLQ', 'LambdaInsideVPC']) {
        expect(message).toContain(`${pack}-${rule}`);
      }
    }
  });

  test('fails on a HIPAA Security finding that no other check makes (an IAM group without users)', () => {
    const app = complianceApp();
    new iam.CfnGroup(new Stack(app, 'Hipaa'), 'Group');
    expect(() => checkCompliance(app, 'hipaa', [])).toThrow(/HIPAA\.Security-IAMGroupHasUsers/);
  });

  test('fails on a NIST 800-53 R5 finding that HIPAA Security does not make (a KMS key without rotation)', () => {
    const app = complianceApp();
    const key = new kms.CfnKey(new Stack(app, 'Nist'), 'Key', {
      keyPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'kms:*', Resource: '*' }] },
    });
    // AwsSolutions-KMS5 says the same: acknowledged, so that only the NIST pack can fail the test.
    Validations.of(key).acknowledge({ id: 'AwsSolutions::AwsSolutions-KMS5', reason: 'Not under test: the NIST pack must report this alone.' });
    expect(() => checkCompliance(app, 'nist', [])).toThrow(/NIST\.800\.53\.R5-KMSBackingKeyRotationEnabled/);
  });

  test('an acknowledgment of one pack leaves the other pack\'s finding', () => {
    const app = complianceApp();
    const alarm = new cloudwatch.CfnAlarm(new Stack(app, 'OnePack'), 'Alarm', {
      comparisonOperator: 'GreaterThanThreshold', evaluationPeriods: 1, threshold: 1, metricName: 'Errors', namespace: 'Test', period: 60, statistic: 'Sum',
    });
    const reason = 'A test alarm that something else polls; it needs no action.';
    Validations.of(alarm).acknowledge(
      { id: 'cdk-validator-cfnguard::cloudwatch_alarm_action_check', reason },
      { id: 'HIPAA.Security::HIPAA.Security-CloudWatchAlarmAction', reason },
    );
    // An error-level finding: synth itself fails, with the one finding left.
    const message = failure(() => checkCompliance(app, 'one pack', []));
    expect(message).toMatch(/Acknowledge with 'NIST\.800\.53\.R5::NIST\.800\.53\.R5-CloudWatchAlarmAction'/);
    expect(message).not.toMatch(/HIPAA\.Security-CloudWatchAlarmAction|cloudwatch_alarm_action_check/);
  });

  test('the library\'s acknowledgment of an alarm without action covers all three checks, and the harness pins each', () => {
    const app = complianceApp();
    const alarm = new cloudwatch.CfnAlarm(new Stack(app, 'AllPacks'), 'Alarm', {
      comparisonOperator: 'GreaterThanThreshold', evaluationPeriods: 1, threshold: 1, metricName: 'Errors', namespace: 'Test', period: 60, statistic: 'Sum',
    });
    acknowledgeAlarmWithoutAction(alarm, 'A test alarm that something else polls; it needs no action.');
    const result = checkCompliance(app, 'all packs', [
      ...ackShared('CloudWatchAlarmAction', ['AllPacks/Alarm'], ['AllPacks/Alarm']),
      { rule: 'cloudwatch_alarm_action_check', on: ['AllPacks/Alarm'], resources: ['AllPacks/Alarm'] },
    ]);
    expect(result.acknowledgments.map((a) => `${a.plugin} ${a.rule}`).sort()).toEqual([
      'HIPAA.Security HIPAA.Security-CloudWatchAlarmAction',
      'NIST.800.53.R5 NIST.800.53.R5-CloudWatchAlarmAction',
      'cdk-validator-cfnguard cloudwatch_alarm_action_check',
    ]);
  });
});

test('fails on a Control Tower guard finding', () => {
  const app = complianceApp();
  new s3.Bucket(new Stack(app, 'Guard'), 'Plain', { enforceSSL: true });
  expect(() => checkCompliance(app, 'guard', [])).toThrow(/CT\.S3\.PR\.1/);
});

test('strict mode makes synth itself fail on a CloudFormation validator warning', () => {
  // Without '@aws-cdk/core:strictCfnValidateErrors' the built-in validator reports W2531 (deprecated runtime) as a
  // warning and synth succeeds; complianceApp turns the switch on.
  const app = complianceApp();
  acknowledgeVpcRule(lambdaFunction(new Stack(app, 'Cfn'), 'nodejs16.x'));
  expect(() => app.synth()).toThrow(/W2531/);
});

test('fails on a finding that synth lets through, which only the harness\'s own check of the report catches', () => {
  // With strict mode off, the CloudFormation validator's warning is in the report but synth succeeds.
  const app = complianceApp({ context: { '@aws-cdk/core:strictCfnValidateErrors': false } });
  acknowledgeVpcRule(lambdaFunction(new Stack(app, 'Loop'), 'nodejs16.x'));
  expect(() => checkCompliance(app, 'loop', [])).toThrow(/^loop: 1 unacknowledged findings:\n.*W2531/);
});

test(`fails on an acknowledgment whose reason is shorter than ${MIN_REASON_LENGTH} characters`, () => {
  const app = complianceApp();
  acknowledgeVpcRule(lambdaFunction(new Stack(app, 'Short')), 'x'.repeat(MIN_REASON_LENGTH - 1));
  expect(() => checkCompliance(app, 'short', [{ rule: 'lambda_inside_vpc_check', on: ['Short/Fn'], resources: ['Short/Fn'] }]))
    .toThrow(/^short: acknowledgments without a reason a reviewer would accept: lambda_inside_vpc_check$/);
});

test(`accepts an acknowledgment whose reason is exactly ${MIN_REASON_LENGTH} characters`, () => {
  expect(MIN_REASON_LENGTH).toBe(20);
  const app = complianceApp();
  acknowledgeVpcRule(lambdaFunction(new Stack(app, 'Enough')), 'x'.repeat(MIN_REASON_LENGTH));
  expect(checkCompliance(app, 'enough', [{ rule: 'lambda_inside_vpc_check', on: ['Enough/Fn'], resources: ['Enough/Fn'] }]).acknowledgments).toHaveLength(1);
});

test('counts acknowledged findings and lists their reasons', () => {
  const app = complianceApp();
  acknowledgeVpcRule(lambdaFunction(new Stack(app, 'Ack')));
  const result = checkCompliance(app, 'ack', [{ rule: 'lambda_inside_vpc_check', on: ['Ack/Fn'], resources: ['Ack/Fn'] }]);
  expect(result).toEqual({
    stacks: ['Ack'],
    acknowledgments: [{ plugin: 'cdk-validator-cfnguard', rule: 'lambda_inside_vpc_check', reason: 'A test function that calls no network resource.', resources: ['Ack/Fn'] }],
  });
});

test('fails when an acknowledgment applied that the test does not expect', () => {
  const app = complianceApp();
  acknowledgeVpcRule(lambdaFunction(new Stack(app, 'New')));
  expect(() => checkCompliance(app, 'new', [])).toThrow(/^new: the acknowledgments that applied are not the ones this test expects/);
});

test('fails when an expected acknowledgment did not apply', () => {
  const app = complianceApp();
  acknowledgeVpcRule(lambdaFunction(new Stack(app, 'Gone')));
  expect(() => checkCompliance(app, 'gone', [
    { rule: 'lambda_inside_vpc_check', on: ['Gone/Fn'], resources: ['Gone/Fn'] },
    { rule: 'AwsSolutions-S1', on: ['Gone/Logs'], resources: ['Gone/Logs/Resource'] },
  ])).toThrow(/the acknowledgments that applied are not the ones this test expects/);
});

describe('a blanket acknowledgment of a rule on every bucket', () => {
  // Two buckets; only the access-log bucket may skip server access logging (AwsSolutions-S1). The Control Tower rules
  // these bare test buckets break are not under test: they are acknowledged on the stack and pinned as such.
  const GUARD_RULES = [
    's3_bucket_object_lock_enabled_check', 's3_bucket_default_encryption_kms_check', 's3_bucket_level_public_access_prohibited_check',
    's3_event_notifications_enabled_check', 's3_lifecycle_policy_check', 's3_version_lifecycle_policy_check',
  ];
  // Nor are the HIPAA Security and NIST 800-53 R5 rules that they break.
  const NAG_RULES = ['S3BucketPublicReadProhibited', 'S3BucketPublicWriteProhibited', 'S3BucketReplicationEnabled', 'S3DefaultEncryptionKMS'];
  function twoBuckets(blanket: boolean, guardRules = GUARD_RULES) {
    const app = complianceApp();
    const stack = new Stack(app, 'Buckets');
    const logs = new s3.Bucket(stack, 'Logs', { enforceSSL: true, versioned: true, encryption: s3.BucketEncryption.S3_MANAGED });
    new s3.Bucket(stack, 'Data', {
      enforceSSL: true, versioned: true, encryption: s3.BucketEncryption.S3_MANAGED, serverAccessLogsBucket: logs, serverAccessLogsPrefix: 'data/',
    });
    const reason = 'The access-log bucket cannot log to itself.';
    Validations.of(blanket ? stack : logs).acknowledge({ id: 'AwsSolutions::AwsSolutions-S1', reason });
    Validations.of(logs).acknowledge({ id: 'cdk-validator-cfnguard::s3_bucket_logging_enabled_check', reason });
    for (const rule of guardRules) {
      Validations.of(stack).acknowledge({ id: `cdk-validator-cfnguard::${rule}`, reason: 'Not under test: bare buckets of a harness self-test.' });
    }
    for (const rule of NAG_RULES) {
      acknowledgeSharedRule(stack, rule, 'Not under test: bare buckets of a harness self-test.');
    }
    return app;
  }
  // AwsSolutions-S1 is not reported on a bucket that receives access logs, so a blanket acknowledgment suppresses
  // nothing more today: only where it was recorded (`on`) shows that it now covers every present and future bucket.
  const expected = [
    { rule: 'AwsSolutions-S1', on: ['Buckets/Logs'], resources: [] },
    { rule: 's3_bucket_logging_enabled_check', on: ['Buckets/Logs'], resources: ['Buckets/Logs/Resource'] },
    ...GUARD_RULES.map((rule) => ({ rule, on: ['Buckets'], resources: ['Buckets/Data/Resource', 'Buckets/Logs/Resource'] })),
    ...NAG_RULES.flatMap((rule) => ackShared(rule, ['Buckets'], ['Buckets/Data/Resource', 'Buckets/Logs/Resource'])),
  ];

  test('fails on a Control Tower finding that synth lets through, which only the harness\'s own check of the report catches', () => {
    // Once a report has acknowledgments, CDK recomputes its success from the remaining violations' severity, and the
    // guard plugin's Object Lock finding (CT.S3.PR.9) no longer fails synth.
    const app = twoBuckets(false, GUARD_RULES.filter((r) => r !== 's3_bucket_object_lock_enabled_check'));
    expect(() => checkCompliance(app, 'loop', expected))
      .toThrow(/^loop: 1 unacknowledged findings:\ncdk-validator-cfnguard: s3_bucket_object_lock_enabled_check \[CT\.S3\.PR\.9\]/);
  });

  test('passes when the acknowledgment sits on the one bucket it is for', () => {
    const result = checkCompliance(twoBuckets(false), 'narrow', expected);
    expect(result.acknowledgments.map((a) => a.rule).sort()).toEqual([
      's3_bucket_logging_enabled_check', ...GUARD_RULES, ...NAG_RULES.flatMap((r) => [`HIPAA.Security-${r}`, `NIST.800.53.R5-${r}`]),
    ].sort());
  });

  test('fails when the same acknowledgment is made on the whole stack', () => {
    expect(() => checkCompliance(twoBuckets(true), 'blanket', expected))
      .toThrow(/^blanket: the acknowledgments that applied are not the ones this test expects.\nunexpected: \[\n {2}\{\n {4}"rule": "AwsSolutions-S1",\n {4}"on": \[\n {6}"Buckets"\n/);
  });
});
