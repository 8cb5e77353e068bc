import { Annotations, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cw_actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct, IConstruct } from 'constructs';
import { denyGrantsNotForAwsResources } from '../private/kms';
import { InputErrors, checkArray } from '../private/validation';

/**
 * How urgent an alarm is: each severity notifies its own topic.
 */
export enum AlarmSeverity {
  /** Someone should look during working hours. */
  WARNING = 'WARNING',
  /** Users are affected now: page someone. */
  CRITICAL = 'CRITICAL',
}

/**
 * Where alarms notify, by severity. Implemented by `AlertTopics`; implement it to route alarms your own way.
 */
export interface IAlertTopics extends IConstruct {
  /** The topic of a severity. */
  topic(severity: AlarmSeverity): sns.ITopic;

  /** Makes `alarm` notify the topic of `severity` when it fires and when it recovers. */
  route(alarm: cloudwatch.IAlarm, severity: AlarmSeverity): void;
}

/**
 * Properties of `AlertTopics`.
 */
export interface AlertTopicsProps {
  /**
   * The topic of warning alarms.
   *
   * @default - a KMS-encrypted, TLS-only topic is defined
   */
  readonly warningTopic?: sns.ITopic;

  /**
   * The topic of critical alarms.
   *
   * @default - a KMS-encrypted, TLS-only topic is defined
   */
  readonly criticalTopic?: sns.ITopic;

  /**
   * E-mail addresses subscribed to the warning topic (each must confirm its subscription).
   *
   * @default - none
   */
  readonly warningEmails?: string[];

  /**
   * E-mail addresses subscribed to the critical topic (each must confirm its subscription).
   *
   * @default - none
   */
  readonly criticalEmails?: string[];

  /**
   * The key of the topics this construct defines.
   *
   * @default - a key is defined, rotated yearly and retained; it lets CloudWatch and EventBridge publish
   */
  readonly encryptionKey?: kms.IKey;
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/**
 * Two alert topics, one per severity, that alarms notify when they fire and when they recover.
 *
 * @example
 * const alerts = new AlertTopics(this, 'Alerts', { criticalEmails: ['oncall@example.com'] });
 * alerts.route(alarm, AlarmSeverity.CRITICAL);
 */
export class AlertTopics extends Construct implements IAlertTopics {
  /** The topic of warning alarms. */
  public readonly warningTopic: sns.ITopic;
  /** The topic of critical alarms. */
  public readonly criticalTopic: sns.ITopic;
  /** The key of the topics defined here, if any. */
  public readonly encryptionKey?: kms.IKey;

  constructor(scope: Construct, id: string, props: AlertTopicsProps = {}) {
    super(scope, id);

    const errors = new InputErrors(this, 'AlertTopics');
    for (const [prop, emails] of [['warningEmails', props.warningEmails], ['criticalEmails', props.criticalEmails]] as const) {
      if (emails !== undefined && !checkArray(errors, prop, emails, 'a list of e-mail addresses', false)) {
        continue;
      }
      (emails ?? []).forEach((email, i) => {
        if (!Token.isUnresolved(email) && (typeof email !== 'string' || !EMAIL.test(email))) {
          errors.add(`${prop}[${i}]`, email, 'an e-mail address such as oncall@example.com');
        }
      });
    }
    errors.throwIfAny();

    if (!props.warningTopic || !props.criticalTopic) {
      this.encryptionKey = props.encryptionKey ?? this.defineKey();
    }
    this.warningTopic = props.warningTopic ?? this.defineTopic('Warning', 'warning');
    this.criticalTopic = props.criticalTopic ?? this.defineTopic('Critical', 'critical');
    for (const [prop, topic] of [['warningTopic', props.warningTopic], ['criticalTopic', props.criticalTopic]] as const) {
      if (topic) {
        this.allowAlarmsToPublish(prop, topic);
      }
    }

    for (const email of props.warningEmails ?? []) {
      this.warningTopic.addSubscription(new subs.EmailSubscription(email));
    }
    for (const email of props.criticalEmails ?? []) {
      this.criticalTopic.addSubscription(new subs.EmailSubscription(email));
    }
  }

