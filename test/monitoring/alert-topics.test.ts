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

test('lets CloudWatch and EventBridge of this account use the key and publish, and denies publishing without TLS', () => {
  const { template } = topics();
  template.hasResourceProperties('AWS::KMS::Key', {
    KeyPolicy: {
      Statement: Match.arrayWith([Match.objectLike({
        Principal: { Service: ['cloudwatch.amazonaws.com', 'events.amazonaws.com'] },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
      })]),
    },
  });
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
