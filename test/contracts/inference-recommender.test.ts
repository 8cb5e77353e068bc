import { App } from 'aws-cdk-lib';
import validateAsl from 'asl-validator';
import { execute, TaskAnswer, TaskCall } from './asl/interpreter';
import { ContractApp, pathOf } from './harness/apps';
import { ACCOUNT, REGION } from './harness/cfn';
import { CallRow, PrincipalContract } from './harness/iam';
import { describeIamContract } from './harness/run';
import { InferenceRecommendation } from '../../lib/loadtest';
import {
  fullRecommendationProps, minimalRecommendationProps, RecommendationBase, recommendationBase,
} from '../loadtest/recommendation-fixtures';
import { testApp } from '../util';

// The contracts of InferenceRecommendation (Inference Recommender right-sizing), over its minimal (DEFAULT) and full (ADVANCED) apps,
// each synthesized once and shared by the IAM table and the executions.

interface RecommendationSpec {
  readonly app: App;
  readonly base: RecommendationBase;
  readonly recommendation: InferenceRecommendation;
  readonly payload: { zone: string; key: string };
  readonly reports: { zone: string; prefix: string };
  readonly artifacts?: { zone: string; prefix: string };
  readonly advanced: boolean;
}

const SPECS: Record<string, () => RecommendationSpec> = {
  'minimal recommendation (DEFAULT, payload and reports in the curated zone)': () => {
    const base = recommendationBase(testApp());
    const recommendation = new InferenceRecommendation(base.stack, 'RightSizing', minimalRecommendationProps(base));
    return { app: base.app, base, recommendation, advanced: false, payload: { zone: 'curated', key: 'recommender/churn/payload.tar.gz' },
      reports: { zone: 'curated', prefix: 'inference-recommendations/' } };
  },
  'full recommendation (ADVANCED: phases, instance types, p95, limits; artifacts, image; reports in the monitoring zone)': () => {
    const base = recommendationBase(testApp());
    const recommendation = new InferenceRecommendation(base.stack, 'RightSizing', fullRecommendationProps(base));
    return { app: base.app, base, recommendation, advanced: true, payload: { zone: 'curated', key: 'recommender/churn/payload.tar.gz' },
      reports: { zone: 'monitoring', prefix: 'recommendations/churn/' }, artifacts: { zone: 'models', prefix: 'churn/' } };
  },
};

interface Subject {
  readonly spec: RecommendationSpec;
  readonly prefix: string;
  readonly packageArn: string;
  readonly stateMachineArn: string;
  readonly jobRoleArn: string;
  readonly stateMachineRoleArn: string;
  readonly topicArn: string;
  readonly topicKeyArn: string;
  readonly bucketArn: (zone: string) => string;
  readonly bucketName: (zone: string) => string;
  readonly keyArn: (zone: string) => string | undefined;
}

