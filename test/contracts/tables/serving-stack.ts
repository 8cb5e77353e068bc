import { App, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { buildReferenceApp } from '../../../bin/reference-app';
import { IDataLake } from '../../../lib/data-lake';
import { DriftMonitor, ProblemType } from '../../../lib/drift';
import { AbExperiment, SuccessMeasure } from '../../../lib/experiments';
import { AlertTopics } from '../../../lib/monitoring';
import { ModelEndpoint, ServingModel } from '../../../lib/serving';
import { ITrainingPipeline } from '../../../lib/training';
import { FEATURES, driftFixture } from '../../drift/fixtures';
import { experimentFixture } from '../../experiments/fixtures';
import { servingFixture } from '../../serving/fixtures';
import { testApp } from '../../util';
import { ContractApp, pathOf } from '../harness/apps';
import { ACCOUNT, REGION } from '../harness/cfn';
import { CallRow, PrincipalContract, findOne } from '../harness/iam';

/**
 * The serving side of the platform: the models' execution roles, the handlers of drift, model quality, baseline profiles and
 * A/B experiments, their schedulers, and the services that publish alarms and events to the alert topics. One subject per app.
 */
export interface ServingAppSpec {
  readonly app: App;
  readonly lake: IDataLake;
  readonly endpoint: ModelEndpoint;
  /** Each model with the objects it serves and the repository of its image. */
  readonly models: ServedModel[];
  readonly drift?: DriftMonitor;
  /** The training pipeline the drift monitor starts when a variant drifts (`retrainOnDrift`). */
  readonly retrainPipeline?: ITrainingPipeline;
  readonly baselineDataset?: { zone: string; key: string };
  /** The zone of the models whose profiles the drift monitor reads next to their artifacts (`baselineFollowsModel`). */
  readonly modelProfiles?: { zone: string; profileName: string };
  readonly groundTruth?: { zone: string; prefix: string };
  readonly experiment?: AbExperiment;
  /** Where the experiment's ground truth lands, when it measures success by ground truth (`SuccessMeasure.groundTruth`). */
  readonly experimentGroundTruth?: { zone: string; prefix: string };
  readonly alerts?: AlertTopics;
  /** The key of the endpoint's own log group, if it defines one encrypted. */
  readonly endpointLogsKey?: kms.IKey;
  /** The image repository the registered package that a model serves names (the reference app registers with its trainer). */
  readonly packageImageRepositoryArn?: (app: ContractApp) => string;
}

/** A model of the endpoint, with the object it serves and the repository of its image. */
export interface ServedModel {
  readonly model: ServingModel;
  readonly variant: string;
  readonly modelData: { zone: string; key: string };
  readonly repositoryName: string;
  /** The registry version it serves, if it serves a model package. */
  readonly packageVersion?: number;
  /** Whether it serves the approved version a deployment pipeline passes in (any version of the group, chosen after deploy). */
  readonly approvedPackages?: boolean;
}

export const SERVING_APPS: Record<string, () => ServingAppSpec> = {
  'reference app': () => {
    const app = testApp();
    const s = buildReferenceApp(app);
    return {
      app, lake: s.data.lake, endpoint: s.serving.endpoint,
      models: [
        { model: s.serving.champion, variant: 'champion', modelData: { zone: 'models', key: 'churn/v3/model.tar.gz' }, repositoryName: 'churn-inference' },
        // The approved version the pipeline passes in (any version of churn), or the champion's artifacts until then.
        { model: s.serving.challenger, variant: 'challenger', modelData: { zone: 'models', key: 'churn/v3/model.tar.gz' }, repositoryName: 'churn-inference', packageVersion: 1, approvedPackages: true },
      ],
      drift: s.serving.drift, retrainPipeline: s.training.pipeline, baselineDataset: { zone: 'features', key: 'churn/train/train.csv' }, groundTruth: { zone: 'monitoring', prefix: 'ground-truth/churn/' },
      experiment: s.serving.experiment, experimentGroundTruth: { zone: 'monitoring', prefix: 'ground-truth/churn/' }, alerts: s.data.alerts,
      packageImageRepositoryArn: (app) => {
        // What the training pipeline registers: the image of its CreateModelPackage call, as the state machine sends it.
        const register = app.definition(s.training.pipeline.stateMachine).States.RegisterModel;
        const image: string = register.Arguments.InferenceSpecification.Containers[0].Image;
        const [, host, repo] = /^(\d+)\.dkr\.ecr\.[^/]+\/([^:@]+)/.exec(image)!;
        return `arn:aws:ecr:${REGION}:${host}:repository/${repo}`;
      },
    };
  },
  'drift monitor, minimal (a baseline profile)': () => {
    const f = driftFixture();
    const baselineProfile = { zone: f.lake.zone('features'), key: 'baselines/churn.json' };
    const drift = new DriftMonitor(f.stack, 'Drift', { endpoint: f.endpoint, features: FEATURES, baselineProfile });
    return { app: f.app, lake: f.lake, endpoint: f.endpoint, models: fixtureModels(f.stack), drift };
  },
  'drift monitor, full (baseline dataset, model quality, alerts)': () => {
    const f = driftFixture();
    const alerts = new AlertTopics(f.stack, 'Alerts');
    const drift = new DriftMonitor(f.stack, 'Drift', {
      endpoint: f.endpoint, features: FEATURES, alerts,
      baselineDataset: { zone: f.lake.zone('features'), key: 'churn/train.csv', header: true },
      modelQuality: { groundTruthZone: f.lake.zone('monitoring'), groundTruthPrefix: 'ground-truth/churn/', problemType: ProblemType.BINARY_CLASSIFICATION, minAuc: 0.8 },
    });
    return {
      app: f.app, lake: f.lake, endpoint: f.endpoint, models: fixtureModels(f.stack), drift, alerts,
      baselineDataset: { zone: 'features', key: 'churn/train.csv' }, groundTruth: { zone: 'monitoring', prefix: 'ground-truth/churn/' },
    };
  },
  'endpoint with its own log group, encrypted with a key of the app': () => {
    const f = servingFixture();
    const key = new kms.Key(f.stack, 'LogsKey', { enableKeyRotation: true });
    const endpoint = new ModelEndpoint(f.stack, 'Churn', {
      endpointName: 'churn',
      variants: [{ name: 'champion', model: f.champion, weight: 90 }, { name: 'challenger', model: f.challenger, weight: 10 }],
      logs: { retention: logs.RetentionDays.ONE_YEAR, encryptionKey: key },
    });
    return { app: f.stack.node.root as App, lake: f.lake, endpoint, models: fixtureModels(f.stack), endpointLogsKey: key };
  },
  'drift monitor, baseline that follows the deployed model': () => {
    const f = driftFixture();
    const drift = new DriftMonitor(f.stack, 'Drift', {
      endpoint: f.endpoint, features: FEATURES,
      baselineDataset: { zone: f.lake.zone('features'), key: 'churn/train.csv', header: true },
      baselineFollowsModel: { modelsZone: f.lake.zone('models') },
    });
    return {
      app: f.app, lake: f.lake, endpoint: f.endpoint, models: fixtureModels(f.stack), drift,
      baselineDataset: { zone: 'features', key: 'churn/train.csv' }, modelProfiles: { zone: 'models', profileName: 'baseline-profile.json' },
    };
  },
  'A/B experiment, minimal': () => {
    const f = experimentFixture();
    const experiment = new AbExperiment(f.stack, 'ChurnV4', { endpoint: f.endpoint, championVariant: 'champion', challengerVariant: 'challenger' });
    return { app: f.app, lake: f.lake, endpoint: f.endpoint, models: fixtureModels(f.stack), experiment };
  },
  'A/B experiment, with alerts': () => {
    const f = experimentFixture();
    const alerts = new AlertTopics(f.stack, 'Alerts');
    const experiment = new AbExperiment(f.stack, 'ChurnV4', { endpoint: f.endpoint, championVariant: 'champion', challengerVariant: 'challenger', alerts });
    return { app: f.app, lake: f.lake, endpoint: f.endpoint, models: fixtureModels(f.stack), experiment, alerts };
  },
  'A/B experiment, measured by ground truth': () => {
    const f = experimentFixture();
    const experiment = new AbExperiment(f.stack, 'ChurnV4', {
      endpoint: f.endpoint, championVariant: 'champion', challengerVariant: 'challenger',
      successMeasure: SuccessMeasure.groundTruth({ groundTruthZone: f.lake.zone('curated'), groundTruthPrefix: 'labels/churn/' }),
    });
    return {
      app: f.app, lake: f.lake, endpoint: f.endpoint, models: fixtureModels(f.stack), experiment,
      experimentGroundTruth: { zone: 'curated', prefix: 'labels/churn/' },
    };
  },
};

/** The champion and challenger of the drift and experiment fixtures (test/serving/fixtures.ts imageModel). */
function fixtureModels(stack: Stack): ServingAppSpec['models'] {
  return [
    { model: stack.node.findChild('Champion') as ServingModel, variant: 'champion', modelData: { zone: 'models', key: 'churn/v3/model.tar.gz' }, repositoryName: 'churn-inference' },
    { model: stack.node.findChild('Challenger') as ServingModel, variant: 'challenger', modelData: { zone: 'models', key: 'churn/v4/model.tar.gz' }, repositoryName: 'churn-inference' },
  ];
}

export interface ServingSubject {
  readonly spec: ServingAppSpec;
  readonly stackPath: string;
  readonly endpointName: string;
  readonly endpointArn: string;
  readonly lakeKeyArn?: string;
  readonly bucket: (zone: string) => string;
  readonly models: (ServingAppSpec['models'][number] & { roleArn: string; dataArn: string })[];
  readonly captureBucketArn?: string;
  readonly capturePrefix?: string;
  readonly baselineArn?: string;
  readonly driftFunctionArn?: string;
  /** The retrain-on-drift rule, the role its target runs as, the state machine it starts and its dead-letter queue. */
  readonly retrain?: { ruleArn: string; roleArn: string; stateMachineArn: string; deadLetterQueueArn: string };
  readonly experimentFunctionArn?: string;
  /** The experiment's state and reports: bucket ARN and key prefix (`experiments/<endpoint>/<name>/`). */
  readonly experimentState?: { bucketArn: string; bucketName: string; prefix: string };
  /** The ground truth the experiment joins (its zone's bucket ARN and prefix), when it measures success by ground truth. */
  readonly experimentGroundTruth?: { bucketArn: string; prefix: string };
  readonly warningTopicArn?: string;
  readonly alertsKeyArn?: string;
  readonly packageImageRepositoryArn?: string;
  /** The alarm names of the endpoint's AutoRollbackConfiguration, as SageMaker receives them. */
  readonly rollbackAlarmNames: string[];
  readonly endpointLogsKeyArn?: string;
  /** The ARN of the one role at a construct path. */
  readonly roleArnAt: (path: RegExp) => string;
  /** The ARN of the one Lambda function at a construct path. */
  readonly functionArnAt: (path: RegExp) => string;
  /** The ARN of the one log group at a construct path. */
  readonly logGroupArnAt: (path: RegExp) => string;
  /** The ARN of the one queue whose construct path matches. */
  readonly queueArnAt: (path: RegExp) => string;
}

function retrainOf(app: ContractApp, spec: ServingAppSpec): ServingSubject['retrain'] {
  const rule = spec.drift?.node.tryFindChild('RetrainOnDrift') as events.Rule | undefined;
  if (!spec.drift || !spec.retrainPipeline || !rule) {
    return undefined;
  }
  const sm = spec.retrainPipeline.stateMachine;
  const queue = spec.drift.node.findChild('RetrainDeadLetters') as sqs.Queue;
  const path = spec.drift.node.path;
  return {
    ruleArn: app.value(rule, rule.ruleArn),
    roleArn: findOne(app.iam, { path: new RegExp(`^${path}/RetrainRole$`) }).roleArn,
    stateMachineArn: app.value(sm, sm.stateMachineArn),
    deadLetterQueueArn: app.value(queue, queue.queueArn),
  };
}

export function servingSubject(app: ContractApp, spec: ServingAppSpec): ServingSubject {
  const bucket = (zone: string) => {
    const b = spec.lake.zone(zone).bucket;
    return app.value(b, b.bucketArn);
  };
  const key = spec.lake.encryptionKey;
  const capture = spec.endpoint.dataCapture;
  const endpointName = app.value(spec.endpoint, spec.endpoint.endpointName);
  const models = spec.models.map((m) => ({
    ...m, roleArn: app.value(m.model, m.model.role!.roleArn), dataArn: `${bucket(m.modelData.zone)}/${m.modelData.key}`,
  }));
  return {
    spec,
    stackPath: Stack.of(spec.endpoint).node.path,
    endpointName,
    endpointArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:endpoint/${endpointName}`,
    lakeKeyArn: key && app.value(key, key.keyArn),
    bucket,
    models,
    captureBucketArn: capture && app.value(capture.zone.bucket, capture.zone.bucket.bucketArn),
    capturePrefix: capture && `${capture.prefix}${endpointName}/`,
    baselineArn: spec.drift && `${app.value(spec.drift.baselineProfile.zone.bucket, spec.drift.baselineProfile.zone.bucket.bucketArn)}/`
      + spec.drift.baselineProfile.key,
    driftFunctionArn: spec.drift && app.value(spec.drift.driftFunction, spec.drift.driftFunction.functionArn),
    retrain: retrainOf(app, spec),
    experimentFunctionArn: spec.experiment && app.value(spec.experiment.experimentFunction, spec.experiment.experimentFunction.functionArn),
    experimentState: spec.experiment && {
      bucketArn: app.value(spec.experiment.reportZone.bucket, spec.experiment.reportZone.bucket.bucketArn),
      bucketName: app.value(spec.experiment.reportZone.bucket, spec.experiment.reportZone.bucket.bucketName),
      prefix: app.value(spec.experiment, spec.experiment.reportPrefix),
    },
    experimentGroundTruth: spec.experimentGroundTruth && {
      bucketArn: bucket(spec.experimentGroundTruth.zone), prefix: spec.experimentGroundTruth.prefix,
    },
    warningTopicArn: spec.alerts && app.value(spec.alerts.warningTopic, spec.alerts.warningTopic.topicArn),
    alertsKeyArn: spec.alerts?.encryptionKey && app.value(spec.alerts.encryptionKey, spec.alerts.encryptionKey.keyArn),
    packageImageRepositoryArn: spec.packageImageRepositoryArn?.(app),
    rollbackAlarmNames: rollbackAlarmNames(app, spec.endpoint),
    endpointLogsKeyArn: spec.endpointLogsKey && app.value(spec.endpointLogsKey, spec.endpointLogsKey.keyArn),
    roleArnAt: (path) => findOne(app.iam, { path }).roleArn,
    functionArnAt: (path) => {
      const fns = app.resolver.resources().filter((r) => r.type === 'AWS::Lambda::Function' && path.test(r.path));
      if (fns.length !== 1) {
        throw new Error(`expected one function at ${path}, found ${fns.length}`);
      }
      return app.resolver.resolveString(fns[0].stackName, { 'Fn::GetAtt': [fns[0].logicalId, 'Arn'] });
    },
    queueArnAt: (path) => {
      const queues = app.resolver.resources().filter((r) => r.type === 'AWS::SQS::Queue' && path.test(r.path));
      if (queues.length !== 1) {
        throw new Error(`expected one queue at ${path}, found ${queues.length}`);
      }
      return app.resolver.resolveString(queues[0].stackName, { 'Fn::GetAtt': [queues[0].logicalId, 'Arn'] });
    },
    logGroupArnAt: (path) => {
      const groups = app.resolver.resources().filter((r) => r.type === 'AWS::Logs::LogGroup' && path.test(r.path));
      if (groups.length !== 1) {
        throw new Error(`expected one log group at ${path}, found ${groups.length}`);
      }
      return app.resolver.resolveString(groups[0].stackName, { 'Fn::GetAtt': [groups[0].logicalId, 'Arn'] });
    },
  };
}

const CREATE_MODEL_ROLE = 'https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html#sagemaker-roles-createmodel-perms';
const PACKAGE_MODEL = 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ContainerDefinition.html#sagemaker-Type-ContainerDefinition-ModelPackageName';
/** The alarm names in an endpoint's DeploymentConfig, resolved. */
export function rollbackAlarmNames(app: ContractApp, endpoint: ModelEndpoint): string[] {
  const stack = Stack.of(endpoint);
  const props = app.template(stack).Resources[stack.resolve(endpoint.resource.logicalId)].Properties;
  const alarms: { AlarmName: unknown }[] = props.DeploymentConfig?.AutoRollbackConfiguration?.Alarms ?? [];
  return alarms.map((a) => app.resolver.resolveString(stack.stackName, a.AlarmName));
}

const GUARDRAIL_ALARMS = 'https://docs.aws.amazon.com/sagemaker/latest/dg/deployment-guardrails-configuration.html';
const LOGS_ARNS = 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/iam-access-control-overview-cwl.html';
const CAPTURE = 'https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-data-capture.html';
const S3_SSE_KMS = 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#require-sse-kms';
const LIST = 'https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html';
const GET = 'https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html';
const PUT = 'https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html';
const PUT_METRIC = 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/iam-cw-condition-keys-namespace.html';
const GET_METRIC = 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html';
const UPDATE_WEIGHTS = 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_UpdateEndpointWeightsAndCapacities.html';
const DESCRIBE_ENDPOINT = 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeEndpoint.html';
const DESCRIBE_ENDPOINT_CONFIG = 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeEndpointConfig.html';
const DESCRIBE_MODEL = 'https://docs.aws.amazon.com/sagemaker/latest/dg/API_DescribeModel.html';
const S3_ACTIONS = 'https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html';
const CONDITIONAL_WRITES = 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html';
const LAMBDA_LOGS = 'https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-advanced.html#monitoring-cloudwatchlogs-permissions';
const SCHEDULER_ROLE = 'https://docs.aws.amazon.com/scheduler/latest/UserGuide/setting-up.html#setting-up-execution-role';
const CONFUSED_DEPUTY = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html';
const SNS_PUBLISH = 'https://docs.aws.amazon.com/sns/latest/api/API_Publish.html';
const SNS_SSE = 'https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#sns-what-permissions-for-sse';
const CW_ENCRYPTED_TOPIC = 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Notify_Users_Alarm_Changes.html';
const EB_SNS = 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sns-permissions';
/** "Adding the aws:SourceAccount and aws:SourceArn to a AWS KMS policy is not supported for EventBridge-to-encrypted topics." */
const SNS_EVENTS = 'https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services';

const alarmArn = (name: string) => `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${name}`;

/** The ARN of an endpoint's log group, without the trailing ':*'. */
const endpointLogs = (endpointName: string) => `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/sagemaker/Endpoints/${endpointName}`;

/**
 * What S3 sends KMS for an SSE-KMS object of a bucket with an S3 Bucket Key: kms:ViaService and the encryption context aws:s3:arn =
 * the bucket ARN (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service,
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#encryption-context). The lake's grants require both.
 */
const viaS3 = (bucketArn: string) => ({ 'kms:ViaService': `s3.${REGION}.amazonaws.com`, 'kms:EncryptionContext:aws:s3:arn': bucketArn });
const KMS_VIA_SERVICE = 'https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service';
const viaSns = { 'kms:ViaService': `sns.${REGION}.amazonaws.com` };
const OTHER_ACCOUNT = '210987654321';
const EB_TARGETS = 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-identity-based.html#eb-use-identity-based-sfn';
const EB_CONFUSED_DEPUTY = 'https://docs.aws.amazon.com/eventbridge/latest/userguide/cross-service-confused-deputy-prevention.html';
const EB_DLQ = 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html';
const SCHEDULER_CONFUSED_DEPUTY = 'https://docs.aws.amazon.com/scheduler/latest/UserGuide/cross-service-confused-deputy-prevention.html';
const DEFAULT_GROUP = `arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule-group/default`;

/** A handler's role and its scheduler's role, by the construct path of the stack's singleton handler. */
const handlerRole = (s: ServingSubject, handler: string) => ({ role: { path: new RegExp(`^${s.stackPath}/cdk-mlops-${handler}/Role$`) } });
const schedulerRole = (s: ServingSubject, handler: string) => ({ role: { path: new RegExp(`^${s.stackPath}/cdk-mlops-${handler}/SchedulerRole$`) } });

const LAMBDA_DLQ = 'https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html#invocation-dlq';
const SQS_ACTIONS = 'https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsqs.html';

/**
 * A handler's role on its dead-letter queue (the function's DeadLetterConfig): Lambda sends a run that failed after its retries
 * with the function's role, which needs sqs:SendMessage on the queue and nothing more.
 */
function deadLetterContract(handler: string, when: (s: ServingSubject) => boolean): PrincipalContract<ServingSubject> {
  const queue = (s: ServingSubject) => s.queueArnAt(new RegExp(`^${s.stackPath}/cdk-mlops-${handler}/DeadLetters(/Resource)?$`));
  return {
    principal: `the ${handler} handler's role, on its dead-letter queue`,
    when,
    who: (s) => handlerRole(s, handler),
    calls: (s) => [
      { call: 'sends a failed run to its dead-letter queue', action: 'sqs:SendMessage', resource: queue(s), expect: 'allowed', source: LAMBDA_DLQ },
      { call: 'sends to another queue', action: 'sqs:SendMessage', resource: `arn:aws:sqs:${REGION}:${ACCOUNT}:other`, expect: 'denied', source: LAMBDA_DLQ },
      { call: 'reads its dead-letter queue\'s attributes', action: 'sqs:GetQueueAttributes', resource: queue(s), expect: 'denied', source: SQS_ACTIONS },
      { call: 'reads the failed runs back', action: 'sqs:ReceiveMessage', resource: queue(s), expect: 'denied', source: SQS_ACTIONS },
    ],
  };
}

function schedulerContract(
  handler: string, fnArn: (s: ServingSubject) => string | undefined, when: (s: ServingSubject) => boolean,
): PrincipalContract<ServingSubject>[] {
  return [
    {
      principal: `the ${handler} handler's scheduler role`,
      when,
      who: (s) => schedulerRole(s, handler),
      calls: (s) => [
        { call: `invokes the ${handler} handler`, action: 'lambda:InvokeFunction', resource: fnArn(s)!, expect: 'allowed', source: SCHEDULER_ROLE },
        { call: 'invokes another function', action: 'lambda:InvokeFunction', resource: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:other`, expect: 'denied', source: SCHEDULER_ROLE },
      ],
    },
  ];
}

/** The calls of the serving side's principals. Add a row where a principal gains or loses a call. */
export const SERVING_CONTRACT: PrincipalContract<ServingSubject>[] = [
  // --- the models' execution roles ----------------------------------------------------------------------------------------
  ...['champion', 'challenger'].map((variant): PrincipalContract<ServingSubject> => ({
    principal: `the ${variant} model's execution role`,
    who: (s) => ({ role: { path: pathOf(s.spec.models.find((m) => m.variant === variant)!.model.role!) } }),
    calls: (s) => {
      const m = s.models.find((x) => x.variant === variant)!;
      const other = s.models.find((x) => x.variant !== variant)!;
      const repo = (name: string) => `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/${name}`;
      const rows: CallRow[] = [
        { call: 'reads its model artifacts', action: 's3:GetObject', resource: m.dataArn, expect: 'allowed', source: CREATE_MODEL_ROLE },
        { call: 'pulls its image', action: 'ecr:BatchGetImage', resource: repo(m.repositoryName), expect: 'allowed', source: CREATE_MODEL_ROLE },
        { action: 'ecr:GetAuthorizationToken', resource: '*', expect: 'allowed', source: CREATE_MODEL_ROLE },
        // CloudWatch Logs authorizes group actions on the group ARN with ':*' and stream actions on the stream ARN (LOGS_ARNS).
        { call: 'creates its endpoint\'s log group', action: 'logs:CreateLogGroup', resource: `${endpointLogs(s.endpointName)}:*`, expect: 'allowed', source: LOGS_ARNS },
        { call: 'finds its endpoint\'s log streams', action: 'logs:DescribeLogStreams', resource: `${endpointLogs(s.endpointName)}:*`, expect: 'allowed', source: LOGS_ARNS },
        { call: 'creates a log stream', action: 'logs:CreateLogStream', resource: `${endpointLogs(s.endpointName)}:log-stream:${variant}/i-0abc`, expect: 'allowed', source: LOGS_ARNS },
        {
          call: 'writes its endpoint\'s logs', action: 'logs:PutLogEvents',
          resource: `${endpointLogs(s.endpointName)}:log-stream:${variant}/i-0abc`, expect: 'allowed', source: CREATE_MODEL_ROLE,
        },
        {
          call: 'writes the logs of an endpoint whose name starts with its own', action: 'logs:PutLogEvents',
          resource: `${endpointLogs(`${s.endpointName}-2`)}:log-stream:x`, expect: 'denied', source: LOGS_ARNS,
        },
        { call: 'finds the streams of an endpoint whose name starts with its own', action: 'logs:DescribeLogStreams', resource: `${endpointLogs(`${s.endpointName}-2`)}:*`, expect: 'denied', source: LOGS_ARNS },
        { call: 'deletes its endpoint\'s log group', action: 'logs:DeleteLogGroup', resource: `${endpointLogs(s.endpointName)}:*`, expect: 'denied', source: LOGS_ARNS },
        { call: 'pulls its image\'s layers', action: 'ecr:GetDownloadUrlForLayer', resource: repo(m.repositoryName), expect: 'allowed', source: CREATE_MODEL_ROLE },
        { call: 'pulls another repository\'s image', action: 'ecr:BatchGetImage', resource: repo('other'), expect: 'denied', source: CREATE_MODEL_ROLE },
        { call: 'pulls another repository\'s layers', action: 'ecr:GetDownloadUrlForLayer', resource: repo('other'), expect: 'denied', source: CREATE_MODEL_ROLE },
        { call: 'pushes to its image\'s repository', action: 'ecr:PutImage', resource: repo(m.repositoryName), expect: 'denied', source: CREATE_MODEL_ROLE },
        // Deployment guardrails read the rollback alarms with the execution role (GUARDRAIL_ALARMS).
        ...s.rollbackAlarmNames.map((name): CallRow => ({
          call: `lets the guardrails read the rollback alarm ${name}`, action: 'cloudwatch:DescribeAlarms', resource: alarmArn(name), expect: 'allowed', source: GUARDRAIL_ALARMS,
        })),
        { call: 'reads another alarm', action: 'cloudwatch:DescribeAlarms', resource: alarmArn('other-alarm'), expect: 'denied', source: GUARDRAIL_ALARMS },
        { call: 'writes into the models zone', action: 's3:PutObject', resource: `${s.bucket('models')}/${m.modelData.key}`, expect: 'denied', source: CREATE_MODEL_ROLE },
        { call: 'writes another endpoint\'s logs', action: 'logs:PutLogEvents', resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/sagemaker/Endpoints/other:log-stream:x`, expect: 'denied', source: CREATE_MODEL_ROLE },
      ];
      if (other.modelData.key !== m.modelData.key && !m.packageVersion) {
        rows.push({ call: 'reads the other model\'s artifacts', action: 's3:GetObject', resource: other.dataArn, expect: 'denied', source: CREATE_MODEL_ROLE });
      }
      if (s.lakeKeyArn) {
        rows.push(
          { call: 'decrypts its SSE-KMS model artifacts', action: 'kms:Decrypt', resource: s.lakeKeyArn, context: viaS3(s.bucket('models')), expect: 'allowed', source: S3_SSE_KMS },
          { call: 'decrypts with the lake key directly, not through S3', action: 'kms:Decrypt', resource: s.lakeKeyArn, expect: 'denied', source: KMS_VIA_SERVICE },
        );
      }
      if (m.packageVersion) {
        const pkg = (v: number) => `arn:aws:sagemaker:${REGION}:${ACCOUNT}:model-package/churn/${v}`;
        rows.push(
          { call: 'reads the model package it serves', action: 'sagemaker:DescribeModelPackage', resource: pkg(m.packageVersion), expect: 'allowed', source: PACKAGE_MODEL },
          m.approvedPackages
            ? { call: 'reads another version (the pipeline may pass any approved one)', action: 'sagemaker:DescribeModelPackage', resource: pkg(m.packageVersion + 1), expect: 'allowed', source: PACKAGE_MODEL }
            : { call: 'reads another version', action: 'sagemaker:DescribeModelPackage', resource: pkg(m.packageVersion + 1), expect: 'denied', source: PACKAGE_MODEL },
          {
            call: 'reads a version of another group', action: 'sagemaker:DescribeModelPackage', resource: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:model-package/fraud/1`,
            expect: 'denied', source: PACKAGE_MODEL,
          },
          {
            call: 'reads the artifacts a registered version names', action: 's3:GetObject', resource: `${s.bucket('models')}/training/churn/output/churn-0b6f9c62/output/model.tar.gz`,
            expect: 'allowed', source: PACKAGE_MODEL,
          },
        );
        if (s.packageImageRepositoryArn) {
          rows.push({
            call: 'pulls the image the registered package names', action: 'ecr:BatchGetImage', resource: s.packageImageRepositoryArn, expect: 'allowed',
            source: PACKAGE_MODEL,
          }, {
            call: 'pulls the layers of the image the registered package names', action: 'ecr:GetDownloadUrlForLayer', resource: s.packageImageRepositoryArn,
            expect: 'allowed', source: PACKAGE_MODEL,
          }, {
            call: 'pulls the trainer image (the package does not name it)', action: 'ecr:BatchGetImage', resource: repo('cdk-mlops/churn-trainer'),
            expect: 'denied', source: PACKAGE_MODEL,
          });
        }
      }
      if (s.capturePrefix) {
        const captured = `${s.captureBucketArn}/${s.capturePrefix}${variant}/2026/01/05/09/00-00-000-capture.jsonl`;
        rows.push(
          { call: 'writes captured requests and responses', action: 's3:PutObject', resource: captured, expect: 'allowed', source: CAPTURE },
          { call: 'writes captures of another endpoint', action: 's3:PutObject', resource: `${s.captureBucketArn}/data-capture/other/${variant}/x.jsonl`, expect: 'denied', source: CAPTURE },
          { call: 'deletes captures', action: 's3:DeleteObject', resource: captured, expect: 'denied', source: CAPTURE },
        );
        if (s.lakeKeyArn) {
          rows.push(
            { call: 'encrypts captures (SSE-KMS)', action: 'kms:GenerateDataKey', resource: s.lakeKeyArn, context: viaS3(s.captureBucketArn!), expect: 'allowed', source: S3_SSE_KMS },
            {
              call: 'generates data keys through S3 for a bucket other than its zones', action: 'kms:GenerateDataKey', resource: s.lakeKeyArn,
              context: viaS3('arn:aws:s3:::another-bucket'), expect: 'denied', source: KMS_VIA_SERVICE,
            },
          );
        }
      }
      return rows;
    },
  })),
  {
    principal: 'SageMaker, assuming a model\'s execution role',
    who: () => ({ service: 'sagemaker.amazonaws.com' }),
    calls: (s) => [
      { action: 'sts:AssumeRole', resource: s.models[0].roleArn, context: { 'aws:SourceAccount': ACCOUNT }, expect: 'allowed', source: CREATE_MODEL_ROLE },
      { call: 'for another account', action: 'sts:AssumeRole', resource: s.models[0].roleArn, context: { 'aws:SourceAccount': OTHER_ACCOUNT }, expect: 'denied', source: CONFUSED_DEPUTY },
    ],
  },
  // CloudWatch Logs using the endpoint log group's key is not a row: iam-simulate ignores `kms:EncryptionContext:<key>` context
  // keys (see the alert topics rows), so neither its allowed nor its denied calls can be evaluated; the key policy statement is
  // asserted exactly in test/serving/endpoint-logs.test.ts.
  // --- drift ----------------------------------------------------------------------------------------------------------------
  {
    principal: 'the drift handler\'s role',
    when: (s) => s.spec.drift !== undefined,
    who: (s) => handlerRole(s, 'drift'),
    calls: (s) => {
      const cap = s.captureBucketArn!;
      const file = `${cap}/${s.capturePrefix}champion/2026/01/05/09/00-00-000-capture.jsonl`;
      return [
        { call: 'lists the endpoint\'s captures', action: 's3:ListBucket', resource: cap, context: { 's3:prefix': `${s.capturePrefix}champion/2026/01/05/09/` }, expect: 'allowed', source: LIST },
        { call: 'reads a capture file', action: 's3:GetObject', resource: file, expect: 'allowed', source: GET },
        { call: 'reads the baseline profile', action: 's3:GetObject', resource: s.baselineArn!, expect: 'allowed', source: GET },
        { call: 'decrypts lake objects', action: 'kms:Decrypt', resource: s.lakeKeyArn!, context: viaS3(cap), expect: 'allowed', source: S3_SSE_KMS },
        { call: 'decrypts with the lake key directly, not through S3', action: 'kms:Decrypt', resource: s.lakeKeyArn!, expect: 'denied', source: KMS_VIA_SERVICE },
        { call: 'writes a drift report', action: 's3:PutObject', resource: `${cap}/drift-reports/${s.endpointName}/2026-01-05T09.json`, expect: 'allowed', source: PUT },
        { call: 'publishes drift metrics', action: 'cloudwatch:PutMetricData', resource: '*', context: { 'cloudwatch:namespace': 'cdk-mlops/Drift' }, expect: 'allowed', source: PUT_METRIC },
        { call: 'lists another endpoint\'s captures', action: 's3:ListBucket', resource: cap, context: { 's3:prefix': 'data-capture/other/' }, expect: 'denied', source: LIST },
        { call: 'rewrites captured traffic', action: 's3:PutObject', resource: file, expect: 'denied', source: PUT },
        { call: 'overwrites the baseline', action: 's3:PutObject', resource: s.baselineArn!, expect: 'denied', source: PUT },
        { call: 'reads the training data', action: 's3:GetObject', resource: `${s.bucket('features')}/churn/train/part-0001.csv`, expect: 'denied', source: GET },
        { call: 'publishes into another namespace', action: 'cloudwatch:PutMetricData', resource: '*', context: { 'cloudwatch:namespace': 'AWS/SageMaker' }, expect: 'denied', source: PUT_METRIC },
        { call: 'writes its logs', action: 'logs:PutLogEvents', resource: logStream(s, 'drift'), expect: 'allowed', source: LAMBDA_LOGS },
      ];
    },
  },
  {
    principal: 'the drift handler\'s role, with a baseline that follows the deployed model',
    when: (s) => s.spec.modelProfiles !== undefined,
    who: (s) => handlerRole(s, 'drift'),
    calls: (s) => {
      const mp = s.spec.modelProfiles!;
      const models = s.bucket(mp.zone);
      const arn = (type: string, name: string) => `arn:aws:sagemaker:${REGION}:${ACCOUNT}:${type}/${name}`;
      return [
        { call: 'reads the endpoint\'s configuration in service', action: 'sagemaker:DescribeEndpoint', resource: s.endpointArn, expect: 'allowed', source: DESCRIBE_ENDPOINT },
        { call: 'reads each variant\'s model', action: 'sagemaker:DescribeEndpointConfig', resource: arn('endpoint-config', 'churn-config-1a2b3c'), expect: 'allowed', source: DESCRIBE_ENDPOINT_CONFIG },
        { call: 'reads a model\'s artifacts location', action: 'sagemaker:DescribeModel', resource: arn('model', 'churn-champion-9f8e7d'), expect: 'allowed', source: DESCRIBE_MODEL },
        { call: 'reads the profile next to a model\'s artifacts', action: 's3:GetObject', resource: `${models}/churn/v4/output/${mp.profileName}`, expect: 'allowed', source: GET },
        { call: 'decrypts it', action: 'kms:Decrypt', resource: s.lakeKeyArn!, context: viaS3(models), expect: 'allowed', source: S3_SSE_KMS },
        { call: 'decrypts with the lake key directly, not through S3', action: 'kms:Decrypt', resource: s.lakeKeyArn!, expect: 'denied', source: KMS_VIA_SERVICE },
        { call: 'reads the model artifacts themselves', action: 's3:GetObject', resource: `${models}/churn/v4/output/model.tar.gz`, expect: 'denied', source: GET },
        { call: 'overwrites a model\'s profile', action: 's3:PutObject', resource: `${models}/churn/v4/output/${mp.profileName}`, expect: 'denied', source: PUT },
        { call: 'updates the endpoint', action: 'sagemaker:UpdateEndpoint', resource: s.endpointArn, expect: 'denied', source: DESCRIBE_ENDPOINT },
        { call: 'reads another endpoint', action: 'sagemaker:DescribeEndpoint', resource: arn('endpoint', 'other'), expect: 'denied', source: DESCRIBE_ENDPOINT },
        { call: 'deletes a model', action: 'sagemaker:DeleteModel', resource: arn('model', 'churn-champion-9f8e7d'), expect: 'denied', source: DESCRIBE_MODEL },
        { call: 'creates an endpoint configuration', action: 'sagemaker:CreateEndpointConfig', resource: arn('endpoint-config', 'x'), expect: 'denied', source: DESCRIBE_ENDPOINT_CONFIG },
      ];
    },
  },
  {
    principal: 'the baseline-profile handler\'s role, writing models\' profiles',
    when: (s) => s.spec.modelProfiles !== undefined && s.spec.baselineDataset !== undefined,
    who: (s) => handlerRole(s, 'baseline-profile'),
    calls: (s) => {
      const mp = s.spec.modelProfiles!;
      const models = s.bucket(mp.zone);
      return [
        { call: 'writes a profile next to a model\'s artifacts', action: 's3:PutObject', resource: `${models}/training/churn/output/job-7/output/${mp.profileName}`, expect: 'allowed', source: PUT },
        { call: 'encrypts it', action: 'kms:GenerateDataKey', resource: s.lakeKeyArn!, context: viaS3(models), expect: 'allowed', source: S3_SSE_KMS },
        { call: 'overwrites model artifacts', action: 's3:PutObject', resource: `${models}/training/churn/output/job-7/output/model.tar.gz`, expect: 'denied', source: PUT },
        { call: 'reads model artifacts', action: 's3:GetObject', resource: `${models}/training/churn/output/job-7/output/model.tar.gz`, expect: 'denied', source: GET },
      ];
    },
  },
  ...schedulerContract('drift', (s) => s.driftFunctionArn, (s) => s.spec.drift !== undefined),
  deadLetterContract('drift', (s) => s.spec.drift !== undefined),
  {
    principal: 'EventBridge Scheduler, assuming the drift scheduler role',
    when: (s) => s.spec.drift !== undefined,
    who: () => ({ service: 'scheduler.amazonaws.com' }),
    calls: (s) => {
      const role = s.roleArnAt(schedulerRole(s, 'drift').role.path);
      return [
        // The Scheduler sends the schedule group's ARN as aws:SourceArn (SCHEDULER_CONFUSED_DEPUTY); the trust names the default group.
        { action: 'sts:AssumeRole', resource: role, context: { 'aws:SourceAccount': ACCOUNT, 'aws:SourceArn': DEFAULT_GROUP }, expect: 'allowed', source: SCHEDULER_CONFUSED_DEPUTY },
        {
          call: 'for a schedule of another account', action: 'sts:AssumeRole', resource: role,
          context: { 'aws:SourceAccount': OTHER_ACCOUNT, 'aws:SourceArn': `arn:aws:scheduler:${REGION}:${OTHER_ACCOUNT}:schedule-group/default` }, expect: 'denied', source: CONFUSED_DEPUTY,
        },
        {
          call: 'for a schedule of another group of this account', action: 'sts:AssumeRole', resource: role,
          context: { 'aws:SourceAccount': ACCOUNT, 'aws:SourceArn': `arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule-group/other` }, expect: 'denied', source: SCHEDULER_CONFUSED_DEPUTY,
        },
      ];
    },
  },
  {
    principal: 'the retrain-on-drift rule\'s role',
    when: (s) => s.retrain !== undefined,
    who: (s) => ({ role: { path: new RegExp(`^${s.spec.drift!.node.path}/RetrainRole$`) } }),
    calls: (s) => [
      { call: 'starts a training run', action: 'states:StartExecution', resource: s.retrain!.stateMachineArn, expect: 'allowed', source: EB_TARGETS },
      {
        call: 'starts another state machine', action: 'states:StartExecution',
        resource: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:other`, expect: 'denied', source: EB_TARGETS,
      },
      {
        call: 'stops a run', action: 'states:StopExecution', resource: `${s.retrain!.stateMachineArn.replace(':stateMachine:', ':execution:')}:run-1`,
        expect: 'denied', source: EB_TARGETS,
      },
    ],
  },
  {
    principal: 'EventBridge, assuming the retrain-on-drift rule\'s role',
    when: (s) => s.retrain !== undefined,
    who: () => ({ service: 'events.amazonaws.com' }),
    calls: (s) => [
      {
        call: 'for the retrain-on-drift rule', action: 'sts:AssumeRole', resource: s.retrain!.roleArn,
        context: { 'aws:SourceArn': s.retrain!.ruleArn, 'aws:SourceAccount': ACCOUNT }, expect: 'allowed', source: EB_CONFUSED_DEPUTY,
      },
      {
        call: 'for a rule of another account', action: 'sts:AssumeRole', resource: s.retrain!.roleArn,
        context: { 'aws:SourceArn': `arn:aws:events:${REGION}:${OTHER_ACCOUNT}:rule/other`, 'aws:SourceAccount': OTHER_ACCOUNT }, expect: 'denied', source: CONFUSED_DEPUTY,
      },
      {
        call: 'for another rule of this account', action: 'sts:AssumeRole', resource: s.retrain!.roleArn,
        context: { 'aws:SourceArn': `arn:aws:events:${REGION}:${ACCOUNT}:rule/other`, 'aws:SourceAccount': ACCOUNT }, expect: 'denied', source: EB_CONFUSED_DEPUTY,
      },
      {
        call: 'for the rule\'s name in another account', action: 'sts:AssumeRole', resource: s.retrain!.roleArn,
        context: { 'aws:SourceArn': s.retrain!.ruleArn.replace(`:${ACCOUNT}:`, `:${OTHER_ACCOUNT}:`), 'aws:SourceAccount': OTHER_ACCOUNT },
        expect: 'denied', source: EB_CONFUSED_DEPUTY,
      },
    ],
  },
  {
    principal: 'EventBridge, keeping a failed retrain-on-drift start in the dead-letter queue',
    when: (s) => s.retrain !== undefined,
    who: () => ({ service: 'events.amazonaws.com' }),
    calls: (s) => [
      {
        call: 'for the retrain-on-drift rule', action: 'sqs:SendMessage', resource: s.retrain!.deadLetterQueueArn,
        context: { 'aws:SourceArn': s.retrain!.ruleArn }, expect: 'allowed', source: EB_DLQ,
      },
      {
        call: 'for another rule', action: 'sqs:SendMessage', resource: s.retrain!.deadLetterQueueArn,
        context: { 'aws:SourceArn': `arn:aws:events:${REGION}:${ACCOUNT}:rule/other` }, expect: 'denied', source: EB_DLQ,
      },
    ],
  },
  {
    principal: 'the model-quality handler\'s role',
    when: (s) => s.spec.groundTruth !== undefined,
    who: (s) => handlerRole(s, 'model-quality'),
    calls: (s) => {
      const gt = s.spec.groundTruth!;
      const gtBucket = s.bucket(gt.zone);
      const cap = s.captureBucketArn!;
      return [
        { call: 'lists the captures', action: 's3:ListBucket', resource: cap, context: { 's3:prefix': `${s.capturePrefix}champion/` }, expect: 'allowed', source: LIST },
        { call: 'lists the ground truth', action: 's3:ListBucket', resource: gtBucket, context: { 's3:prefix': `${gt.prefix}2026/01/05/` }, expect: 'allowed', source: LIST },
        { call: 'reads ground truth', action: 's3:GetObject', resource: `${gtBucket}/${gt.prefix}2026/01/05/labels.jsonl`, expect: 'allowed', source: GET },
        { call: 'lists the files written flat under the ground-truth prefix', action: 's3:ListBucket', resource: gtBucket, context: { 's3:prefix': gt.prefix }, expect: 'allowed', source: LIST },
        { call: 'reads a ground-truth file written flat under the prefix', action: 's3:GetObject', resource: `${gtBucket}/${gt.prefix}labels.jsonl`, expect: 'allowed', source: GET },
        { call: 'lists the whole ground-truth zone', action: 's3:ListBucket', resource: gtBucket, context: { 's3:prefix': '' }, expect: 'denied', source: LIST },
        { call: 'reads a capture file', action: 's3:GetObject', resource: `${cap}/${s.capturePrefix}champion/2026/01/05/09/x.jsonl`, expect: 'allowed', source: GET },
        { call: 'writes a quality report', action: 's3:PutObject', resource: `${cap}/model-quality-reports/${s.endpointName}/2026-01-05.json`, expect: 'allowed', source: PUT },
        { call: 'publishes quality metrics', action: 'cloudwatch:PutMetricData', resource: '*', context: { 'cloudwatch:namespace': 'cdk-mlops/ModelQuality' }, expect: 'allowed', source: PUT_METRIC },
        { call: 'rewrites the labels', action: 's3:PutObject', resource: `${gtBucket}/${gt.prefix}2026/01/05/labels.jsonl`, expect: 'denied', source: PUT },
        { call: 'reads another prefix of the monitoring zone', action: 's3:GetObject', resource: `${gtBucket}/ground-truth/other/labels.jsonl`, expect: 'denied', source: GET },
        { call: 'publishes into the drift namespace', action: 'cloudwatch:PutMetricData', resource: '*', context: { 'cloudwatch:namespace': 'cdk-mlops/Drift' }, expect: 'denied', source: PUT_METRIC },
      ];
    },
  },
  ...schedulerContract('model-quality', (s) => s.functionArnAt(handlerFunction(s, 'model-quality')), (s) => s.spec.groundTruth !== undefined),
  deadLetterContract('model-quality', (s) => s.spec.groundTruth !== undefined),
  deadLetterContract('baseline-profile', (s) => s.spec.baselineDataset !== undefined),
  {
    principal: 'the baseline-profile handler\'s role',
    when: (s) => s.spec.baselineDataset !== undefined,
    who: (s) => handlerRole(s, 'baseline-profile'),
    calls: (s) => {
      const ds = s.spec.baselineDataset!;
      const dataset = `${s.bucket(ds.zone)}/${ds.key}`;
      return [
        { call: 'reads the baseline dataset', action: 's3:GetObject', resource: dataset, expect: 'allowed', source: GET },
        { call: 'writes the profile', action: 's3:PutObject', resource: s.baselineArn!, expect: 'allowed', source: PUT },
        { call: 'overwrites the dataset', action: 's3:PutObject', resource: dataset, expect: 'denied', source: PUT },
        { call: 'reads other features', action: 's3:GetObject', resource: `${s.bucket(ds.zone)}/other/part.csv`, expect: 'denied', source: GET },
      ];
    },
  },
  // --- A/B experiments ------------------------------------------------------------------------------------------------------
  {
    principal: 'the ab-experiment handler\'s role',
    when: (s) => s.spec.experiment !== undefined,
    who: (s) => handlerRole(s, 'ab-experiment'),
    calls: (s) => {
      const rows: CallRow[] = [
        { call: 'reads the endpoint\'s variants', action: 'sagemaker:DescribeEndpoint', resource: s.endpointArn, expect: 'allowed', source: DESCRIBE_ENDPOINT },
        { call: 'shifts traffic between variants', action: 'sagemaker:UpdateEndpointWeightsAndCapacities', resource: s.endpointArn, expect: 'allowed', source: UPDATE_WEIGHTS },
        { call: 'reads the variants\' metrics', action: 'cloudwatch:GetMetricData', resource: '*', expect: 'allowed', source: GET_METRIC },
        { call: 'publishes its decisions', action: 'cloudwatch:PutMetricData', resource: '*', context: { 'cloudwatch:namespace': 'cdk-mlops/Experiments' }, expect: 'allowed', source: PUT_METRIC },
        {
          call: 'shifts traffic on another endpoint', action: 'sagemaker:UpdateEndpointWeightsAndCapacities',
          resource: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:endpoint/other`, expect: 'denied', source: UPDATE_WEIGHTS,
        },
        { call: 'redeploys the endpoint (CloudFormation owns it)', action: 'sagemaker:UpdateEndpoint', resource: s.endpointArn, expect: 'denied', source: UPDATE_WEIGHTS },
        { call: 'deletes the endpoint', action: 'sagemaker:DeleteEndpoint', resource: s.endpointArn, expect: 'denied', source: UPDATE_WEIGHTS },
        { call: 'writes its logs', action: 'logs:PutLogEvents', resource: logStream(s, 'ab-experiment'), expect: 'allowed', source: LAMBDA_LOGS },
        ...experimentLakeRows(s),
      ];
      if (s.warningTopicArn) {
        rows.push(
          { call: 'notifies the warning topic', action: 'sns:Publish', resource: s.warningTopicArn, expect: 'allowed', source: SNS_PUBLISH },
          { call: 'notifies another topic', action: 'sns:Publish', resource: `arn:aws:sns:${REGION}:${ACCOUNT}:other`, expect: 'denied', source: SNS_PUBLISH },
        );
      }
      if (s.alertsKeyArn) {
        rows.push({ call: 'SNS encrypts with the alerts key, as the publisher', action: 'kms:GenerateDataKey', resource: s.alertsKeyArn, context: viaSns, expect: 'allowed', source: SNS_SSE });
      }
      return rows;
    },
  },
  ...schedulerContract('ab-experiment', (s) => s.experimentFunctionArn, (s) => s.spec.experiment !== undefined),
  deadLetterContract('ab-experiment', (s) => s.spec.experiment !== undefined),
  // --- alarms and events publishing to the (encrypted) alert topics ---------------------------------------------------------
  ...(['cloudwatch.amazonaws.com', 'events.amazonaws.com'] as const).map((service): PrincipalContract<ServingSubject> => ({
    principal: `${service === 'cloudwatch.amazonaws.com' ? 'CloudWatch alarms' : 'EventBridge rules'} publishing to the warning topic`,
    when: (s) => s.warningTopicArn !== undefined,
    who: () => ({ service }),
    calls: (s) => {
      const own = { 'aws:SourceAccount': ACCOUNT };
      const foreign = { 'aws:SourceAccount': OTHER_ACCOUNT };
      const source = service === 'cloudwatch.amazonaws.com' ? CW_ENCRYPTED_TOPIC : EB_SNS;
      const rows: CallRow[] = [
        { action: 'sns:Publish', resource: s.warningTopicArn!, context: own, expect: 'allowed', source },
        { call: 'for another account', action: 'sns:Publish', resource: s.warningTopicArn!, context: foreign, expect: 'denied', source: CONFUSED_DEPUTY },
      ];
      if (s.alertsKeyArn && service === 'cloudwatch.amazonaws.com') {
        rows.push(
          { call: 'encrypts the message with the topic key', action: 'kms:GenerateDataKey', resource: s.alertsKeyArn, context: own, expect: 'allowed', source },
          { action: 'kms:Decrypt', resource: s.alertsKeyArn, context: own, expect: 'allowed', source },
          { call: 'uses the key for another account', action: 'kms:GenerateDataKey', resource: s.alertsKeyArn, context: foreign, expect: 'denied', source: CONFUSED_DEPUTY },
        );
      }
      if (s.alertsKeyArn && service === 'events.amazonaws.com') {
        // KMS sees no aws:SourceAccount / aws:SourceArn when a rule publishes to an encrypted topic (SNS: not supported for
        // EventBridge-to-encrypted topics, SNS_EVENTS); the key policy matches the topic in SNS's encryption context instead.
        // iam-simulate ignores `kms:EncryptionContext:<key>` context keys (it matches only `prefix/<key>` variables), so the
        // allowed call is asserted on the key policy itself (test/monitoring/alert-topics.test.ts); the engine checks that
        // the key is not EventBridge's for anything else.
        rows.push(
          { call: 'uses the key with only its account (outside SNS)', action: 'kms:GenerateDataKey', resource: s.alertsKeyArn, context: own, expect: 'denied', source: SNS_EVENTS },
        );
      }
      return rows;
    },
  })),
];

