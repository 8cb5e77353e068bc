import { App } from 'aws-cdk-lib';
import { buildReferenceApp } from '../../../bin/reference-app';
import { IDataLake } from '../../../lib/data-lake';
import { driftFixture } from '../../drift/fixtures';
import { EndpointLoadTest } from '../../../lib/loadtest';
import { fullProps, minimalProps } from '../../loadtest/fixtures';
import { testApp } from '../../util';
import { ContractApp, pathOf } from '../harness/apps';
import { ACCOUNT, REGION } from '../harness/cfn';
import { CallRow, PrincipalContract } from '../harness/iam';

/** A load-test app under contract: the construct and what it was given. */
export interface LoadTestAppSpec {
  readonly app: App;
  readonly loadTest: EndpointLoadTest;
  readonly payloads: { zone: string; prefix: string };
  readonly reports: { zone: string; prefix: string };
  readonly lake: IDataLake;
  readonly targetVariant?: string;
  /** Its p99 stopping condition in ms, if it has one. */
  readonly p99Ms?: number;
}

export const LOAD_TEST_APPS: Record<string, () => LoadTestAppSpec> = {
  'reference app (ramp, steady, spike on the churn endpoint; lake in the data stack)': () => {
    const app = testApp();
    const stacks = buildReferenceApp(app);
    return { app, loadTest: stacks.serving.loadTest, lake: stacks.data.lake, payloads: { zone: 'curated', prefix: 'load-test/churn/payloads/' },
      reports: { zone: 'monitoring', prefix: 'load-tests/churn/' }, p99Ms: 1000 };
  },
  'minimal load test (one steady phase)': () => {
    const f = driftFixture(testApp());
    const loadTest = new EndpointLoadTest(f.stack, 'LoadTest', minimalProps(f));
    return { app: f.app, loadTest, lake: f.lake, payloads: { zone: 'curated', prefix: 'load-test/churn/' },
      reports: { zone: 'curated', prefix: 'load-test-reports/' } };
  },
  'full load test (ramp, steady, spike on the champion; reports in the monitoring zone)': () => {
    const f = driftFixture(testApp());
    const loadTest = new EndpointLoadTest(f.stack, 'LoadTest', fullProps(f));
    return { app: f.app, loadTest, lake: f.lake, targetVariant: 'champion', p99Ms: 500,
      payloads: { zone: 'curated', prefix: 'load-test/churn/' }, reports: { zone: 'monitoring', prefix: 'load-tests/churn/' } };
  },
};

/** The concrete values the rows are written in. */
export interface LoadTestSubject {
  readonly spec: LoadTestAppSpec;
  readonly endpointName: string;
  readonly stateMachineArn: string;
  readonly stateMachineName: string;
  readonly endpointArn: string;
  readonly workerArn: string;
  readonly aggregatorArn: string;
  readonly payloadsBucketArn: string;
  readonly payloadsBucketName: string;
  readonly payloadsKeyArn?: string;
  readonly reportsBucketArn: string;
  readonly reportsKeyArn?: string;
  readonly workerRoleArn: string;
  readonly stateMachineRoleArn: string;
}