function subjectOf(app: ContractApp, spec: RecommendationSpec): Subject {
  const r = spec.recommendation;
  const zone = (name: string) => spec.base.lake.zone(name);
  return {
    spec,
    prefix: r.jobNamePrefix,
    packageArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:model-package/churn/3`,
    stateMachineArn: app.value(r, r.stateMachine.stateMachineArn),
    jobRoleArn: app.iam.findRoles({ path: pathOf(r.jobRole) })[0].roleArn,
    stateMachineRoleArn: app.iam.findRoles({ path: pathOf(r.stateMachine.role) })[0].roleArn,
    topicArn: app.value(spec.base.topic, spec.base.topic.topicArn),
    topicKeyArn: app.value(spec.base.topic, spec.base.topic.masterKey!.keyArn),
    bucketArn: (n) => app.value(zone(n).bucket, zone(n).bucket.bucketArn),
    bucketName: (n) => app.value(zone(n).bucket, zone(n).bucket.bucketName),
    keyArn: (n) => zone(n).encryptionKey && app.value(zone(n).encryptionKey!, zone(n).encryptionKey!.keyArn),
  };
}

const apps = Object.entries(SPECS).map(([label, build]) => {
  const spec = build();
  const app = new ContractApp(label, spec.app);
  return { app, subject: subjectOf(app, spec), definition: app.definition(spec.recommendation.stateMachine) };
});

const API = 'https://docs.aws.amazon.com/sagemaker/latest/APIReference';
const CREATE_JOB = `${API}/API_CreateInferenceRecommendationsJob.html`;
const DESCRIBE_JOB = `${API}/API_DescribeInferenceRecommendationsJob.html`;
const STOP_JOB = `${API}/API_StopInferenceRecommendationsJob.html`;
const DESCRIBE_PACKAGE = `${API}/API_DescribeModelPackage.html`;
const SAR_SAGEMAKER = 'https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html';
const PASS_ROLE = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html';
const IR_PREREQUISITES = 'https://docs.aws.amazon.com/sagemaker/latest/dg/inference-recommender-prerequisites.html';
const CONFUSED_DEPUTY = 'https://docs.aws.amazon.com/sagemaker/latest/dg/security-confused-deputy-prevention.html';
const S3_PUT = 'https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html';
const S3_GET = 'https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html';
const S3_SSE_KMS = 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#require-sse-kms';
const SNS_KMS = 'https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#sns-what-permissions-for-sse';
const SFN_SNS = 'https://docs.aws.amazon.com/step-functions/latest/dg/connect-sns.html';
const SFN_LOGS = 'https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html#cloudwatch-iam-policy';
const SFN_XRAY = 'https://docs.aws.amazon.com/step-functions/latest/dg/xray-iam.html';
const CW_NAMESPACE = 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/iam-cw-condition-keys-namespace.html';
const SM_LOGS = 'https://docs.aws.amazon.com/sagemaker/latest/dg/logging-cloudwatch.html';
const ECR_PULL = 'https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html#sagemaker-roles-createmodel-perms';

const sagemaker = (resource: string, name: string) => `arn:aws:sagemaker:${REGION}:${ACCOUNT}:${resource}/${name}`;
const viaS3 = (bucketArn: string, key: string) => ({ 'kms:ViaService': `s3.${REGION}.amazonaws.com`, 'kms:EncryptionContext:aws:s3:arn': `${bucketArn}/${key}` });
const JOB_ID = '0f8e6a2c-5b1d-4e7a-9c3f-2a4b6c8d0e1f';

const CONTRACT: PrincipalContract<Subject>[] = [
  {
    principal: 'the state machine role',
    who: (s) => ({ role: { path: pathOf(s.spec.recommendation.stateMachine.role) } }),
    calls: (s) => {
      const job = sagemaker('inference-recommendations-job', `${s.prefix}-${JOB_ID}`);
      const reports = s.spec.reports;
      const report = `${s.bucketArn(reports.zone)}/${reports.prefix}${s.prefix}-${JOB_ID}.json`;
      const rows: CallRow[] = [
        { call: 'starts the run\'s job', action: 'sagemaker:CreateInferenceRecommendationsJob', resource: job, expect: 'allowed', source: CREATE_JOB },
        { call: 'follows it', action: 'sagemaker:DescribeInferenceRecommendationsJob', resource: job, expect: 'allowed', source: DESCRIBE_JOB },
        { call: 'stops it after the last poll', action: 'sagemaker:StopInferenceRecommendationsJob', resource: job, expect: 'allowed', source: STOP_JOB },
        { call: 'names the package the job reads', action: 'sagemaker:DescribeModelPackage', resource: s.packageArn, expect: 'allowed', source: DESCRIBE_PACKAGE },
        { call: 'hands the job role to SageMaker (RoleArn)', action: 'iam:PassRole', resource: s.jobRoleArn,
          context: { 'iam:PassedToService': 'sagemaker.amazonaws.com' }, expect: 'allowed', source: PASS_ROLE },
        { call: 'writes the recommendations', action: 's3:PutObject', resource: report, expect: 'allowed', source: S3_PUT },
        { call: 'publishes the summary', action: 'sns:Publish', resource: s.topicArn, expect: 'allowed', source: SFN_SNS },
        { call: 'encrypts the summary with the topic key', action: 'kms:GenerateDataKey', resource: s.topicKeyArn, expect: 'allowed', source: SNS_KMS },
        { call: 'delivers execution logs', action: 'logs:CreateLogDelivery', resource: '*', expect: 'allowed', source: SFN_LOGS },
        { call: 'traces executions', action: 'xray:PutTraceSegments', resource: '*', expect: 'allowed', source: SFN_XRAY },
        // Must not:
        { call: 'starts a job of another name', action: 'sagemaker:CreateInferenceRecommendationsJob',
          resource: sagemaker('inference-recommendations-job', `other-${JOB_ID}`), expect: 'denied', source: SAR_SAGEMAKER },
        { call: 'stops a job whose prefix merely starts like this one\'s', action: 'sagemaker:StopInferenceRecommendationsJob',
          resource: sagemaker('inference-recommendations-job', `${s.prefix}x-${JOB_ID}`), expect: 'denied', source: SAR_SAGEMAKER },
        { call: 'reads another package version', action: 'sagemaker:DescribeModelPackage', resource: sagemaker('model-package', 'churn/4'), expect: 'denied', source: SAR_SAGEMAKER },
        { call: 'approves the package', action: 'sagemaker:UpdateModelPackage', resource: s.packageArn, expect: 'denied', source: SAR_SAGEMAKER },
        { call: 'passes the job role to another service', action: 'iam:PassRole', resource: s.jobRoleArn,
          context: { 'iam:PassedToService': 'ec2.amazonaws.com' }, expect: 'denied', source: PASS_ROLE },
        { call: 'passes its own role', action: 'iam:PassRole', resource: s.stateMachineRoleArn,
          context: { 'iam:PassedToService': 'sagemaker.amazonaws.com' }, expect: 'denied', source: PASS_ROLE },
        { call: 'defines endpoints itself (the job role does)', action: 'sagemaker:CreateEndpoint', resource: sagemaker('endpoint', `${s.prefix}-x`), expect: 'denied', source: SAR_SAGEMAKER },
        { call: 'deletes the production endpoint', action: 'sagemaker:DeleteEndpoint', resource: sagemaker('endpoint', 'churn'), expect: 'denied', source: SAR_SAGEMAKER },
        { call: 'writes outside the report prefix', action: 's3:PutObject', resource: `${s.bucketArn(reports.zone)}/elsewhere/x.json`, expect: 'denied', source: S3_PUT },
        { call: 'deletes recommendations', action: 's3:DeleteObject', resource: report, expect: 'denied', source: S3_PUT },
        { call: 'reads the sample payload (the job role does)', action: 's3:GetObject', resource: `${s.bucketArn(s.spec.payload.zone)}/${s.spec.payload.key}`,
          expect: 'denied', source: S3_GET },
        { call: 'publishes to another topic', action: 'sns:Publish', resource: `arn:aws:sns:${REGION}:${ACCOUNT}:other`, expect: 'denied', source: SFN_SNS },
      ];
      const key = s.keyArn(reports.zone);
      if (key) {
        rows.push(
          { call: 'encrypts the recommendations through S3', action: 'kms:GenerateDataKey', resource: key,
            context: viaS3(s.bucketArn(reports.zone), `${reports.prefix}${s.prefix}-${JOB_ID}.json`), expect: 'allowed', source: S3_SSE_KMS },
          { call: 'uses the zone key directly', action: 'kms:GenerateDataKey', resource: key, expect: 'denied', source: S3_SSE_KMS },
        );
      }
      return rows;
    },
  },
  {
    principal: 'the job role',
    who: (s) => ({ role: { path: pathOf(s.spec.recommendation.jobRole) } }),
    calls: (s) => {
      const own = (resource: string) => sagemaker(resource, `${s.prefix}-${JOB_ID.slice(0, 12)}-ml-c5-xlarge`);
      const payload = `${s.bucketArn(s.spec.payload.zone)}/${s.spec.payload.key}`;
      const rows: CallRow[] = [
        { call: 'reads the model package', action: 'sagemaker:DescribeModelPackage', resource: s.packageArn, expect: 'allowed', source: IR_PREREQUISITES },
        { call: 'defines a benchmark model', action: 'sagemaker:CreateModel', resource: own('model'), expect: 'allowed', source: IR_PREREQUISITES },
        { call: 'defines a benchmark endpoint configuration', action: 'sagemaker:CreateEndpointConfig', resource: own('endpoint-config'), expect: 'allowed', source: IR_PREREQUISITES },
        { call: 'defines a benchmark endpoint', action: 'sagemaker:CreateEndpoint', resource: own('endpoint'), expect: 'allowed', source: IR_PREREQUISITES },
        { call: 'defines it from its configuration', action: 'sagemaker:CreateEndpoint', resource: own('endpoint-config'), expect: 'allowed', source: SAR_SAGEMAKER },
        { call: 'sends the load', action: 'sagemaker:InvokeEndpoint', resource: own('endpoint'), expect: 'allowed', source: IR_PREREQUISITES },
        { call: 'deletes the benchmark endpoint', action: 'sagemaker:DeleteEndpoint', resource: own('endpoint'), expect: 'allowed', source: IR_PREREQUISITES },
        { call: 'deletes the benchmark model', action: 'sagemaker:DeleteModel', resource: own('model'), expect: 'allowed', source: IR_PREREQUISITES },
        { call: 'runs the benchmark models as itself', action: 'iam:PassRole', resource: s.jobRoleArn,
          context: { 'iam:PassedToService': 'sagemaker.amazonaws.com' }, expect: 'allowed', source: PASS_ROLE },
        { call: 'reads the sample payload', action: 's3:GetObject', resource: payload, expect: 'allowed', source: IR_PREREQUISITES },
        { call: 'writes the job\'s logs', action: 'logs:PutLogEvents',
          resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/sagemaker/InferenceRecommendationsJobs:log-stream:${s.prefix}-${JOB_ID}`, expect: 'allowed', source: SM_LOGS },
        { call: 'writes a benchmark endpoint\'s logs', action: 'logs:CreateLogStream',
          resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/sagemaker/Endpoints/${s.prefix}-x:log-stream:AllTraffic/i-0`, expect: 'allowed', source: SM_LOGS },
        { call: 'publishes the job\'s metrics', action: 'cloudwatch:PutMetricData', resource: '*',
          context: { 'cloudwatch:namespace': '/aws/sagemaker/InferenceRecommendationsJobs' }, expect: 'allowed', source: CW_NAMESPACE },
        { call: 'reads the benchmark endpoints\' metrics', action: 'cloudwatch:GetMetricData', resource: '*', expect: 'allowed', source: IR_PREREQUISITES },
        // Must not:
        { call: 'defines an endpoint of another name', action: 'sagemaker:CreateEndpoint', resource: sagemaker('endpoint', 'churn-v2'), expect: 'denied', source: SAR_SAGEMAKER },
        { call: 'deletes the production endpoint', action: 'sagemaker:DeleteEndpoint', resource: sagemaker('endpoint', 'churn'), expect: 'denied', source: SAR_SAGEMAKER },
        { call: 'changes the production endpoint', action: 'sagemaker:UpdateEndpoint', resource: sagemaker('endpoint', 'churn'), expect: 'denied', source: SAR_SAGEMAKER },
        { call: 'sends requests to the production endpoint', action: 'sagemaker:InvokeEndpoint', resource: sagemaker('endpoint', 'churn'), expect: 'denied', source: SAR_SAGEMAKER },
        { call: 'deletes a model of another construct', action: 'sagemaker:DeleteModel', resource: sagemaker('model', 'churn-champion'), expect: 'denied', source: SAR_SAGEMAKER },
        { call: 'reads another package version', action: 'sagemaker:DescribeModelPackage', resource: sagemaker('model-package', 'churn/4'), expect: 'denied', source: SAR_SAGEMAKER },
        { call: 'starts jobs itself', action: 'sagemaker:CreateInferenceRecommendationsJob',
          resource: sagemaker('inference-recommendations-job', `${s.prefix}-${JOB_ID}`), expect: 'denied', source: SAR_SAGEMAKER },
        { call: 'trains', action: 'sagemaker:CreateTrainingJob', resource: sagemaker('training-job', `${s.prefix}-x`), expect: 'denied', source: SAR_SAGEMAKER },
        { call: 'passes itself to another service', action: 'iam:PassRole', resource: s.jobRoleArn, context: { 'iam:PassedToService': 'lambda.amazonaws.com' },
          expect: 'denied', source: PASS_ROLE },
        { call: 'reads beside the sample payload', action: 's3:GetObject', resource: `${s.bucketArn(s.spec.payload.zone)}/churn/raw/customers.csv`, expect: 'denied', source: S3_GET },
        { call: 'overwrites the sample payload', action: 's3:PutObject', resource: payload, expect: 'denied', source: S3_PUT },
        { call: 'publishes into another namespace', action: 'cloudwatch:PutMetricData', resource: '*', context: { 'cloudwatch:namespace': 'AWS/SageMaker' },
          expect: 'denied', source: CW_NAMESPACE },
        { call: 'writes another log group', action: 'logs:PutLogEvents',
          resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/sagemaker/Endpoints/churn:log-stream:AllTraffic/i-0`, expect: 'denied', source: SM_LOGS },
      ];
      const key = s.keyArn(s.spec.payload.zone);
      if (key) {
        rows.push(
          { call: 'decrypts the sample payload through S3', action: 'kms:Decrypt', resource: key, context: viaS3(s.bucketArn(s.spec.payload.zone), s.spec.payload.key),
            expect: 'allowed', source: S3_SSE_KMS },
          { call: 'decrypts with the zone key directly', action: 'kms:Decrypt', resource: key, expect: 'denied', source: S3_SSE_KMS },
        );
      }
      const artifacts = s.spec.artifacts;
      if (artifacts) {
        rows.push(
          { call: 'reads the model artifacts', action: 's3:GetObject', resource: `${s.bucketArn(artifacts.zone)}/${artifacts.prefix}v3/model.tar.gz`,
            expect: 'allowed', source: IR_PREREQUISITES },
          { call: 'pulls the package image', action: 'ecr:BatchGetImage', resource: `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/churn-inference`,
            expect: 'allowed', source: ECR_PULL },
          { call: 'reads artifacts of another model', action: 's3:GetObject', resource: `${s.bucketArn(artifacts.zone)}/fraud/model.tar.gz`, expect: 'denied', source: S3_GET },
          { call: 'pulls another repository', action: 'ecr:BatchGetImage', resource: `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/other`, expect: 'denied', source: ECR_PULL },
        );
      } else {
        rows.push({ call: 'pulls images (not granted without imageRepository)', action: 'ecr:BatchGetImage',
          resource: `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/churn-inference`, expect: 'denied', source: ECR_PULL });
      }
      return rows;
    },
  },
  {
    principal: 'SageMaker assuming the job role',
    who: () => ({ service: 'sagemaker.amazonaws.com' }),
    calls: (s) => [
      { action: 'sts:AssumeRole', resource: s.jobRoleArn, context: { 'aws:SourceAccount': ACCOUNT }, expect: 'allowed', source: IR_PREREQUISITES },
      { call: 'on behalf of another account', action: 'sts:AssumeRole', resource: s.jobRoleArn, context: { 'aws:SourceAccount': '210987654321' },
        expect: 'denied', source: CONFUSED_DEPUTY },
    ],
  },
];