  /** The topic of a severity. */
  public topic(severity: AlarmSeverity): sns.ITopic {
    return severity === AlarmSeverity.CRITICAL ? this.criticalTopic : this.warningTopic;
  }

  /**
   * Makes `alarm` notify the topic of `severity` when it fires and when it recovers.
   */
  public route(alarm: cloudwatch.IAlarm, severity: AlarmSeverity): void {
    const action = new cw_actions.SnsAction(this.topic(severity));
    if (alarm instanceof cloudwatch.AlarmBase) {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
  }

  /**
   * CloudWatch alarms and EventBridge rules can publish to a topic encrypted with a customer-managed key only if the key policy
   * lets their service principals use it (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html). A key defined in
   * this app gets the statement; for an imported key or topic the statement to add is said in a warning.
   */
  private allowAlarmsToPublish(prop: string, topic: sns.ITopic): void {
    const key = topic.masterKey;
    if (key instanceof kms.Key) {
      for (const statement of this.publishWithKeyStatements()) {
        key.addToResourcePolicy(statement);
      }
      return;
    }
    const statement = JSON.stringify(Stack.of(this).resolve(this.publishWithKeyStatements().map((st) => st.toStatementJson())));
    if (key) {
      Annotations.of(this).addWarningV2('cdk-mlops:alert-topic-key', `${prop} ${topic.node.path} is encrypted with the imported key `
        + `${key.keyArn}: add these statements to that key's policy, or alarms and rules cannot publish to the topic: ${statement}`);
    } else if (!(topic instanceof sns.Topic)) {
      Annotations.of(this).addWarningV2('cdk-mlops:alert-topic-key', `${prop} ${topic.node.path} is imported without its key: if it is `
        + 'encrypted with a customer-managed key, import it with sns.Topic.fromTopicAttributes({ topicArn, keyArn }) so that publishers '
        + `are granted the key, and add these statements to the key's policy, or alarms and rules cannot publish: ${statement}`);
    }
  }

  /**
   * What CloudWatch alarms and EventBridge rules need in the key policy of an encrypted topic (AWS-managed SNS keys refuse them),
   * https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services.
   */
  private publishWithKeyStatements(): iam.PolicyStatement[] {
    const stack = Stack.of(this);
    return [
      new iam.PolicyStatement({
        sid: 'AllowAlarmsToPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      // EventBridge sends no aws:SourceAccount or aws:SourceArn to KMS when it publishes to an encrypted topic (SNS: "Adding the
      // aws:SourceAccount and aws:SourceArn to a AWS KMS policy is not supported for EventBridge-to-encrypted topics", same
      // page; EventBridge's SNS target permissions: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sns-permissions),
      // so a SourceAccount condition denied every delivery. SNS calls KMS with the topic in the encryption context
      // (kms:EncryptionContext:aws:sns:topicArn): the key serves EventBridge only for topics of this account and Region. (Not
      // the topics' own ARNs: they depend on the key, and the key policy on them would be a cycle.)
      new iam.PolicyStatement({
        sid: 'AllowEventsToPublish',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringLike: { 'kms:EncryptionContext:aws:sns:topicArn': `arn:${stack.partition}:sns:${stack.region}:${stack.account}:*` } },
      }),
    ];
  }

  private defineKey(): kms.Key {
    const key = new kms.Key(this, 'Key', {
      description: `Encrypts the alert topics ${this.node.path}`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
      pendingWindow: Duration.days(30),
    });
    // CloudWatch alarms and EventBridge rules publish to the topics: they need the key (AWS-managed SNS keys refuse them).
    for (const statement of this.publishWithKeyStatements()) {
      key.addToResourcePolicy(statement);
    }
    key.addToResourcePolicy(denyGrantsNotForAwsResources());
    return key;
  }

  private defineTopic(id: string, severity: string): sns.Topic {
    const topic = new sns.Topic(this, id, {
      displayName: `${severity} alerts of ${this.node.path}`,
      masterKey: this.encryptionKey,
      enforceSSL: true,
    });
    // A topic policy replaces SNS's default one: let this account's alarms and rules publish explicitly.
    topic.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowAlarmsAndEventsToPublish',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com'), new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
    }));
    return topic;
  }
}
