import { buildReferenceApp } from '../../bin/reference-app';
import { ack, ackShared, checkCompliance, complianceApp } from './harness';
import { referenceScoringAcks } from './reference-scoring';

/**
 * What the data stack's ETL acknowledges (test/compliance/processing.test.ts explains each): the Spark jobs' objects, tables and
 * log streams named at run time and their PutMetricData; the pipeline's log-delivery and X-Ray statements and its polling of
 * Data Quality evaluations; the evaluation role's reads of the table folder; inline policies; and the training stack's role of
 * the rule that trains after the ETL.
 */
function processingAcks() {
  const arn = (service: string, resource: string) => `arn:<AWS::Partition>:${service}:<AWS::Region>:<AWS::AccountId>:${resource}`;
  const job = (id: string, unique: string, input: string, output: string) => {
    const on = [`DataStack/${id}/Role/DefaultPolicy`];
    const res = [`DataStack/${id}/Role/DefaultPolicy/Resource`];
    const logs = arn('logs', `log-group:/aws-glue/jobs/cdk-mlops/${unique}/${unique}-role/<DataStack/${id}/Role/Resource>`);
    return [
      ...['*', input, output, `<DataStack/Lake/monitoring/Resource.Arn>/spark-ui/${unique}/*`, arn('glue', 'table/datastack_lake_ac07f63a/*'),
        `${logs}/error:log-stream:*`, `${logs}/output:log-stream:*`].map((r) => ack(`AwsSolutions-IAM5[Resource::${r}]`, on, res)),
      ...ackShared('IAMNoInlinePolicy', [`DataStack/${id}/Role`], res),
    ];
  };
  const etl = (r: string) => ({ on: [`DataStack/ChurnEtl/${r}/DefaultPolicy`], res: [`DataStack/ChurnEtl/${r}/DefaultPolicy/Resource`] });
  return [
    ...job('Curate', 'DataStack-Curate-4567F6B4', '<DataStack/Lake/raw/Resource.Arn>/events/churn/data/*', '<DataStack/Lake/curated/Resource.Arn>/churn/events/*'),
    ...job('Features', 'DataStack-Features-179107BE', '<DataStack/Lake/curated/Resource.Arn>/churn/events/*', '<DataStack/Lake/features/Resource.Arn>/churn/*'),
    ack('AwsSolutions-IAM5[Resource::*]', [...etl('Role').on, ...etl('DataQualityRole').on], [...etl('Role').res, ...etl('DataQualityRole').res]),
    ack(`AwsSolutions-IAM5[Resource::${arn('glue', 'dataQualityRuleset/*')}]`, [...etl('Role').on, ...etl('DataQualityRole').on],
      [...etl('Role').res, ...etl('DataQualityRole').res]),
    ack('AwsSolutions-IAM5[Resource::<DataStack/Lake/curated/Resource.Arn>/churn/events/*]', etl('DataQualityRole').on, etl('DataQualityRole').res),
    ...ackShared('IAMNoInlinePolicy', ['DataStack/ChurnEtl/Role', 'DataStack/ChurnEtl/ListRunsPolicy', 'DataStack/ChurnEtl/DataQualityRole', 'DataStack/ChurnEtl/StartRole'],
      [...etl('Role').res, 'DataStack/ChurnEtl/ListRunsPolicy/Resource', ...etl('DataQualityRole').res, ...etl('StartRole').res]),
    ...ackShared('IAMNoInlinePolicy', ['TrainingStack/TrainAfterEtlRole'], ['TrainingStack/TrainAfterEtlRole/DefaultPolicy/Resource']),
  ];
}