describeIamContract('inference recommendation', apps, CONTRACT);

// --- Executions ---------------------------------------------------------------------------------------------------------------------

/** How the job goes: the statuses DescribeInferenceRecommendationsJob returns, in order (the last repeats); errors per state. */
interface World {
  readonly statuses?: string[];
  readonly failureReason?: string;
  readonly errors?: Record<string, Array<{ error: string; cause?: string } | undefined>>;
  /** The first CreateJob starts the job but its answer is lost (a 5XX); the retry is refused because the name is taken. */
  readonly createAnswerLost?: boolean;
}

/** A completed job's Describe response (API_DescribeInferenceRecommendationsJob.html response syntax). */
function describeResponse(request: any, created: any, status: string, advanced: boolean, failureReason?: string) {
  const base = {
    JobName: request.JobName, JobType: created.JobType, JobArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:inference-recommendations-job/${request.JobName}`,
    RoleArn: created.RoleArn, Status: status, CreationTime: '2026-01-05T09:00:05.000Z', LastModifiedTime: '2026-01-05T09:40:00.000Z',
    InputConfig: created.InputConfig, StoppingConditions: created.StoppingConditions,
  };
  if (status === 'FAILED') {
    return { ...base, FailureReason: failureReason ?? 'Sample payload could not be read' };
  }
  if (status !== 'COMPLETED') {
    return base;
  }
  const rec = (instanceType: string, cost: number, latency: number) => ({
    RecommendationId: `${request.JobName}/${instanceType}`,
    Metrics: {
      CostPerHour: cost, CostPerInference: cost / 60000, MaxInvocations: 1200, ModelLatency: latency, CpuUtilization: 61.5, MemoryUtilization: 22.1,
      ModelSetupTime: 95,
    },
    EndpointConfiguration: { EndpointName: `${request.JobName.slice(0, 40)}-${instanceType.replace(/\./g, '-')}`, VariantName: 'AllTraffic', InstanceType: instanceType,
      InitialInstanceCount: 1 },
    ModelConfiguration: { EnvironmentParameters: [{ Key: 'OMP_NUM_THREADS', ValueType: 'string', Value: '2' }] },
    InvocationStartTime: '2026-01-05T09:10:00.000Z', InvocationEndTime: '2026-01-05T09:30:00.000Z',
  });
  return {
    ...base, CompletionTime: '2026-01-05T09:40:00.000Z',
    InferenceRecommendations: [rec('ml.c5.xlarge', 0.204, 31), rec('ml.m5.xlarge', 0.23, 36)],
    ...(advanced ? { EndpointPerformances: [{ Metrics: { MaxInvocations: 1150, ModelLatency: 33 }, EndpointInfo: { EndpointName: `${request.JobName.slice(0, 40)}-c5` } }] } : {}),
  };
}

function world(w: World, advanced: boolean) {
  const log = { calls: [] as TaskCall[], reports: [] as any[], notifications: [] as any[], created: [] as any[], stopped: [] as string[] };
  const attempts: Record<string, number> = {};
  let describes = 0;
  const tasks = (call: TaskCall): TaskAnswer => {
    log.calls.push(call);
    const n = attempts[call.state] = (attempts[call.state] ?? -1) + 1;
    const scripted = w.errors?.[call.state]?.[n];
    if (scripted) return scripted;
    const a = call.arguments;
    if (w.createAnswerLost && call.state === 'CreateJob') {
      if (n === 0) log.created.push(a);
      return n === 0 ? { error: 'SageMaker.InternalFailureException', cause: 'We encountered an internal error. Please try again.' }
        : { error: 'SageMaker.ResourceInUseException', cause: `Job ${a.JobName} already exists` };
    }
    switch (call.resource) {
      case 'arn:aws:states:::aws-sdk:sagemaker:createInferenceRecommendationsJob':
        log.created.push(a);
        return { result: { JobArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:inference-recommendations-job/${a.JobName}` } };
      case 'arn:aws:states:::aws-sdk:sagemaker:describeInferenceRecommendationsJob': {
        const statuses = w.statuses ?? ['PENDING', 'IN_PROGRESS', 'COMPLETED'];
        const status = statuses[Math.min(describes++, statuses.length - 1)];
        return { result: describeResponse(a, log.created[log.created.length - 1], status, advanced, w.failureReason) };
      }
      case 'arn:aws:states:::aws-sdk:sagemaker:stopInferenceRecommendationsJob':
        log.stopped.push(a.JobName);
        return { result: {} };
      case 'arn:aws:states:::aws-sdk:s3:putObject':
        log.reports.push({ Bucket: a.Bucket, Key: a.Key, report: JSON.parse(a.Body) });
        return { result: { ETag: '"etag"' } };
      case 'arn:aws:states:::sns:publish':
        log.notifications.push({ TopicArn: a.TopicArn, Subject: a.Subject, message: JSON.parse(a.Message) });
        return { result: { MessageId: 'm-1' } };
      default:
        throw new Error(`the recommendation world does not answer ${call.resource}`);
    }
  };
  return { tasks, log };
}