export function loadTestSubject(app: ContractApp, spec: LoadTestAppSpec): LoadTestSubject {
  const t = spec.loadTest;
  const zone = (name: string) => spec.lake.zone(name);
  const bucketArn = (name: string) => app.value(zone(name).bucket, zone(name).bucket.bucketArn);
  const keyArn = (name: string) => zone(name).encryptionKey && app.value(zone(name).encryptionKey!, zone(name).encryptionKey!.keyArn);
  const smArn = app.value(t, t.stateMachine.stateMachineArn);
  const endpointName = app.value(t, t.endpointName);
  return {
    spec,
    endpointName,
    stateMachineArn: smArn,
    stateMachineName: smArn.split(':').pop()!,
    endpointArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:endpoint/${endpointName}`,
    workerArn: app.value(t, t.workerFunction.functionArn),
    aggregatorArn: app.value(t, t.aggregateFunction.functionArn),
    payloadsBucketArn: bucketArn(spec.payloads.zone),
    payloadsBucketName: app.value(zone(spec.payloads.zone).bucket, zone(spec.payloads.zone).bucket.bucketName),
    payloadsKeyArn: keyArn(spec.payloads.zone),
    reportsBucketArn: bucketArn(spec.reports.zone),
    reportsKeyArn: keyArn(spec.reports.zone),
    workerRoleArn: app.iam.findRoles({ path: pathOf(t.workerFunction.role!) })[0].roleArn,
    stateMachineRoleArn: app.iam.findRoles({ path: pathOf(t.stateMachine.role) })[0].roleArn,
  };
}

const INVOKE = 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_runtime_InvokeEndpoint.html';
const DESCRIBE_ENDPOINT = 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeEndpoint.html';
const SAR_SAGEMAKER = 'https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html';
const SAR_AAS = 'https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsapplicationautoscaling.html';
const SFN_LAMBDA = 'https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html';
const SFN_DIST_MAP = 'https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html#dist-map-permissions';
const SFN_LOGS = 'https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html#cloudwatch-iam-policy';
const SFN_XRAY = 'https://docs.aws.amazon.com/step-functions/latest/dg/xray-iam.html';
const S3_PUT = 'https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html';
const S3_GET = 'https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html';
const S3_LIST = 'https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html';
const S3_SSE_KMS = 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#require-sse-kms';
const CW_NAMESPACE = 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/iam-cw-condition-keys-namespace.html';
const LAMBDA_TRUST = 'https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html';

const viaS3 = (bucketArn: string) => ({ 'kms:ViaService': `s3.${REGION}.amazonaws.com`, 'kms:EncryptionContext:aws:s3:arn': bucketArn });
const endpoint = (name: string) => `arn:aws:sagemaker:${REGION}:${ACCOUNT}:endpoint/${name}`;

/** The calls of a load test's principals. */
export const LOAD_TEST_CONTRACT: PrincipalContract<LoadTestSubject>[] = [
  {
    principal: 'the state machine role',
    who: (s) => ({ role: { path: pathOf(s.spec.loadTest.stateMachine.role) } }),
    calls: (s) => {
      const report = `${s.reportsBucketArn}/${s.spec.reports.prefix}run-1.json`;
      const rows: CallRow[] = [
        { call: 'reads the instance counts before and after a phase', action: 'sagemaker:DescribeEndpoint', resource: s.endpointArn, expect: 'allowed', source: DESCRIBE_ENDPOINT },
        { call: 'reads the scale-out of a variant (no resource-level permissions: *)', action: 'application-autoscaling:DescribeScalingActivities', resource: '*', expect: 'allowed', source: SAR_AAS },
        { call: 'invokes the workers', action: 'lambda:InvokeFunction', resource: s.workerArn, expect: 'allowed', source: SFN_LAMBDA },
        { call: 'invokes the aggregation', action: 'lambda:InvokeFunction', resource: s.aggregatorArn, expect: 'allowed', source: SFN_LAMBDA },
        { call: 'starts the Distributed Map\'s child workflows', action: 'states:StartExecution', resource: s.stateMachineArn, expect: 'allowed', source: SFN_DIST_MAP },
        {
          call: 'describes and stops its own executions (the Distributed Map\'s grant)', action: 'states:StopExecution',
          resource: `arn:aws:states:${REGION}:${ACCOUNT}:execution:${s.stateMachineName}:run-1`, expect: 'allowed', source: SFN_DIST_MAP,
        },
        { call: 'writes the report', action: 's3:PutObject', resource: report, expect: 'allowed', source: S3_PUT },
        { call: 'delivers execution logs', action: 'logs:CreateLogDelivery', resource: '*', expect: 'allowed', source: SFN_LOGS },
        { call: 'traces executions', action: 'xray:PutTraceSegments', resource: '*', expect: 'allowed', source: SFN_XRAY },
        // Must not:
        { call: 'sends requests itself (only the workers do)', action: 'sagemaker:InvokeEndpoint', resource: s.endpointArn, expect: 'denied', source: SAR_SAGEMAKER },
        { call: 'changes the endpoint', action: 'sagemaker:UpdateEndpoint', resource: s.endpointArn, expect: 'denied', source: SAR_SAGEMAKER },
        { call: 'describes another endpoint', action: 'sagemaker:DescribeEndpoint', resource: endpoint('fraud'), expect: 'denied', source: SAR_SAGEMAKER },
        {
          call: 'changes scaling', action: 'application-autoscaling:RegisterScalableTarget',
          resource: `arn:aws:application-autoscaling:${REGION}:${ACCOUNT}:scalable-target/0123456789abcdef`, expect: 'denied', source: SAR_AAS },
        { call: 'invokes another function', action: 'lambda:InvokeFunction', resource: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:other`, expect: 'denied', source: SFN_LAMBDA },
        {
          call: 'stops executions of another state machine', action: 'states:StopExecution',
          resource: `arn:aws:states:${REGION}:${ACCOUNT}:execution:other:run-1`, expect: 'denied', source: SFN_DIST_MAP,
        },
        { call: 'starts another state machine', action: 'states:StartExecution', resource: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:other`, expect: 'denied', source: SFN_DIST_MAP },
        { call: 'writes outside the report prefix', action: 's3:PutObject', resource: `${s.reportsBucketArn}/elsewhere/run-1.json`, expect: 'denied', source: S3_PUT },
        { call: 'deletes a report', action: 's3:DeleteObject', resource: report, expect: 'denied', source: S3_PUT },
        { call: 'reads the payloads (only the workers do)', action: 's3:GetObject', resource: `${s.payloadsBucketArn}/${s.spec.payloads.prefix}a.json`, expect: 'denied', source: S3_GET },
      ];
      if (s.reportsKeyArn) {
        rows.push(
          { call: 'encrypts the report through S3', action: 'kms:GenerateDataKey', resource: s.reportsKeyArn, context: viaS3(s.reportsBucketArn), expect: 'allowed', source: S3_SSE_KMS },
          { call: 'uses the zone key directly', action: 'kms:GenerateDataKey', resource: s.reportsKeyArn, expect: 'denied', source: S3_SSE_KMS },
        );
      }
      return rows;
    },
  },
  {
    principal: 'the worker role',
    who: (s) => ({ role: { path: pathOf(s.spec.loadTest.workerFunction.role!) } }),
    calls: (s) => {
      const payload = `${s.payloadsBucketArn}/${s.spec.payloads.prefix}request-0001.json`;
      const rows: CallRow[] = [
        { call: 'sends requests to the endpoint under test', action: 'sagemaker:InvokeEndpoint', resource: s.endpointArn, expect: 'allowed', source: INVOKE },
        { call: 'lists the request bodies', action: 's3:ListBucket', resource: s.payloadsBucketArn, context: { 's3:prefix': s.spec.payloads.prefix }, expect: 'allowed', source: S3_LIST },
        { call: 'reads a request body', action: 's3:GetObject', resource: payload, expect: 'allowed', source: S3_GET },
        // Must not:
        { call: 'sends requests to another endpoint', action: 'sagemaker:InvokeEndpoint', resource: endpoint('fraud'), expect: 'denied', source: INVOKE },
        {
          call: 'sends requests to an endpoint whose name extends this one', action: 'sagemaker:InvokeEndpoint', resource: endpoint(`${s.endpointName}-v2`),
          expect: 'denied', source: SAR_SAGEMAKER,
        },
        { call: 'streams responses (not what the worker calls)', action: 'sagemaker:InvokeEndpointWithResponseStream', resource: s.endpointArn, expect: 'denied', source: SAR_SAGEMAKER },
        { call: 'invokes asynchronously', action: 'sagemaker:InvokeEndpointAsync', resource: s.endpointArn, expect: 'denied', source: SAR_SAGEMAKER },
        { call: 'changes the endpoint', action: 'sagemaker:UpdateEndpointWeightsAndCapacities', resource: s.endpointArn, expect: 'denied', source: SAR_SAGEMAKER },
        { call: 'reads outside the payload prefix', action: 's3:GetObject', resource: `${s.payloadsBucketArn}/churn/raw/customers.csv`, expect: 'denied', source: S3_GET },
        { call: 'lists outside the payload prefix', action: 's3:ListBucket', resource: s.payloadsBucketArn, context: { 's3:prefix': 'churn/' }, expect: 'denied', source: S3_LIST },
        { call: 'writes into the payloads', action: 's3:PutObject', resource: payload, expect: 'denied', source: S3_PUT },
        { call: 'publishes metrics (the aggregation does)', action: 'cloudwatch:PutMetricData', resource: '*', context: { 'cloudwatch:namespace': 'cdk-mlops/LoadTest' }, expect: 'denied', source: CW_NAMESPACE },
      ];
      if (s.payloadsKeyArn) {
        rows.push(
          { call: 'decrypts a request body through S3', action: 'kms:Decrypt', resource: s.payloadsKeyArn, context: viaS3(s.payloadsBucketArn), expect: 'allowed', source: S3_SSE_KMS },
          { call: 'decrypts with the zone key directly', action: 'kms:Decrypt', resource: s.payloadsKeyArn, expect: 'denied', source: S3_SSE_KMS },
        );
      }
      return rows;
    },
  },
  {
    principal: 'Lambda assuming the worker role',
    who: () => ({ service: 'lambda.amazonaws.com' }),
    calls: (s) => [
      { action: 'sts:AssumeRole', resource: s.workerRoleArn, expect: 'allowed', source: LAMBDA_TRUST },
      { call: 'the aggregation\'s role is not the worker\'s: assuming it gives no InvokeEndpoint', action: 'sts:AssumeRole', resource: s.stateMachineRoleArn,
        expect: 'denied', source: LAMBDA_TRUST },
    ],
  },
  {
    principal: 'the aggregation role',
    who: (s) => ({ role: { path: pathOf(s.spec.loadTest.aggregateFunction.role!) } }),
    calls: (s) => [
      { call: 'publishes the phase metrics', action: 'cloudwatch:PutMetricData', resource: '*', context: { 'cloudwatch:namespace': 'cdk-mlops/LoadTest' }, expect: 'allowed', source: CW_NAMESPACE },
      // Must not:
      { call: 'publishes into another namespace', action: 'cloudwatch:PutMetricData', resource: '*', context: { 'cloudwatch:namespace': 'AWS/SageMaker' }, expect: 'denied', source: CW_NAMESPACE },
      { call: 'sends requests', action: 'sagemaker:InvokeEndpoint', resource: s.endpointArn, expect: 'denied', source: INVOKE },
      { call: 'writes reports (the state machine does)', action: 's3:PutObject', resource: `${s.reportsBucketArn}/${s.spec.reports.prefix}run-1.json`, expect: 'denied', source: S3_PUT },
    ],
  },
];

