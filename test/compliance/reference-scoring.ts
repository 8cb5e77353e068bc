import { ExpectedAcknowledgment, ack, ackShared } from './harness';

const DATA = (output: string) => `{"Fn::GetStackOutput":{"StackName":"DataStack","Region":{"Ref":"AWS::Region"},"OutputName":"${output}"}}`;
const S = 'TrainingStack/NightlyScoring';
const MODEL_POLICY = `${S}/ModelRole/DefaultPolicy`;
const MACHINE_POLICY = `${S}/StateMachineRole/DefaultPolicy/Resource`;

/**
 * The acknowledgments of the reference training stack's nightly batch scoring (a `BatchTransform` of the latest approved churn
 * package): the exact lake prefixes it reads (features churn/scoring/, models training/churn/output/) and writes (curated churn/scores/,
 * monitoring batch-capture/churn/), the TransformJobs log group and its own log streams, the registry's versions, `*` for the actions
 * without resource-level permissions (logging and tracing, ListModelPackages, the ECR token), its start dead-letter queue, its roles'
 * inline policies, and, without alert topics, its alarms without actions. They merge, rule by rule, with the stack's other ones.
 */
export function referenceScoringAcks(withAlerts: boolean): ExpectedAcknowledgment[] {
  return [
    ack(`AwsSolutions-IAM5[Resource::${DATA('PublishOutputFnGetAttLakecurated363C5ACCArnFCA96CDC')}/churn/scores/*]`, [MODEL_POLICY]),
    ack(`AwsSolutions-IAM5[Resource::${DATA('PublishOutputFnGetAttLakefeatures97EDC112Arn9200593C')}/churn/scoring/*]`, [MODEL_POLICY]),
    ack(`AwsSolutions-IAM5[Resource::${DATA('PublishOutputFnGetAttLakemodelsCABA3223Arn64B2F2C6')}/training/churn/output/*]`, [MODEL_POLICY]),
    ack(`AwsSolutions-IAM5[Resource::${DATA('PublishOutputFnGetAttLakemonitoringECBEA2E6Arn0BF27299')}/batch-capture/churn/*]`, [MODEL_POLICY]),
    ack('AwsSolutions-IAM5[Resource::*]', [MODEL_POLICY, MACHINE_POLICY], [`${MODEL_POLICY}/Resource`, MACHINE_POLICY]),
    ack('AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/sagemaker/TransformJobs:*]', [MODEL_POLICY]),
    ack('AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/sagemaker/TransformJobs:log-stream:'
      + 'churn-scoring-????????-????-????-????-????????????/*]', [MODEL_POLICY]),
    ack('AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sagemaker:<AWS::Region>:<AWS::AccountId>:model-package/churn/*]', [MODEL_POLICY, MACHINE_POLICY],
      [`${MODEL_POLICY}/Resource`, MACHINE_POLICY]),
    ack('AwsSolutions-SQS3', [`${S}/StartDeadLetters`]),
    ack('sqs_dlq_check', [`${S}/StartDeadLetters`]),
    ...ackShared('IAMNoInlinePolicy', [`${S}/ModelRole`, `${S}/SchedulerRole`, `${S}/StateMachineRole`],
      [`${MODEL_POLICY}/Resource`, `${S}/SchedulerRole/DefaultPolicy/Resource`, MACHINE_POLICY]),
    ...(withAlerts ? [] : [
      ack('cloudwatch_alarm_action_check', [`${S}/FailedAlarm`, `${S}/StartFailedAlarm`, `${S}/TimedOutAlarm`]),
      ...ackShared('CloudWatchAlarmAction', [`${S}/FailedAlarm`, `${S}/StartFailedAlarm`, `${S}/TimedOutAlarm`]),
    ]),
  ];
}
