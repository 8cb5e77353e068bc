import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AlertTopics } from '../../lib';
import { TEST_ENV, testApp } from '../util';

function topics(props = {}) {
  const stack = new Stack(testApp(), 'Mon', { env: TEST_ENV });
  const alerts = new AlertTopics(stack, 'Alerts', props);
  return { stack, alerts, template: Template.fromStack(stack) };
}

test('defines two KMS-encrypted topics with a retained, rotated key', () => {
  const { template } = topics();
  template.resourceCountIs('AWS::SNS::Topic', 2);
  template.allResourcesProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AlertsKey'), 'Arn'] } });
  template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain', Properties: { EnableKeyRotation: true } });
});

/**
 * Whether the conditions of a key-policy statement hold for a request context: StringEquals and StringLike (with `*`), as
 * IAM evaluates them (a key absent from the request fails the condition,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html).
 */
function conditionsHold(statement: any, context: Record<string, string>): boolean {
  return Object.entries<any>(statement.Condition ?? {}).every(([op, keys]) => Object.entries<any>(keys).every(([k, want]) => {
    const got = context[k];
    if (got === undefined) {
      return false;
    }
    const wants: string[] = [want].flat();
    if (op === 'StringEquals') {
      return wants.includes(got);
    }
    if (op === 'StringLike') {
      return wants.some((w) => new RegExp(`^${w.split('*').map((x) => x.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(got));
    }
    throw new Error(`operator ${op} not modelled`);
  }));
}

/** The key policy statements that allow a service principal an action. */
function allowing(template: Template, service: string, action: string): any[] {
  const key = Object.values<any>(template.findResources('AWS::KMS::Key'))[0];
  return key.Properties.KeyPolicy.Statement.filter((st: any) => st.Effect === 'Allow' && [st.Principal?.Service].flat().includes(service)
    && [st.Action].flat().some((a: string) => a === action || (a.endsWith('*') && action.startsWith(a.slice(0, -1)))));
}

// What KMS sees when SNS encrypts for a publisher. CloudWatch: its account as aws:SourceAccount. EventBridge: no
// aws:SourceAccount or aws:SourceArn ("Adding the aws:SourceAccount and aws:SourceArn to a AWS KMS policy is not supported for
// EventBridge-to-encrypted topics", https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services;
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sns-permissions), and SNS's
// encryption context names the topic (kms:EncryptionContext:aws:sns:topicArn, as in SNS's service-source example policies).
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:Mon-AlertsWarning1A2B3C';
const EVENTBRIDGE = { 'kms:EncryptionContext:aws:sns:topicArn': TOPIC };

describe('the key of the alert topics', () => {
  test('lets EventBridge encrypt and decrypt for this account\'s topics, with the context EventBridge deliveries carry', () => {
    const { template } = topics();
    for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) {
      expect(allowing(template, 'events.amazonaws.com', action).some((st) => conditionsHold(st, EVENTBRIDGE))).toBe(true);
    }
  });

  test('does not let EventBridge use it for a topic of another account or Region, or outside SNS', () => {
    const { template } = topics();
    const contexts: Record<string, string>[] = [
      { 'kms:EncryptionContext:aws:sns:topicArn': 'arn:aws:sns:us-east-1:210987654321:alerts' },
      { 'kms:EncryptionContext:aws:sns:topicArn': 'arn:aws:sns:eu-west-1:123456789012:alerts' },
      { 'aws:SourceAccount': '123456789012' },
    ];
    for (const context of contexts) {
      expect(allowing(template, 'events.amazonaws.com', 'kms:GenerateDataKey').some((st) => conditionsHold(st, context))).toBe(false);
    }
  });

  test('the policy before the fix (aws:SourceAccount for EventBridge too) denied every EventBridge delivery', () => {
    const before = { Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } } };
    expect(conditionsHold(before, EVENTBRIDGE)).toBe(false);
  });

  test('has exactly these statements for the publishing services', () => {
    const { template } = topics();
    const key = Object.values<any>(template.findResources('AWS::KMS::Key'))[0];
    const services = key.Properties.KeyPolicy.Statement.filter((st: any) => st.Principal?.Service);
    expect(services).toEqual([
      {
        Sid: 'AllowAlarmsToPublish', Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Resource: '*', Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
      },
      {
        Sid: 'AllowEventsToPublish', Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Resource: '*',
        Condition: { StringLike: { 'kms:EncryptionContext:aws:sns:topicArn': 'arn:aws:sns:us-east-1:123456789012:*' } },
      },
    ]);
    expect(conditionsHold(services[0], { 'aws:SourceAccount': '123456789012' })).toBe(true);
    expect(conditionsHold(services[0], { 'aws:SourceAccount': '210987654321' })).toBe(false);
  });
});

test('lets CloudWatch and EventBridge publish to the topics, and denies publishing without TLS', () => {
  const { template } = topics();
  template.allResourcesProperties('AWS::SNS::TopicPolicy', {
    PolicyDocument: {
      Statement: Match.arrayWith([
        Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        Match.objectLike({ Effect: 'Allow', Action: 'sns:Publish', Principal: { Service: ['cloudwatch.amazonaws.com', 'events.amazonaws.com'] } }),
      ]),
    },
  });
});

test('subscribes e-mail addresses per severity', () => {
  const { template } = topics({ criticalEmails: ['oncall@example.com'], warningEmails: ['team@example.com', 'lead@example.com'] });
  template.resourceCountIs('AWS::SNS::Subscription', 3);
  template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
});

test('uses given topics and then defines no key', () => {
  const stack = new Stack(testApp(), 'Mon', { env: TEST_ENV });
  const warningTopic = sns.Topic.fromTopicArn(stack, 'W', 'arn:aws:sns:us-east-1:123456789012:warn');
  const criticalTopic = sns.Topic.fromTopicArn(stack, 'C', 'arn:aws:sns:us-east-1:123456789012:page');
  const alerts = new AlertTopics(stack, 'Alerts', { warningTopic, criticalTopic });
  expect(alerts.encryptionKey).toBeUndefined();
  Template.fromStack(stack).resourceCountIs('AWS::KMS::Key', 0);
});

test('fails when an e-mail address is not an address', () => {
  expect(() => topics({ criticalEmails: ['oncall@example.com', 'oncall'] }))
    .toThrow(/AlertTopics Mon\/Alerts: criticalEmails\[1\] must be an e-mail address such as oncall@example.com, got 'oncall'/);
});
