/**
 * The A/B experiment handler as bundled for Lambda, with the real AWS SDK against moto on loopback: a SageMaker
 * endpoint with two variants, their metrics in CloudWatch, captures and ground truth in S3, the state and the reports
 * in S3; the handler run at chosen times (the event's runAt), the weights read back.
 */
import { CloudWatchClient, GetMetricDataCommand, MetricDatum, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateEndpointCommand, CreateEndpointConfigCommand, CreateModelCommand, DescribeEndpointCommand, SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import type * as Handler from '../../lambda/ab-experiment';
import { loadBundledHandler } from './bundle';

let cw: CloudWatchClient;
let sm: SageMakerClient;
let s3: S3Client;
let sns: SNSClient;
let experiment: typeof Handler;
let topicArn: string;
const BUCKET = 'experiments-lake';

beforeAll(async () => {
  // moto was started by global-setup.ts, which set AWS_ENDPOINT_URL, dummy credentials and the region; the bundled
  // handler creates its clients when it is loaded, after that.
  experiment = loadBundledHandler<typeof Handler>('ab-experiment');
  cw = new CloudWatchClient({});
  sm = new SageMakerClient({});
  s3 = new S3Client({ forcePathStyle: true });
  sns = new SNSClient({});
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
  topicArn = (await sns.send(new CreateTopicCommand({ Name: 'experiments' }))).TopicArn!;
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
}, 60_000);

afterAll(() => {
  jest.restoreAllMocks();
  cw?.destroy();
  sm?.destroy();
  s3?.destroy();
  sns?.destroy();
});

async function defineEndpoint(name: string): Promise<void> {
  for (const model of [`${name}-v3`, `${name}-v4`]) {
    await sm.send(new CreateModelCommand({
      ModelName: model,
      ExecutionRoleArn: 'arn:aws:iam::123456789012:role/sagemaker',
      PrimaryContainer: { Image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/churn-inference:1.4.2', ModelDataUrl: `s3://lake/models/${model}.tar.gz` },
    }));
  }
  await sm.send(new CreateEndpointConfigCommand({
    EndpointConfigName: `${name}-config`,
    ProductionVariants: [
      { VariantName: 'champion', ModelName: `${name}-v3`, InstanceType: 'ml.m5.large', InitialInstanceCount: 1, InitialVariantWeight: 90 },
      { VariantName: 'challenger', ModelName: `${name}-v4`, InstanceType: 'ml.m5.large', InitialInstanceCount: 1, InitialVariantWeight: 10 },
    ],
  }));
  await sm.send(new CreateEndpointCommand({ EndpointName: name, EndpointConfigName: `${name}-config` }));
}

/** Puts per-minute SageMaker metrics of a variant from 60 to 11 minutes ago: invocations and 5XX errors. */
async function putVariantMetrics(endpoint: string, variant: string, perMinute: { invocations: number; errors: number }) {
  const dims = [{ Name: 'EndpointName', Value: endpoint }, { Name: 'VariantName', Value: variant }];
  const now = Date.now();
  const data: MetricDatum[] = [];
  for (let m = 11; m <= 60; m++) {
    const Timestamp = new Date(now - m * 60_000);
    data.push({ MetricName: 'Invocations', Dimensions: dims, Timestamp, Value: perMinute.invocations, Unit: 'None' });
    data.push({ MetricName: 'Invocation5XXErrors', Dimensions: dims, Timestamp, Value: perMinute.errors, Unit: 'None' });
  }
  for (let i = 0; i < data.length; i += 500) {
    await cw.send(new PutMetricDataCommand({ Namespace: 'AWS/SageMaker', MetricData: data.slice(i, i + 500) }));
  }
}

async function weights(endpoint: string): Promise<Record<string, number | undefined>> {
  const d = await sm.send(new DescribeEndpointCommand({ EndpointName: endpoint }));
  expect(d.EndpointStatus).toBe('InService');
  return Object.fromEntries((d.ProductionVariants ?? []).map((v) => [v.VariantName!, v.CurrentWeight]));
}

async function readJson(key: string): Promise<any> {
  const res = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return JSON.parse(await res.Body!.transformToString('utf-8'));
}

/** The messages published to the topic, from moto's model dump (sent_notifications: [id, message, subject, ...]). */
async function notifications(): Promise<Array<{ subject: string; message: any }>> {
  const res = await fetch(`${process.env.AWS_ENDPOINT_URL}/moto-api/data.json`);
  const data = await res.json() as any;
  const topic = (data.sns?.Topic ?? []).find((t: any) => t.arn === topicArn);
  return (topic?.sent_notifications ?? []).map((n: any[]) => ({ message: JSON.parse(n[1]), subject: n[2] }));
}

function hourPrefix(ms: number): string {
  const d = new Date(ms);
  const p2 = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}/${p2(d.getUTCMonth() + 1)}/${p2(d.getUTCDate())}/${p2(d.getUTCHours())}`;
}

const at = (offsetMinutes: number) => new Date(Date.now() + offsetMinutes * 60_000).toISOString();

function event(endpointName: string, extra: Partial<Handler.ExperimentEvent> = {}): Handler.ExperimentEvent {
  return {
    experimentName: 'churn-v4', endpointName, championVariant: 'champion', challengerVariant: 'challenger',
    significance: 0.05, errorMargin: 0.25, latencyMargin: 0.5, latencyMinimumSamples: 1000, minimumSamples: 200, mixtureRelativeEffect: 0.1,
    stepPercent: 10, onCompletion: 'PROMOTE', windowMinutes: 1440, stateBucket: BUCKET, statePrefix: `experiments/${endpointName}/churn-v4/`,
    metricNamespace: 'Integ/Experiments', topicArn,
    // moto 5.2 has no extended statistics (a p99 or TC query fails with HTTP 500); real CloudWatch answers them.
    latencyGuardrail: false,
    ...extra,
  };
}

test('starts, rolls back a challenger that errs far more, notifies, keeps its state, and then stays stopped', async () => {
  // GIVEN a 90/10 endpoint, and an experiment started an hour ago
  await defineEndpoint('fraud');
  const start = await experiment.handler(event('fraud', { runAt: at(-60) }));
  expect(start).toMatchObject({ action: 'START', applied: false, weightsAfter: { champion: 90, challenger: 10 } });
  expect(await readJson('experiments/fraud/churn-v4/state.json')).toMatchObject({ status: 'RUNNING', challengerModel: 'fraud-v4', epoch: 1 });

  // WHEN the challenger errs on 10% of requests, the champion on 0.33%, and the next run comes
  await putVariantMetrics('fraud', 'champion', { invocations: 300, errors: 1 });
  await putVariantMetrics('fraud', 'challenger', { invocations: 40, errors: 4 });
  const runAt = at(0);
  const result = await experiment.handler(event('fraud', { runAt }));

  // THEN it rolled back, read back from SageMaker, and said so
  expect(result).toMatchObject({ action: 'ROLLBACK', applied: true, weightsAfter: { champion: 100, challenger: 0 } });
  expect(await weights('fraud')).toEqual({ champion: 100, challenger: 0 });
  expect(await notifications()).toEqual([{
    subject: '[cdk-mlops] Rolled back: churn-v4 on fraud',
    message: expect.objectContaining({ action: 'ROLLBACK', weightsAfter: { champion: 100, challenger: 0 } }),
  }]);
  const state = await readJson('experiments/fraud/churn-v4/state.json');
  expect(state).toMatchObject({ status: 'ROLLED_BACK', weights: { champion: 100, challenger: 0 } });
  expect(state.errors).toMatchObject({ championRequests: 15000, championEvents: 50, challengerRequests: 2000, challengerEvents: 200 });
  const report = await readJson(result.reportKey!);
  expect(report).toMatchObject({ reportFormatVersion: 1, action: 'ROLLBACK', applied: true, evidence: { errors: { rateRatio: expect.any(Number) } } });
  expect(report.evidence.errors.rateRatio).toBeCloseTo(30, 6);

  // AND a retried run of the same time, and a later run, change nothing: the experiment ended
  expect(await experiment.handler(event('fraud', { runAt }))).toMatchObject({ action: 'STOPPED', applied: false });
  expect(await experiment.handler(event('fraud', { runAt: at(30) }))).toMatchObject({ action: 'STOPPED', applied: false });
  expect(await weights('fraud')).toEqual({ champion: 100, challenger: 0 });
  expect(await notifications()).toHaveLength(1);
});

test('shifts traffic toward a challenger whose requests succeed more often, joined by inference id', async () => {
  // GIVEN a 90/10 endpoint with an experiment started an hour ago
  await defineEndpoint('churn');
  expect(await experiment.handler(event('churn', { runAt: at(-60) }))).toMatchObject({ action: 'START' });
  await putVariantMetrics('churn', 'champion', { invocations: 40, errors: 0 });
  await putVariantMetrics('churn', 'challenger', { invocations: 20, errors: 0 });

  // AND requests captured by each variant, with ground truth that arrived since: 10% of the champion's requests
  // converted, 30% of the challenger's
  const hour = hourPrefix(Date.now());
  const capture = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => JSON.stringify({
    captureData: { endpointInput: { data: '1,2', encoding: 'CSV', mode: 'INPUT', observedContentType: 'text/csv' } },
    eventMetadata: { eventId: `e-${prefix}${i}`, inferenceId: `${prefix}${i}`, inferenceTime: new Date().toISOString() },
    eventVersion: '0',
  })).join('\n');
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `data-capture/churn/champion/${hour}/a.jsonl`, Body: capture('c', 2000) }));
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `data-capture/churn/challenger/${hour}/b.jsonl`, Body: capture('d', 1000) }));
  const labels = [
    ...Array.from({ length: 2000 }, (_, i) => ({ inferenceId: `c${i}`, label: i % 10 === 0 ? 1 : 0 })),
    ...Array.from({ length: 1000 }, (_, i) => ({ inferenceId: `d${i}`, label: i % 10 < 3 ? 1 : 0 })),
  ];
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `ground-truth/churn/${hour}/labels.jsonl`, Body: labels.map((l) => JSON.stringify(l)).join('\n') }));
  const successMeasure = {
    captureBucket: BUCKET, capturePrefix: 'data-capture', groundTruthBucket: BUCKET, groundTruthPrefix: 'ground-truth/churn',
    positiveLabel: '1', captureLookbackHours: 2,
  };

  // WHEN the next run comes (its window ends after the ground truth landed)
  const result = await experiment.handler(event('churn', { runAt: at(10), successMeasure }));

  // THEN the challenger gained one step, read back from SageMaker, and a new epoch started
  expect(result).toMatchObject({ action: 'SHIFT', applied: true, weightsAfter: { champion: 80, challenger: 20 } });
  expect(await weights('churn')).toEqual({ champion: 80, challenger: 20 });
  const state = await readJson('experiments/churn/churn-v4/state.json');
  expect(state).toMatchObject({ status: 'RUNNING', epoch: 2, weights: { champion: 80, challenger: 20 } });
  const report = await readJson(result.reportKey!);
  expect(report.observations.champion).toMatchObject({ trials: 2000, successes: 200 });
  expect(report.observations.challenger).toMatchObject({ trials: 1000, successes: 300 });
  expect(report.groundTruth).toEqual({ labels: 3000, unmatched: 0, malformed: 0 });

  // AND the decision metrics are in CloudWatch
  const now = Date.now();
  const res = await cw.send(new GetMetricDataCommand({
    StartTime: new Date(now - 3 * 3600_000), EndTime: new Date(now + 3600_000),
    MetricDataQueries: [{
      Id: 'w', ReturnData: true,
      MetricStat: {
        Metric: { Namespace: 'Integ/Experiments', MetricName: 'ChallengerWeight', Dimensions: [{ Name: 'EndpointName', Value: 'churn' }, { Name: 'Experiment', Value: 'churn-v4' }] },
        Period: 3600, Stat: 'Maximum',
      },
    }],
  }));
  expect(res.MetricDataResults?.[0]?.Values).toContain(20);
  const reports = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'experiments/churn/churn-v4/reports/' }));
  expect((reports.Contents ?? []).map((o) => o.Key!.replace(/^.*\/\d{8}T\d{6}Z-/, ''))).toEqual(['start.json', 'shift.json']);
});
