/**
 * The A/B experiment handler as bundled for Lambda, with the real AWS SDK against moto on loopback: a SageMaker
 * endpoint with two variants, their metrics put into CloudWatch, the handler run, the weights read back.
 */
import { CloudWatchClient, GetMetricDataCommand, MetricDatum, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  CreateEndpointCommand, CreateEndpointConfigCommand, CreateModelCommand, DescribeEndpointCommand, SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import type * as Handler from '../../lambda/ab-experiment';
import { loadBundledHandler } from './bundle';

let cw: CloudWatchClient;
let sm: SageMakerClient;
let sns: SNSClient;
let experiment: typeof Handler;
let topicArn: string;

beforeAll(async () => {
  // moto was started by global-setup.ts, which set AWS_ENDPOINT_URL, dummy credentials and the region; the bundled
  // handler creates its clients when it is loaded, after that.
  experiment = loadBundledHandler<typeof Handler>('ab-experiment');
  cw = new CloudWatchClient({});
  sm = new SageMakerClient({});
  sns = new SNSClient({});
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
  topicArn = (await sns.send(new CreateTopicCommand({ Name: 'experiments' }))).TopicArn!;
}, 60_000);

afterAll(() => {
  jest.restoreAllMocks();
  cw?.destroy();
  sm?.destroy();
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

/** Puts per-minute SageMaker metrics of a variant over the last 30 minutes: invocations, 5XX errors and latency (us). */
async function putVariantMetrics(endpoint: string, variant: string, perMinute: { invocations: number; errors: number; latency: number }) {
  const dims = [{ Name: 'EndpointName', Value: endpoint }, { Name: 'VariantName', Value: variant }];
  const now = Date.now();
  const data: MetricDatum[] = [];
  for (let m = 2; m < 32; m++) {
    const Timestamp = new Date(now - m * 60_000);
    data.push({ MetricName: 'Invocations', Dimensions: dims, Timestamp, Value: perMinute.invocations, Unit: 'None' });
    data.push({ MetricName: 'Invocation5XXErrors', Dimensions: dims, Timestamp, Value: perMinute.errors, Unit: 'None' });
    data.push({ MetricName: 'ModelLatency', Dimensions: dims, Timestamp, Value: perMinute.latency, Unit: 'Microseconds' });
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

/** The messages published to the topic, from moto's model dump (sent_notifications: [id, message, subject, ...]). */
async function notifications(): Promise<Array<{ subject: string; message: any }>> {
  const res = await fetch(`${process.env.AWS_ENDPOINT_URL}/moto-api/data.json`);
  const data = await res.json() as any;
  const topic = (data.sns?.Topic ?? []).find((t: any) => t.arn === topicArn);
  return (topic?.sent_notifications ?? []).map((n: any[]) => ({ message: JSON.parse(n[1]), subject: n[2] }));
}

const baseEvent = {
  experimentName: 'churn-v4', championVariant: 'champion', challengerVariant: 'challenger',
  successMeasure: { type: 'errorRate' as const }, minimumSamples: 1000, significance: 0.05, latencyGuardrailPercent: 20, stepPercent: 10,
  onCompletion: 'PROMOTE' as const, windowMinutes: 60, metricNamespace: 'Integ/Experiments',
  // moto 5.2 has no extended statistics: a p99 query fails with HTTP 500 (TypeError: float(None)); real CloudWatch uses p99.
  latencyStatistic: 'Maximum',
};

test('shifts traffic toward a challenger with significantly fewer errors, once', async () => {
  // GIVEN a 90/10 endpoint whose challenger errs on 0.5% of requests and the champion on 2%
  await defineEndpoint('churn');
  await putVariantMetrics('churn', 'champion', { invocations: 300, errors: 6, latency: 40_000 });
  await putVariantMetrics('churn', 'challenger', { invocations: 60, errors: 0.3, latency: 42_000 });
  expect(await weights('churn')).toEqual({ champion: 90, challenger: 10 });

  // WHEN the handler runs (moto's endpoint was just created: no cooldown for this run)
  const result = await experiment.handler({ ...baseEvent, endpointName: 'churn', topicArn, cooldownMinutes: 0 });

  // THEN the challenger gained one step, read back from SageMaker
  expect(result).toMatchObject({ action: 'SHIFT', applied: true, weightsAfter: { champion: 80, challenger: 20 } });
  expect(await weights('churn')).toEqual({ champion: 80, challenger: 20 });

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

  // AND a duplicate run right after (within the cooldown) does not shift again
  const again = await experiment.handler({ ...baseEvent, endpointName: 'churn', topicArn, cooldownMinutes: 30 });
  expect(again).toMatchObject({ action: 'CONTINUE', applied: false });
  expect(await weights('churn')).toEqual({ champion: 80, challenger: 20 });
});

test('rolls back to the champion when the challenger errs significantly more, and notifies the topic', async () => {
  await defineEndpoint('fraud');
  await putVariantMetrics('fraud', 'champion', { invocations: 300, errors: 1, latency: 40_000 });
  await putVariantMetrics('fraud', 'challenger', { invocations: 60, errors: 3, latency: 41_000 });

  const result = await experiment.handler({ ...baseEvent, endpointName: 'fraud', topicArn, cooldownMinutes: 0 });

  expect(result).toMatchObject({ action: 'ROLLBACK', applied: true, weightsAfter: { champion: 100, challenger: 0 } });
  expect(await weights('fraud')).toEqual({ champion: 100, challenger: 0 });
  expect(await notifications()).toEqual([{ subject: '[cdk-mlops] Rolled back: churn-v4 on fraud', message: expect.objectContaining({ action: 'ROLLBACK', weightsAfter: { champion: 100, challenger: 0 } }) }]);
  // A second run keeps the champion, changes nothing and notifies nobody.
  expect(await experiment.handler({ ...baseEvent, endpointName: 'fraud', topicArn, cooldownMinutes: 0 })).toMatchObject({ applied: false });
  expect(await notifications()).toHaveLength(1);
});

test('continues without a decision when an endpoint has no metrics', async () => {
  await defineEndpoint('quiet');
  const result = await experiment.handler({ ...baseEvent, endpointName: 'quiet', topicArn, cooldownMinutes: 0 });
  expect(result).toMatchObject({ action: 'CONTINUE', applied: false });
  expect(result.reason).toMatch(/not enough samples: champion 0, challenger 0/);
  expect(await weights('quiet')).toEqual({ champion: 90, challenger: 10 });
});