/**
 * What the ab-experiment handler reads and writes besides metrics (lambda/ab-experiment/index.ts): the endpoint's current
 * configuration (DescribeEndpointConfig, to learn each variant's model), its state (`state.json`: ListObjectsV2 with the key
 * as prefix, then GetObject, then a conditional PutObject) and reports under its own prefix, and, when it measures success
 * by ground truth, the endpoint's capture files and the ground-truth files, read only.
 */
function experimentLakeRows(s: ServingSubject): CallRow[] {
  const st = s.experimentState!;
  const stateKey = `${st.prefix}state.json`;
  const otherPrefix = 'experiments/other-endpoint/other/';
  const config = (name: string) => `arn:aws:sagemaker:${REGION}:${ACCOUNT}:endpoint-config/${name}`;
  const rows: CallRow[] = [
    { call: 'reads the endpoint configuration in service', action: 'sagemaker:DescribeEndpointConfig', resource: config('churn-config-1a2b3c'), expect: 'allowed', source: DESCRIBE_ENDPOINT_CONFIG },
    { call: 'creates an endpoint configuration', action: 'sagemaker:CreateEndpointConfig', resource: config('churn-config-1a2b3c'), expect: 'denied', source: DESCRIBE_ENDPOINT_CONFIG },
    { call: 'deletes an endpoint configuration', action: 'sagemaker:DeleteEndpointConfig', resource: config('churn-config-1a2b3c'), expect: 'denied', source: DESCRIBE_ENDPOINT_CONFIG },
    { call: 'lists its state key', action: 's3:ListBucket', resource: st.bucketArn, context: { 's3:prefix': stateKey }, expect: 'allowed', source: LIST },
    { call: 'lists its reports', action: 's3:ListBucket', resource: st.bucketArn, context: { 's3:prefix': `${st.prefix}reports/` }, expect: 'allowed', source: LIST },
    { call: 'lists another experiment\'s state', action: 's3:ListBucket', resource: st.bucketArn, context: { 's3:prefix': `${otherPrefix}state.json` }, expect: 'denied', source: LIST },
    { call: 'lists the whole bucket', action: 's3:ListBucket', resource: st.bucketArn, context: { 's3:prefix': '' }, expect: 'denied', source: LIST },
    { call: 'lists object versions', action: 's3:ListBucketVersions', resource: st.bucketArn, context: { 's3:prefix': st.prefix }, expect: 'denied', source: S3_ACTIONS },
    { call: 'reads its state', action: 's3:GetObject', resource: `${st.bucketArn}/${stateKey}`, expect: 'allowed', source: GET },
    { call: 'writes its state (conditional write: PutObject with If-Match / If-None-Match)', action: 's3:PutObject', resource: `${st.bucketArn}/${stateKey}`, expect: 'allowed', source: CONDITIONAL_WRITES },
    { call: 'writes a report', action: 's3:PutObject', resource: `${st.bucketArn}/${st.prefix}reports/2026/12/02/03.json`, expect: 'allowed', source: PUT },
    { call: 'overwrites another experiment\'s state', action: 's3:PutObject', resource: `${st.bucketArn}/${otherPrefix}state.json`, expect: 'denied', source: PUT },
    { call: 'reads another experiment\'s state', action: 's3:GetObject', resource: `${st.bucketArn}/${otherPrefix}state.json`, expect: 'denied', source: GET },
    { call: 'deletes its state', action: 's3:DeleteObject', resource: `${st.bucketArn}/${stateKey}`, expect: 'denied', source: S3_ACTIONS },
    { call: 'deletes a version of its state', action: 's3:DeleteObjectVersion', resource: `${st.bucketArn}/${stateKey}`, expect: 'denied', source: S3_ACTIONS },
  ];
  if (s.lakeKeyArn) {
    rows.push(
      { call: 'S3 encrypts its state with the lake key', action: 'kms:GenerateDataKey', resource: s.lakeKeyArn, context: viaS3(st.bucketArn), expect: 'allowed', source: S3_SSE_KMS },
      { call: 'S3 decrypts its state with the lake key', action: 'kms:Decrypt', resource: s.lakeKeyArn, context: viaS3(st.bucketArn), expect: 'allowed', source: S3_SSE_KMS },
      { call: 'schedules the lake key for deletion', action: 'kms:ScheduleKeyDeletion', resource: s.lakeKeyArn, expect: 'denied', source: S3_SSE_KMS },
      // The key is the lake's: only S3 may use it on the function's behalf, and only for this bucket (the shared zone grants).
      { call: 'decrypts with the lake key directly (not through S3)', action: 'kms:Decrypt', resource: s.lakeKeyArn, expect: 'denied', source: KMS_VIA_SERVICE },
      { call: 'encrypts with the lake key directly (not through S3)', action: 'kms:GenerateDataKey', resource: s.lakeKeyArn, expect: 'denied', source: KMS_VIA_SERVICE },
    );
  }
  const gt = s.experimentGroundTruth;
  if (gt && s.captureBucketArn && s.capturePrefix) {
    const hour = '2026/12/02/03/';
    rows.push(
      { call: 'lists the challenger\'s captures of an hour', action: 's3:ListBucket', resource: s.captureBucketArn, context: { 's3:prefix': `${s.capturePrefix}challenger/${hour}` }, expect: 'allowed', source: CAPTURE },
      { call: 'reads a capture file', action: 's3:GetObject', resource: `${s.captureBucketArn}/${s.capturePrefix}challenger/${hour}03-12-345-0a1b2c3d.jsonl`, expect: 'allowed', source: CAPTURE },
      { call: 'rewrites a capture file', action: 's3:PutObject', resource: `${s.captureBucketArn}/${s.capturePrefix}challenger/${hour}03-12-345-0a1b2c3d.jsonl`, expect: 'denied', source: PUT },
      { call: 'lists another endpoint\'s captures', action: 's3:ListBucket', resource: s.captureBucketArn, context: { 's3:prefix': s.capturePrefix.replace(`${s.endpointName}/`, 'other/') }, expect: 'denied', source: LIST },
      { call: 'lists the ground truth of an hour', action: 's3:ListBucket', resource: gt.bucketArn, context: { 's3:prefix': `${gt.prefix}${hour}` }, expect: 'allowed', source: LIST },
      { call: 'reads a ground-truth file', action: 's3:GetObject', resource: `${gt.bucketArn}/${gt.prefix}${hour}labels.jsonl`, expect: 'allowed', source: GET },
      { call: 'writes ground truth', action: 's3:PutObject', resource: `${gt.bucketArn}/${gt.prefix}${hour}labels.jsonl`, expect: 'denied', source: PUT },
    );
  }
  return rows;
}

/** The construct path of a stack's singleton handler function. */
function handlerFunction(s: ServingSubject, handler: string): RegExp {
  return new RegExp(`^${s.stackPath}/cdk-mlops-${handler}/Function(/Resource)?$`);
}

/** A log stream of a handler's log group (defined by the library per stack and handler; its ARN comes from the app). */
function logStream(s: ServingSubject, handler: string): string {
  return s.logGroupArnAt(new RegExp(`^${s.stackPath}/cdk-mlops-${handler}/Logs(/Resource)?$`)).replace(/:\*$/, ':log-stream:2026/01/05/[$LATEST]0a1b2c3d');
}