/** What the serving stack's on-demand load test adds (test/compliance/loadtest.test.ts explains each; merged with the rules above). */
function loadTestAcks() {
  return [
    ack('AwsSolutions-IAM5[Resource::{"Fn::GetStackOutput":{"StackName":"DataStack","Region":{"Ref":"AWS::Region"},"OutputName":"PublishOutputFnGetAttLakecurated363C5ACCArnFCA96CDC"}}/load-test/churn/payloads/*]', ['ServingStack/LoadTest/Handler/Role/DefaultPolicy'], ['ServingStack/LoadTest/Handler/Role/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::{"Fn::GetStackOutput":{"StackName":"DataStack","Region":{"Ref":"AWS::Region"},"OutputName":"PublishOutputFnGetAttLakemonitoringECBEA2E6Arn0BF27299"}}/load-tests/churn/*]', ['ServingStack/LoadTest/StateMachine/Role/DefaultPolicy'], ['ServingStack/LoadTest/StateMachine/Role/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::*]', ['ServingStack/LoadTest/StateMachine/Role/DefaultPolicy', 'ServingStack/cdk-mlops-load-test-aggregate/Role/DefaultPolicy'], ['ServingStack/LoadTest/StateMachine/Role/DefaultPolicy/Resource', 'ServingStack/cdk-mlops-load-test-aggregate/Role/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::<ServingStack/cdk-mlops-load-test-aggregate/Function/Resource.Arn>:*]', ['ServingStack/LoadTest/StateMachine/Role/DefaultPolicy', 'ServingStack/cdk-mlops-load-test-aggregate/SchedulerRole'], ['ServingStack/LoadTest/StateMachine/Role/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::<ServingStack/LoadTest/Handler/Function/Resource.Arn>:*]', ['ServingStack/LoadTest/Handler/SchedulerRole', 'ServingStack/LoadTest/StateMachine/Role/DefaultPolicy'], ['ServingStack/LoadTest/StateMachine/Role/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"LoadTestStateMachineA61E35F7"}]}]}:*]', ['ServingStack/LoadTest/StateMachine/DistributedMapPolicy'], ['ServingStack/LoadTest/StateMachine/DistributedMapPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"LoadTestStateMachineA61E35F7"}]}]}/*:*]', ['ServingStack/LoadTest/StateMachine/DistributedMapPolicy'], ['ServingStack/LoadTest/StateMachine/DistributedMapPolicy/Resource']),
    ack('HIPAA.Security-IAMNoInlinePolicy', ['ServingStack/LoadTest/Handler/Role', 'ServingStack/LoadTest/Handler/SchedulerRole', 'ServingStack/LoadTest/StateMachine/DistributedMapPolicy', 'ServingStack/LoadTest/StateMachine/Role', 'ServingStack/cdk-mlops-load-test-aggregate/Role', 'ServingStack/cdk-mlops-load-test-aggregate/SchedulerRole'], ['ServingStack/LoadTest/Handler/Role/DefaultPolicy/Resource', 'ServingStack/LoadTest/StateMachine/DistributedMapPolicy/Resource', 'ServingStack/LoadTest/StateMachine/Role/DefaultPolicy/Resource', 'ServingStack/cdk-mlops-load-test-aggregate/Role/DefaultPolicy/Resource']),
    ack('HIPAA.Security-LambdaConcurrency', ['ServingStack/LoadTest/Handler/Function', 'ServingStack/cdk-mlops-load-test-aggregate/Function'], ['ServingStack/LoadTest/Handler/Function/Resource', 'ServingStack/cdk-mlops-load-test-aggregate/Function/Resource']),
    ack('HIPAA.Security-LambdaInsideVPC', ['ServingStack/LoadTest/Handler/Function', 'ServingStack/cdk-mlops-load-test-aggregate/Function'], ['ServingStack/LoadTest/Handler/Function/Resource', 'ServingStack/cdk-mlops-load-test-aggregate/Function/Resource']),
    ack('lambda_inside_vpc_check', ['ServingStack/LoadTest/Handler/Function', 'ServingStack/cdk-mlops-load-test-aggregate/Function'], ['ServingStack/LoadTest/Handler/Function/Resource', 'ServingStack/cdk-mlops-load-test-aggregate/Function/Resource']),
    ack('NIST.800.53.R5-IAMNoInlinePolicy', ['ServingStack/LoadTest/Handler/Role', 'ServingStack/LoadTest/Handler/SchedulerRole', 'ServingStack/LoadTest/StateMachine/DistributedMapPolicy', 'ServingStack/LoadTest/StateMachine/Role', 'ServingStack/cdk-mlops-load-test-aggregate/Role', 'ServingStack/cdk-mlops-load-test-aggregate/SchedulerRole'], ['ServingStack/LoadTest/Handler/Role/DefaultPolicy/Resource', 'ServingStack/LoadTest/StateMachine/DistributedMapPolicy/Resource', 'ServingStack/LoadTest/StateMachine/Role/DefaultPolicy/Resource', 'ServingStack/cdk-mlops-load-test-aggregate/Role/DefaultPolicy/Resource']),
    ack('NIST.800.53.R5-LambdaConcurrency', ['ServingStack/LoadTest/Handler/Function', 'ServingStack/cdk-mlops-load-test-aggregate/Function'], ['ServingStack/LoadTest/Handler/Function/Resource', 'ServingStack/cdk-mlops-load-test-aggregate/Function/Resource']),
    ack('NIST.800.53.R5-LambdaInsideVPC', ['ServingStack/LoadTest/Handler/Function', 'ServingStack/cdk-mlops-load-test-aggregate/Function'], ['ServingStack/LoadTest/Handler/Function/Resource', 'ServingStack/cdk-mlops-load-test-aggregate/Function/Resource']),
    ack('sqs_dlq_check', ['ServingStack/LoadTest/Handler/DeadLetters', 'ServingStack/cdk-mlops-load-test-aggregate/DeadLetters'], ['ServingStack/LoadTest/Handler/DeadLetters/Resource', 'ServingStack/cdk-mlops-load-test-aggregate/DeadLetters/Resource']),
  ];
}

test('every stack of the reference app is compliant', () => {
  const app = complianceApp();
  buildReferenceApp(app);
  const result = checkCompliance(app, 'reference app', [
    ...referenceScoringAcks(true),
    ack('AwsSolutions-IAM5[Resource::{"Fn::GetStackOutput":{"StackName":"DataStack","Region":{"Ref":"AWS::Region"},"OutputName":"PublishOutputFnGetAttLakefeatures97EDC112Arn9200593C"}}/churn/train/*]', ['TrainingStack/Churn/TrainingRole/DefaultPolicy', 'TrainingStack/Churn/TrainingRole/DefaultPolicy/Resource'], ['TrainingStack/Churn/TrainingRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::{"Fn::GetStackOutput":{"StackName":"DataStack","Region":{"Ref":"AWS::Region"},"OutputName":"PublishOutputFnGetAttLakefeatures97EDC112Arn9200593C"}}/churn/validation/*]', ['TrainingStack/Churn/TrainingRole/DefaultPolicy', 'TrainingStack/Churn/TrainingRole/DefaultPolicy/Resource'], ['TrainingStack/Churn/TrainingRole/DefaultPolicy/Resource']),
    // The feature group's offline store (#22): its role writes the store's folder, the training role reads it (a channel).
    ack('AwsSolutions-IAM5[Resource::{"Fn::GetStackOutput":{"StackName":"DataStack","Region":{"Ref":"AWS::Region"},"OutputName":"PublishOutputFnGetAttLakefeatures97EDC112Arn9200593C"}}/feature-store/churn-customers/*]', ['TrainingStack/Churn/TrainingRole/DefaultPolicy', 'TrainingStack/Churn/TrainingRole/DefaultPolicy/Resource'], ['TrainingStack/Churn/TrainingRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::<DataStack/Lake/features/Resource.Arn>/feature-store/churn-customers/*]', ['DataStack/CustomerFeatures/OfflineStoreRole/DefaultPolicy'], ['DataStack/CustomerFeatures/OfflineStoreRole/DefaultPolicy/Resource']),
    ...ackShared('IAMNoInlinePolicy', ['DataStack/CustomerFeatures/OfflineStoreRole'], ['DataStack/CustomerFeatures/OfflineStoreRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::{"Fn::GetStackOutput":{"StackName":"DataStack","Region":{"Ref":"AWS::Region"},"OutputName":"PublishOutputFnGetAttLakemodelsCABA3223Arn64B2F2C6"}}/training/churn/checkpoints/*]', ['TrainingStack/Churn/TrainingRole/DefaultPolicy', 'TrainingStack/Churn/TrainingRole/DefaultPolicy/Resource'], ['TrainingStack/Churn/TrainingRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::{"Fn::GetStackOutput":{"StackName":"DataStack","Region":{"Ref":"AWS::Region"},"OutputName":"PublishOutputFnGetAttLakemodelsCABA3223Arn64B2F2C6"}}/training/churn/output/*]', [
      'ServingStack/Challenger/Role/DefaultPolicy',
      'TrainingStack/Churn/StateMachineRole/DefaultPolicy',
      'TrainingStack/Churn/StateMachineRole/DefaultPolicy/Resource',
      'TrainingStack/Churn/TrainingRole/DefaultPolicy',
      'TrainingStack/Churn/TrainingRole/DefaultPolicy/Resource',
    ], ['ServingStack/Challenger/Role/DefaultPolicy/Resource', 'TrainingStack/Churn/StateMachineRole/DefaultPolicy/Resource', 'TrainingStack/Churn/TrainingRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::{"Fn::GetStackOutput":{"StackName":"DataStack","Region":{"Ref":"AWS::Region"},"OutputName":"PublishOutputFnGetAttLakemodelsCABA3223Arn64B2F2C6"}}/training/churn/tensorboard/*]', ['TrainingStack/Churn/TrainingRole/DefaultPolicy', 'TrainingStack/Churn/TrainingRole/DefaultPolicy/Resource'], ['TrainingStack/Churn/TrainingRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::{"Fn::GetStackOutput":{"StackName":"DataStack","Region":{"Ref":"AWS::Region"},"OutputName":"PublishOutputFnGetAttLakemonitoringECBEA2E6Arn0BF27299"}}/data-capture/servingstack-churn-32dbb8c9/*]', ['ServingStack/Challenger/Role/DefaultPolicy', 'ServingStack/Champion/Role/DefaultPolicy', 'ServingStack/cdk-mlops-ab-experiment/Role/DefaultPolicy', 'ServingStack/cdk-mlops-drift/Role/DefaultPolicy', 'ServingStack/cdk-mlops-model-quality/Role/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::{"Fn::GetStackOutput":{"StackName":"DataStack","Region":{"Ref":"AWS::Region"},"OutputName":"PublishOutputFnGetAttLakemonitoringECBEA2E6Arn0BF27299"}}/drift-reports/servingstack-churn-32dbb8c9/*]', ['ServingStack/cdk-mlops-drift/Role/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::{"Fn::GetStackOutput":{"StackName":"DataStack","Region":{"Ref":"AWS::Region"},"OutputName":"PublishOutputFnGetAttLakemonitoringECBEA2E6Arn0BF27299"}}/experiments/servingstack-churn-32dbb8c9/ChurnChallenger/*]', ['ServingStack/cdk-mlops-ab-experiment/Role/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::{"Fn::GetStackOutput":{"StackName":"DataStack","Region":{"Ref":"AWS::Region"},"OutputName":"PublishOutputFnGetAttLakemonitoringECBEA2E6Arn0BF27299"}}/ground-truth/churn/*]', ['ServingStack/cdk-mlops-ab-experiment/Role/DefaultPolicy', 'ServingStack/cdk-mlops-model-quality/Role/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::{"Fn::GetStackOutput":{"StackName":"DataStack","Region":{"Ref":"AWS::Region"},"OutputName":"PublishOutputFnGetAttLakemonitoringECBEA2E6Arn0BF27299"}}/model-quality-reports/servingstack-churn-32dbb8c9/*]', ['ServingStack/cdk-mlops-model-quality/Role/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::*]', ['ServingStack/Challenger/Role/DefaultPolicy', 'ServingStack/Champion/Role/DefaultPolicy', 'ServingStack/cdk-mlops-ab-experiment/Role/DefaultPolicy', 'ServingStack/cdk-mlops-drift/Role/DefaultPolicy', 'ServingStack/cdk-mlops-model-quality/Role/DefaultPolicy', 'TrainingStack/Churn/StateMachineRole/DefaultPolicy/Resource', 'TrainingStack/Churn/TrainingRole/DefaultPolicy/Resource'], ['ServingStack/Challenger/Role/DefaultPolicy/Resource', 'ServingStack/Champion/Role/DefaultPolicy/Resource', 'ServingStack/cdk-mlops-ab-experiment/Role/DefaultPolicy/Resource', 'ServingStack/cdk-mlops-drift/Role/DefaultPolicy/Resource', 'ServingStack/cdk-mlops-model-quality/Role/DefaultPolicy/Resource', 'TrainingStack/Churn/StateMachineRole/DefaultPolicy/Resource', 'TrainingStack/Churn/TrainingRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::<ServingStack/cdk-mlops-ab-experiment/Function/Resource.Arn>:*]', ['ServingStack/cdk-mlops-ab-experiment/SchedulerRole'], ['ServingStack/cdk-mlops-ab-experiment/SchedulerRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::<ServingStack/cdk-mlops-baseline-profile/Function/Resource.Arn>:*]', ['ServingStack/cdk-mlops-baseline-profile/SchedulerRole'], []),
    ack('AwsSolutions-IAM5[Resource::<ServingStack/cdk-mlops-drift/Function/Resource.Arn>:*]', ['ServingStack/cdk-mlops-drift/SchedulerRole'], ['ServingStack/cdk-mlops-drift/SchedulerRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::<ServingStack/cdk-mlops-model-quality/Function/Resource.Arn>:*]', ['ServingStack/cdk-mlops-model-quality/SchedulerRole'], ['ServingStack/cdk-mlops-model-quality/SchedulerRole/DefaultPolicy/Resource']),
    // The ingestion stream's delivery role writes objects named at delivery time under its folder of the raw zone.
    ack('AwsSolutions-IAM5[Resource::<DataStack/Lake/raw/Resource.Arn>/events/churn/*]', ['DataStack/Events/Role/DefaultPolicy'], ['DataStack/Events/Role/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/sagemaker/Endpoints/servingstack-churn-32dbb8c9:*]', ['ServingStack/Challenger/Role/DefaultPolicy', 'ServingStack/Champion/Role/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/sagemaker/TrainingJobs:*]', ['TrainingStack/Churn/TrainingRole/DefaultPolicy/Resource'], ['TrainingStack/Churn/TrainingRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/sagemaker/TrainingJobs:log-stream:churn-????????-????-????-????-????????????/*]', ['TrainingStack/Churn/TrainingRole/DefaultPolicy/Resource'], ['TrainingStack/Churn/TrainingRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sagemaker:<AWS::Region>:<AWS::AccountId>:endpoint-config/*]', ['ServingStack/cdk-mlops-ab-experiment/Role/DefaultPolicy']),
    ack('AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sagemaker:<AWS::Region>:<AWS::AccountId>:model-package/churn/*]', ['TrainingStack/Churn/StateMachineRole/DefaultPolicy/Resource'], ['TrainingStack/Churn/StateMachineRole/DefaultPolicy/Resource']),
    ack('cloudwatch_alarm_action_check', ['ServingStack/Churn/ErrorRateAlarm', 'ServingStack/Churn/LatencyAlarm'], ['ServingStack/Churn/ErrorRateAlarm', 'ServingStack/Churn/LatencyAlarm']),
    ack('lambda_inside_vpc_check', ['ServingStack/cdk-mlops-ab-experiment/Function', 'ServingStack/cdk-mlops-baseline-profile/Function', 'ServingStack/cdk-mlops-drift/Function', 'ServingStack/cdk-mlops-model-quality/Function']),
    // The dead-letter queues of the ETL's starts and of the rule that trains after the ETL have no dead-letter queue of their own;
    // cdk-nag sees that the handlers' queues are their functions' dead-letter queues, Control Tower does not.
    ack('AwsSolutions-SQS3', ['DataStack/ChurnEtl/StartDeadLetters', 'ServingStack/Drift/RetrainDeadLetters', 'TrainingStack/TrainAfterEtlDeadLetters']),
    ack('sqs_dlq_check', [
      'ServingStack/cdk-mlops-ab-experiment/DeadLetters',
      'ServingStack/cdk-mlops-baseline-profile/DeadLetters',
      'ServingStack/cdk-mlops-drift/DeadLetters',
      'ServingStack/cdk-mlops-model-quality/DeadLetters',
      'ServingStack/Drift/RetrainDeadLetters',
      'DataStack/ChurnEtl/StartDeadLetters',
      'TrainingStack/TrainAfterEtlDeadLetters',
    ]),
    ack('s3_bucket_default_encryption_kms_check', ['DataStack/Lake/AccessLogs']),
    ack('s3_bucket_logging_enabled_check', ['DataStack/Lake/AccessLogs']),
    ack('s3_bucket_object_lock_enabled_check', ['DataStack/Lake/AccessLogs', 'DataStack/Lake/curated', 'DataStack/Lake/features', 'DataStack/Lake/models', 'DataStack/Lake/monitoring', 'DataStack/Lake/raw']),
    ...ackShared('CloudWatchAlarmAction', ['ServingStack/Churn/ErrorRateAlarm', 'ServingStack/Churn/LatencyAlarm'], ['ServingStack/Churn/ErrorRateAlarm', 'ServingStack/Churn/LatencyAlarm']),
    ...ackShared('IAMNoInlinePolicy', [
      'DataStack/Events/Role',
      'ServingStack/Challenger/Role',
      'ServingStack/Champion/Role',
      'ServingStack/Drift/RetrainRole',
      'ServingStack/cdk-mlops-ab-experiment/Role',
      'ServingStack/cdk-mlops-ab-experiment/SchedulerRole',
      'ServingStack/cdk-mlops-baseline-profile/Role',
      'ServingStack/cdk-mlops-baseline-profile/SchedulerRole',
      'ServingStack/cdk-mlops-drift/Role',
      'ServingStack/cdk-mlops-drift/SchedulerRole',
      'ServingStack/cdk-mlops-model-quality/Role',
      'ServingStack/cdk-mlops-model-quality/SchedulerRole',
      'TrainingStack/Churn/OverlapCheckPolicy',
      'TrainingStack/Churn/StateMachineRole',
      'TrainingStack/Churn/TrainingRole',
    ], [
      'DataStack/Events/Role/DefaultPolicy/Resource',
      'ServingStack/Challenger/Role/DefaultPolicy/Resource',
      'ServingStack/Champion/Role/DefaultPolicy/Resource',
      'ServingStack/Drift/RetrainRole/DefaultPolicy/Resource',
      'ServingStack/cdk-mlops-ab-experiment/Role/DefaultPolicy/Resource',
      'ServingStack/cdk-mlops-ab-experiment/SchedulerRole/DefaultPolicy/Resource',
      'ServingStack/cdk-mlops-baseline-profile/Role/DefaultPolicy/Resource',
      'ServingStack/cdk-mlops-drift/Role/DefaultPolicy/Resource',
      'ServingStack/cdk-mlops-drift/SchedulerRole/DefaultPolicy/Resource',
      'ServingStack/cdk-mlops-model-quality/Role/DefaultPolicy/Resource',
      'ServingStack/cdk-mlops-model-quality/SchedulerRole/DefaultPolicy/Resource',
      'TrainingStack/Churn/OverlapCheckPolicy/Resource',
      'TrainingStack/Churn/StateMachineRole/DefaultPolicy/Resource',
      'TrainingStack/Churn/TrainingRole/DefaultPolicy/Resource',
    ]),
    ...ackShared('LambdaConcurrency', [
      'ServingStack/cdk-mlops-ab-experiment/Function',
      'ServingStack/cdk-mlops-baseline-profile/Function',
      'ServingStack/cdk-mlops-drift/Function',
      'ServingStack/cdk-mlops-model-quality/Function',
    ]),
    ...ackShared('LambdaInsideVPC', [
      'ServingStack/cdk-mlops-ab-experiment/Function',
      'ServingStack/cdk-mlops-baseline-profile/Function',
      'ServingStack/cdk-mlops-drift/Function',
      'ServingStack/cdk-mlops-model-quality/Function',
    ]),
    ...ackShared('S3BucketReplicationEnabled', [
      'DataStack/Lake/AccessLogs',
      'DataStack/Lake/curated',
      'DataStack/Lake/features',
      'DataStack/Lake/models',
      'DataStack/Lake/monitoring',
      'DataStack/Lake/raw',
    ]),
    ...ackShared('S3DefaultEncryptionKMS', ['DataStack/Lake/AccessLogs']),
    // The inference API in front of the serving endpoint (#17): IAM authorization rather than Cognito, no stage cache and no client
    // certificate on purpose, the integration role's inline policy, and the web ACL's full logs left to the user's logging account
    // (InferenceApi gives each reason; test/compliance/api.test.ts checks the same acknowledgments).
    ack('AwsSolutions-COG4', ['ServingStack/Api/Resource/Default/invocations/POST'], ['ServingStack/Api/Resource/Default/invocations/POST/Resource']),
    ...ackShared('APIGWCacheEnabledAndEncrypted', ['ServingStack/Api/Resource/DeploymentStage.v1']),
    ...ackShared('APIGWSSLEnabled', ['ServingStack/Api/Resource/DeploymentStage.v1']),
    ...ackShared('IAMNoInlinePolicy', ['ServingStack/Api/IntegrationRole'], ['ServingStack/Api/IntegrationRole/DefaultPolicy/Resource']),
    ...ackShared('WAFv2LoggingEnabled', ['ServingStack/Api/WebAcl'], ['ServingStack/Api/WebAcl']),
    ...processingAcks(),
    ...loadTestAcks(),
    // The staging and deployment stacks (#16): the pipeline's acknowledgments (CodePipeline's generated artifact grants, stage roles'
    // stack ARNs and log delivery, the artifact bucket's logging, replication and Object Lock, inline policies), the staging
    // endpoint's alarms without actions (like ServingStack's), and the approved-package grants of the staging and challenger models.
    ack('AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', ['DeploymentStack/ChurnDeployment/Pipeline/Approve/Approve/CodePipelineActionRole/DefaultPolicy', 'DeploymentStack/ChurnDeployment/Pipeline/Role/DefaultPolicy', 'DeploymentStack/ChurnDeployment/Pipeline/Source/Manifest/CodePipelineActionRole/DefaultPolicy'], ['DeploymentStack/ChurnDeployment/Pipeline/Approve/Approve/CodePipelineActionRole/DefaultPolicy/Resource', 'DeploymentStack/ChurnDeployment/Pipeline/Role/DefaultPolicy/Resource', 'DeploymentStack/ChurnDeployment/Pipeline/Source/Manifest/CodePipelineActionRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Action::kms:ReEncrypt*]', ['DeploymentStack/ChurnDeployment/Pipeline/Role/DefaultPolicy', 'DeploymentStack/ChurnDeployment/Pipeline/Source/Manifest/CodePipelineActionRole/DefaultPolicy'], ['DeploymentStack/ChurnDeployment/Pipeline/Role/DefaultPolicy/Resource', 'DeploymentStack/ChurnDeployment/Pipeline/Source/Manifest/CodePipelineActionRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Action::s3:Abort*]', ['DeploymentStack/ChurnDeployment/Pipeline/Role/DefaultPolicy', 'DeploymentStack/ChurnDeployment/Pipeline/Source/Manifest/CodePipelineActionRole/DefaultPolicy'], ['DeploymentStack/ChurnDeployment/Pipeline/Role/DefaultPolicy/Resource', 'DeploymentStack/ChurnDeployment/Pipeline/Source/Manifest/CodePipelineActionRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Action::s3:DeleteObject*]', ['DeploymentStack/ChurnDeployment/Pipeline/Role/DefaultPolicy', 'DeploymentStack/ChurnDeployment/Pipeline/Source/Manifest/CodePipelineActionRole/DefaultPolicy'], ['DeploymentStack/ChurnDeployment/Pipeline/Role/DefaultPolicy/Resource', 'DeploymentStack/ChurnDeployment/Pipeline/Source/Manifest/CodePipelineActionRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Action::s3:GetBucket*]', ['DeploymentStack/ChurnDeployment/Pipeline/Role/DefaultPolicy', 'DeploymentStack/ChurnDeployment/Pipeline/Source/Manifest/CodePipelineActionRole/DefaultPolicy'], ['DeploymentStack/ChurnDeployment/Pipeline/Role/DefaultPolicy/Resource', 'DeploymentStack/ChurnDeployment/Pipeline/Source/Manifest/CodePipelineActionRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Action::s3:GetObject*]', ['DeploymentStack/ChurnDeployment/Pipeline/Role/DefaultPolicy', 'DeploymentStack/ChurnDeployment/Pipeline/Source/Manifest/CodePipelineActionRole/DefaultPolicy'], ['DeploymentStack/ChurnDeployment/Pipeline/Role/DefaultPolicy/Resource', 'DeploymentStack/ChurnDeployment/Pipeline/Source/Manifest/CodePipelineActionRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Action::s3:List*]', ['DeploymentStack/ChurnDeployment/Pipeline/Role/DefaultPolicy', 'DeploymentStack/ChurnDeployment/Pipeline/Source/Manifest/CodePipelineActionRole/DefaultPolicy'], ['DeploymentStack/ChurnDeployment/Pipeline/Role/DefaultPolicy/Resource', 'DeploymentStack/ChurnDeployment/Pipeline/Source/Manifest/CodePipelineActionRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::{"Fn::GetStackOutput":{"StackName":"DataStack","Region":{"Ref":"AWS::Region"},"OutputName":"PublishOutputFnGetAttLakemodelsCABA3223Arn64B2F2C6"}}/training/churn/output/*]', ['StagingStack/Candidate/Role/DefaultPolicy'], ['StagingStack/Candidate/Role/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::*]', ['DeploymentStack/ChurnDeployment/ApprovalRouter/Role/DefaultPolicy', 'DeploymentStack/ChurnDeployment/Production/Role/DefaultPolicy', 'DeploymentStack/ChurnDeployment/Staging/Role/DefaultPolicy', 'StagingStack/Candidate/Role/DefaultPolicy'], ['DeploymentStack/ChurnDeployment/ApprovalRouter/Role/DefaultPolicy/Resource', 'DeploymentStack/ChurnDeployment/Production/Role/DefaultPolicy/Resource', 'DeploymentStack/ChurnDeployment/Staging/Role/DefaultPolicy/Resource', 'StagingStack/Candidate/Role/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::<DeploymentStack/ChurnDeployment/Artifacts/Resource.Arn>/*]', ['DeploymentStack/ChurnDeployment/Pipeline/Role/DefaultPolicy', 'DeploymentStack/ChurnDeployment/Pipeline/Source/Manifest/CodePipelineActionRole/DefaultPolicy'], ['DeploymentStack/ChurnDeployment/Pipeline/Role/DefaultPolicy/Resource', 'DeploymentStack/ChurnDeployment/Pipeline/Source/Manifest/CodePipelineActionRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::arn:{"Fn::Select":[1,{"Fn::Split":[":",{"Ref":"ChurnDeploymentProductionStateMachine73D1748F"}]}]}:states:{"Fn::Select":[3,{"Fn::Split":[":",{"Ref":"ChurnDeploymentProductionStateMachine73D1748F"}]}]}:{"Fn::Select":[4,{"Fn::Split":[":",{"Ref":"ChurnDeploymentProductionStateMachine73D1748F"}]}]}:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"ChurnDeploymentProductionStateMachine73D1748F"}]}]}:Production*]', ['DeploymentStack/ChurnDeployment/Pipeline/Production/Deploy/CodePipelineActionRole/DefaultPolicy'], ['DeploymentStack/ChurnDeployment/Pipeline/Production/Deploy/CodePipelineActionRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::arn:{"Fn::Select":[1,{"Fn::Split":[":",{"Ref":"ChurnDeploymentStagingStateMachine04512B30"}]}]}:states:{"Fn::Select":[3,{"Fn::Split":[":",{"Ref":"ChurnDeploymentStagingStateMachine04512B30"}]}]}:{"Fn::Select":[4,{"Fn::Split":[":",{"Ref":"ChurnDeploymentStagingStateMachine04512B30"}]}]}:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"ChurnDeploymentStagingStateMachine04512B30"}]}]}:Staging*]', ['DeploymentStack/ChurnDeployment/Pipeline/Staging/Deploy/CodePipelineActionRole/DefaultPolicy'], ['DeploymentStack/ChurnDeployment/Pipeline/Staging/Deploy/CodePipelineActionRole/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cloudformation:<AWS::Region>:<AWS::AccountId>:stack/ServingStack/*]', ['DeploymentStack/ChurnDeployment/Production/Role/DefaultPolicy'], ['DeploymentStack/ChurnDeployment/Production/Role/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cloudformation:<AWS::Region>:<AWS::AccountId>:stack/StagingStack/*]', ['DeploymentStack/ChurnDeployment/Production/Role/DefaultPolicy', 'DeploymentStack/ChurnDeployment/Staging/Role/DefaultPolicy'], ['DeploymentStack/ChurnDeployment/Production/Role/DefaultPolicy/Resource', 'DeploymentStack/ChurnDeployment/Staging/Role/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/sagemaker/Endpoints/stagingstack-churn-397ea71a:*]', ['StagingStack/Candidate/Role/DefaultPolicy'], ['StagingStack/Candidate/Role/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sagemaker:<AWS::Region>:<AWS::AccountId>:model-package/*]', ['DeploymentStack/ChurnDeployment/Staging/Role/DefaultPolicy'], ['DeploymentStack/ChurnDeployment/Staging/Role/DefaultPolicy/Resource']),
    ack('AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sagemaker:<AWS::Region>:<AWS::AccountId>:model-package/churn/*]', ['DeploymentStack/ChurnDeployment/Staging/Role/DefaultPolicy', 'ServingStack/Challenger/Role/DefaultPolicy', 'StagingStack/Candidate/Role/DefaultPolicy'], ['DeploymentStack/ChurnDeployment/Staging/Role/DefaultPolicy/Resource', 'ServingStack/Challenger/Role/DefaultPolicy/Resource', 'StagingStack/Candidate/Role/DefaultPolicy/Resource']),
    ack('AwsSolutions-S1', ['DeploymentStack/ChurnDeployment/Artifacts'], ['DeploymentStack/ChurnDeployment/Artifacts/Resource']),
    ack('cloudwatch_alarm_action_check', ['StagingStack/Churn/ErrorRateAlarm', 'StagingStack/Churn/LatencyAlarm'], ['StagingStack/Churn/ErrorRateAlarm', 'StagingStack/Churn/LatencyAlarm']),
    ack('HIPAA.Security-CloudWatchAlarmAction', ['StagingStack/Churn/ErrorRateAlarm', 'StagingStack/Churn/LatencyAlarm'], ['StagingStack/Churn/ErrorRateAlarm', 'StagingStack/Churn/LatencyAlarm']),
    ack('HIPAA.Security-IAMNoInlinePolicy', ['DeploymentStack/ChurnDeployment/ApprovalRouter/Role', 'DeploymentStack/ChurnDeployment/EventsRole', 'DeploymentStack/ChurnDeployment/Pipeline/Approve/Approve/CodePipelineActionRole', 'DeploymentStack/ChurnDeployment/Pipeline/Production/Deploy/CodePipelineActionRole', 'DeploymentStack/ChurnDeployment/Pipeline/Role', 'DeploymentStack/ChurnDeployment/Pipeline/Source/Manifest/CodePipelineActionRole', 'DeploymentStack/ChurnDeployment/Pipeline/Staging/Deploy/CodePipelineActionRole', 'DeploymentStack/ChurnDeployment/Production/Role', 'DeploymentStack/ChurnDeployment/Staging/Role', 'StagingStack/Candidate/Role'], ['DeploymentStack/ChurnDeployment/ApprovalRouter/Role/DefaultPolicy/Resource', 'DeploymentStack/ChurnDeployment/EventsRole/DefaultPolicy/Resource', 'DeploymentStack/ChurnDeployment/Pipeline/Approve/Approve/CodePipelineActionRole/DefaultPolicy/Resource', 'DeploymentStack/ChurnDeployment/Pipeline/Production/Deploy/CodePipelineActionRole/DefaultPolicy/Resource', 'DeploymentStack/ChurnDeployment/Pipeline/Role/DefaultPolicy/Resource', 'DeploymentStack/ChurnDeployment/Pipeline/Source/Manifest/CodePipelineActionRole/DefaultPolicy/Resource', 'DeploymentStack/ChurnDeployment/Pipeline/Staging/Deploy/CodePipelineActionRole/DefaultPolicy/Resource', 'DeploymentStack/ChurnDeployment/Production/Role/DefaultPolicy/Resource', 'DeploymentStack/ChurnDeployment/Staging/Role/DefaultPolicy/Resource', 'StagingStack/Candidate/Role/DefaultPolicy/Resource']),
    ack('HIPAA.Security-S3BucketLoggingEnabled', ['DeploymentStack/ChurnDeployment/Artifacts'], ['DeploymentStack/ChurnDeployment/Artifacts/Resource']),
    ack('HIPAA.Security-S3BucketReplicationEnabled', ['DeploymentStack/ChurnDeployment/Artifacts'], ['DeploymentStack/ChurnDeployment/Artifacts/Resource']),
    ack('NIST.800.53.R5-CloudWatchAlarmAction', ['StagingStack/Churn/ErrorRateAlarm', 'StagingStack/Churn/LatencyAlarm'], ['StagingStack/Churn/ErrorRateAlarm', 'StagingStack/Churn/LatencyAlarm']),
    ack('NIST.800.53.R5-IAMNoInlinePolicy', ['DeploymentStack/ChurnDeployment/ApprovalRouter/Role', 'DeploymentStack/ChurnDeployment/EventsRole', 'DeploymentStack/ChurnDeployment/Pipeline/Approve/Approve/CodePipelineActionRole', 'DeploymentStack/ChurnDeployment/Pipeline/Production/Deploy/CodePipelineActionRole', 'DeploymentStack/ChurnDeployment/Pipeline/Role', 'DeploymentStack/ChurnDeployment/Pipeline/Source/Manifest/CodePipelineActionRole', 'DeploymentStack/ChurnDeployment/Pipeline/Staging/Deploy/CodePipelineActionRole', 'DeploymentStack/ChurnDeployment/Production/Role', 'DeploymentStack/ChurnDeployment/Staging/Role', 'StagingStack/Candidate/Role'], ['DeploymentStack/ChurnDeployment/ApprovalRouter/Role/DefaultPolicy/Resource', 'DeploymentStack/ChurnDeployment/EventsRole/DefaultPolicy/Resource', 'DeploymentStack/ChurnDeployment/Pipeline/Approve/Approve/CodePipelineActionRole/DefaultPolicy/Resource', 'DeploymentStack/ChurnDeployment/Pipeline/Production/Deploy/CodePipelineActionRole/DefaultPolicy/Resource', 'DeploymentStack/ChurnDeployment/Pipeline/Role/DefaultPolicy/Resource', 'DeploymentStack/ChurnDeployment/Pipeline/Source/Manifest/CodePipelineActionRole/DefaultPolicy/Resource', 'DeploymentStack/ChurnDeployment/Pipeline/Staging/Deploy/CodePipelineActionRole/DefaultPolicy/Resource', 'DeploymentStack/ChurnDeployment/Production/Role/DefaultPolicy/Resource', 'DeploymentStack/ChurnDeployment/Staging/Role/DefaultPolicy/Resource', 'StagingStack/Candidate/Role/DefaultPolicy/Resource']),
    ack('NIST.800.53.R5-S3BucketLoggingEnabled', ['DeploymentStack/ChurnDeployment/Artifacts'], ['DeploymentStack/ChurnDeployment/Artifacts/Resource']),
    ack('NIST.800.53.R5-S3BucketReplicationEnabled', ['DeploymentStack/ChurnDeployment/Artifacts'], ['DeploymentStack/ChurnDeployment/Artifacts/Resource']),
    ack('s3_bucket_logging_enabled_check', ['DeploymentStack/ChurnDeployment/Artifacts'], ['DeploymentStack/ChurnDeployment/Artifacts/Resource']),
    ack('s3_bucket_object_lock_enabled_check', ['DeploymentStack/ChurnDeployment/Artifacts'], ['DeploymentStack/ChurnDeployment/Artifacts/Resource']),
    // ServingStack's InferenceApi defines the account's API Gateway logging role (cloudWatchRole: true), AWS-managed policy.
    ack('AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]', ['ServingStack/Api/Resource/CloudWatchRole'], ['ServingStack/Api/Resource/CloudWatchRole/Resource']),
  ]);
  expect([...result.stacks].sort()).toEqual(['DataStack', 'DeploymentStack', 'ServingStack', 'StagingStack', 'TrainingStack']);
});