describe.each(apps.map((a) => [a.app.label, a] as const))('the inference-recommendation state machine of the %s', (_label, { subject: s, definition }) => {
  const r = s.spec.recommendation;
  const run = async (w: World = {}) => {
    const wd = world(w, s.spec.advanced);
    const e = await execute(definition, {}, { tasks: wd.tasks, stateMachineArn: s.stateMachineArn, executionName: 'run-1', seed: 7, maxTransitions: 2000 });
    return { e, log: wd.log };
  };
  const reportBucket = () => s.bucketName(s.spec.reports.zone);

  test('is valid Amazon States Language (asl-validator)', () => {
    const { isValid, errors } = validateAsl(JSON.parse(JSON.stringify(definition)));
    expect({ isValid, errors }).toEqual({ isValid: true, errors: [] });
  });

  test('a completed job: its recommendations are written to the lake, the topic gets their summary, the run succeeds', async () => {
    const { e, log } = await run();
    expect({ status: e.status, end: e.path.slice(-3) }).toEqual({ status: 'SUCCEEDED', end: ['WriteRecommendations', 'NotifyCompleted', 'Recommended'] });
    expect(log.created).toHaveLength(1);
    const jobName = log.created[0].JobName;
    expect(jobName).toMatch(new RegExp(`^${s.prefix}-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$`));
    expect(jobName.length).toBeLessThanOrEqual(64);
    expect(jobName).toMatch(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,63}$/);
    expect(log.created[0].RoleArn).toBe(s.jobRoleArn);
    expect(log.created[0].JobType).toBe(s.spec.advanced ? 'Advanced' : 'Default');
    expect(log.created[0].InputConfig.ContainerConfig.PayloadConfig.SamplePayloadUrl).toBe(`s3://${s.bucketName(s.spec.payload.zone)}/${s.spec.payload.key}`);
    expect(log.reports).toHaveLength(1);
    const { Bucket, Key, report } = log.reports[0];
    expect({ Bucket, Key }).toEqual({ Bucket: reportBucket(), Key: `${s.spec.reports.prefix}${jobName}.json` });
    expect(report).toMatchObject({ reportFormatVersion: 1, jobName, status: 'COMPLETED', modelPackageArn: log.created[0].InputConfig.ModelPackageVersionArn });
    expect(report.inferenceRecommendations.map((x: any) => x.EndpointConfiguration.InstanceType)).toEqual(['ml.c5.xlarge', 'ml.m5.xlarge']);
    expect(report.endpointPerformances).toHaveLength(s.spec.advanced ? 1 : 0);
    expect(log.notifications).toHaveLength(1);
    expect(log.notifications[0].TopicArn).toBe(s.topicArn);
    expect(log.notifications[0].message).toMatchObject({
      recommendation: r.node.path, jobName, status: 'COMPLETED', report: `s3://${reportBucket()}/${Key}`,
      recommendations: [
        { instanceType: 'ml.c5.xlarge', initialInstanceCount: 1, costPerHour: 0.204, maxInvocations: 1200, modelLatencyMs: 31 },
        { instanceType: 'ml.m5.xlarge', initialInstanceCount: 1, costPerHour: 0.23, maxInvocations: 1200, modelLatencyMs: 36 },
      ],
    });
    // Three describes a minute apart.
    expect(e.history.filter((h) => h.type === 'Waited')).toHaveLength(3);
  });

  test('a failed job notifies with its FailureReason and fails the run; nothing is written', async () => {
    const { e, log } = await run({ statuses: ['IN_PROGRESS', 'FAILED'], failureReason: 'Endpoint creation failed: ml.g4dn.xlarge capacity' });
    expect({ status: e.status, error: e.error, cause: e.cause }).toEqual({ status: 'FAILED', error: 'InferenceRecommendation.JobFailed',
      cause: 'Endpoint creation failed: ml.g4dn.xlarge capacity' });
    expect(log.reports).toHaveLength(0);
    expect(log.notifications.map((n) => n.message)).toEqual([expect.objectContaining({ status: 'FAILED', error: 'InferenceRecommendation.JobFailed' })]);
  });

  test('a stopped job notifies and fails the run', async () => {
    const { e, log } = await run({ statuses: ['IN_PROGRESS', 'STOPPING', 'STOPPED'] });
    expect({ status: e.status, error: e.error }).toEqual({ status: 'FAILED', error: 'InferenceRecommendation.JobStopped' });
    expect(log.reports).toHaveLength(0);
    expect(log.notifications[0].message).toMatchObject({ status: 'STOPPED' });
  });

  test('a job still running after the last poll is stopped, notified and failed, after exactly maxPolls describes', async () => {
    const { e, log } = await run({ statuses: ['IN_PROGRESS'] });
    expect({ status: e.status, error: e.error }).toEqual({ status: 'FAILED', error: 'InferenceRecommendation.PollLimitReached' });
    expect(log.calls.filter((c) => c.state === 'DescribeJob')).toHaveLength(r.maxPolls);
    expect(log.stopped).toEqual([log.created[0].JobName]);
    expect(log.notifications[0].message).toMatchObject({ status: 'TIMED_OUT' });
    // Within the state machine's timeout (every poll, plus ten minutes).
    expect(e.seconds).toBeLessThan(r.maxPolls * 60 + 600);
  });

  test('a stop that SageMaker refuses (the job has just ended) still reports the overdue job', async () => {
    const { e, log } = await run({ statuses: ['IN_PROGRESS'], errors: { StopJob: [{ error: 'SageMaker.ValidationException', cause: 'job is not in progress' }] } });
    expect(e.error).toBe('InferenceRecommendation.PollLimitReached');
    expect(log.notifications).toHaveLength(1);
  });

  test('a putObject that S3 refuses (AccessDenied: not retried) notifies and fails with the S3 error; the summary of success is not sent', async () => {
    const denied = { error: 'S3.AccessDeniedException', cause: 'Access Denied' };
    const { e, log } = await run({ errors: { WriteRecommendations: [denied] } });
    expect({ status: e.status, error: e.error, cause: e.cause }).toEqual({ status: 'FAILED', error: 'S3.AccessDeniedException', cause: 'Access Denied' });
    expect(log.notifications.map((n) => n.message.status)).toEqual(['ERROR']);
    expect(e.path).not.toContain('NotifyCompleted');
  });

  test('a throttled S3 write is retried and the run completes', async () => {
    const slow = { error: 'S3.SlowDownException' };
    const { e, log } = await run({ errors: { WriteRecommendations: [slow, slow] } });
    expect(e.status).toBe('SUCCEEDED');
    expect(log.reports).toHaveLength(1);
  });

  test('a create SageMaker refuses (ResourceLimitExceeded) notifies and fails without polling', async () => {
    const { e, log } = await run({ errors: { CreateJob: [{ error: 'SageMaker.ResourceLimitExceededException', cause: 'too many jobs' }] } });
    expect({ status: e.status, error: e.error }).toEqual({ status: 'FAILED', error: 'SageMaker.ResourceLimitExceededException' });
    expect(log.calls.filter((c) => c.state === 'DescribeJob')).toHaveLength(0);
    expect(log.notifications).toHaveLength(1);
  });

  test('a create whose answer was lost: the retry finds the name taken, and the run polls the job it started to completion', async () => {
    const { e, log } = await run({ createAnswerLost: true });
    expect({ status: e.status, end: e.path.slice(-2) }).toEqual({ status: 'SUCCEEDED', end: ['NotifyCompleted', 'Recommended'] });
    const creates = log.calls.filter((c) => c.state === 'CreateJob');
    expect(creates).toHaveLength(2);
    expect(creates[1].arguments.JobName).toBe(creates[0].arguments.JobName);
    expect(log.calls.filter((c) => c.state === 'DescribeJob').map((c) => c.arguments.JobName)).toEqual(Array(3).fill(creates[0].arguments.JobName));
    expect(log.reports).toHaveLength(1);
  });

  test('SageMaker\'s 5XX errors are retried under the names Step Functions gives them', async () => {
    const { e, log } = await run({ errors: { CreateJob: [{ error: 'SageMaker.ServiceUnavailableException' }], DescribeJob: [{ error: 'SageMaker.InternalFailureException' }] } });
    expect(e.status).toBe('SUCCEEDED');
    expect(log.calls.filter((c) => c.state === 'CreateJob')).toHaveLength(2);
  });

  test('throttled describes are retried', async () => {
    const { e } = await run({ errors: { DescribeJob: [{ error: 'SageMaker.ThrottlingException' }] } });
    expect(e.status).toBe('SUCCEEDED');
  });

  test('a topic that refuses the failure notification does not hide the job\'s failure', async () => {
    const { e } = await run({ statuses: ['FAILED'], errors: { NotifyFailure: [{ error: 'SNS.AuthorizationErrorException' }] } });
    expect({ status: e.status, error: e.error }).toEqual({ status: 'FAILED', error: 'InferenceRecommendation.JobFailed' });
  });

  test('every run names a new job', async () => {
    const one = world({}, s.spec.advanced);
    const two = world({}, s.spec.advanced);
    await execute(definition, {}, { tasks: one.tasks, stateMachineArn: s.stateMachineArn, executionName: 'run-1', seed: 1 });
    await execute(definition, {}, { tasks: two.tasks, stateMachineArn: s.stateMachineArn, executionName: 'run-2', seed: 2 });
    expect(one.log.created[0].JobName).not.toBe(two.log.created[0].JobName);
  });
});
