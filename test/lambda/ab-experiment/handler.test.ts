import { CloudWatchClient, GetMetricDataCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeEndpointCommand, SageMakerClient, SageMakerServiceException, UpdateEndpointWeightsAndCapacitiesCommand } from '@aws-sdk/client-sagemaker';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { ExperimentEvent, handler, sagemaker as sagemakerClient } from '../../../lambda/ab-experiment';

const cw = mockClient(CloudWatchClient);
const sm = mockClient(SageMakerClient);
const sns = mockClient(SNSClient);

const NOW = Date.parse('2026-11-23T10:00:30Z');

const event: ExperimentEvent = {
  experimentName: 'churn-v4', endpointName: 'churn', championVariant: 'champion', challengerVariant: 'challenger',
  successMeasure: { type: 'errorRate' }, minimumSamples: 1000, significance: 0.05, latencyGuardrailPercent: 20, stepPercent: 10,
  onCompletion: 'PROMOTE', windowMinutes: 60, cooldownMinutes: 30, metricNamespace: 'cdk-mlops/Experiments',
  topicArn: 'arn:aws:sns:us-east-1:123456789012:alerts',
};

function endpoint(status: string, weights: [number, number], lastModified = new Date(NOW - 3 * 3600_000)) {
  return {
    EndpointName: 'churn', EndpointStatus: status, LastModifiedTime: lastModified,
    ProductionVariants: [
      { VariantName: 'champion', CurrentWeight: weights[0], DesiredWeight: weights[0] },
      { VariantName: 'challenger', CurrentWeight: weights[1], DesiredWeight: weights[1] },
    ],
  } as any;
}

interface Window { invocations: [number, number]; errors: [number, number]; p99?: [number, number] }

/** GetMetricData answers per query id; values split over two datapoints to check that counts are summed. */
function metrics(w: Window) {
  cw.on(GetMetricDataCommand).callsFake((input) => ({
    MetricDataResults: input.MetricDataQueries.map((q: any) => {
      const [role, kind] = q.Id.split('_');
      const i = role === 'champion' ? 0 : 1;
      const v = kind === 'invocations' ? w.invocations[i] : kind === 'errors' ? w.errors[i] : w.p99?.[i];
      return { Id: q.Id, Values: v === undefined ? [] : kind === 'latency' ? [v] : [v - Math.floor(v / 2), Math.floor(v / 2)], StatusCode: 'Complete' };
    }),
  }));
}

let logs: string[];

beforeEach(() => {
  cw.reset();
  sm.reset();
  sns.reset();
  logs = [];
  jest.useFakeTimers({ now: NOW, doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'queueMicrotask'] });
  jest.spyOn(console, 'log').mockImplementation((l) => { logs.push(l); });
  jest.spyOn(console, 'error').mockImplementation((l) => { logs.push(l); });
  cw.on(PutMetricDataCommand).resolves({});
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  sm.on(UpdateEndpointWeightsAndCapacitiesCommand).resolves({ EndpointArn: 'arn:aws:sagemaker:us-east-1:123456789012:endpoint/churn' });
});

afterEach(() => {
  jest.useRealTimers();
  jest.restoreAllMocks();
});

const records = () => logs.map((l) => JSON.parse(l));

describe('ab-experiment handler', () => {
  test('shifts one step toward a better challenger, from the current weights, and records the decision', async () => {
    sm.on(DescribeEndpointCommand).resolves(endpoint('InService', [90, 10]));
    metrics({ invocations: [5000, 5000], errors: [100, 50], p99: [100_000, 105_000] });

    const result = await handler(event);

    expect(result).toMatchObject({ action: 'SHIFT', applied: true, weightsBefore: { champion: 90, challenger: 10 }, weightsAfter: { champion: 80, challenger: 20 } });
    expect(sm.commandCalls(UpdateEndpointWeightsAndCapacitiesCommand)[0].args[0].input).toEqual({
      EndpointName: 'churn',
      DesiredWeightsAndCapacities: [{ VariantName: 'champion', DesiredWeight: 80 }, { VariantName: 'challenger', DesiredWeight: 20 }],
    });
    // The window: the last 60 whole minutes, one period per query, plain MetricStat queries.
    const query = cw.commandCalls(GetMetricDataCommand)[0].args[0].input;
    expect(query.StartTime).toEqual(new Date('2026-11-23T09:00:00Z'));
    expect(query.EndTime).toEqual(new Date('2026-11-23T10:00:00Z'));
    expect(query.MetricDataQueries!.map((q) => `${q.Id}:${q.MetricStat!.Metric!.MetricName}:${q.MetricStat!.Stat}:${q.MetricStat!.Period}`)).toEqual([
      'champion_invocations:Invocations:Sum:3600', 'champion_errors:Invocation5XXErrors:Sum:3600', 'champion_latency:ModelLatency:p99:3600',
      'challenger_invocations:Invocations:Sum:3600', 'challenger_errors:Invocation5XXErrors:Sum:3600', 'challenger_latency:ModelLatency:p99:3600',
    ]);
    expect(query.MetricDataQueries![3].MetricStat!.Metric!.Dimensions).toEqual([{ Name: 'EndpointName', Value: 'churn' }, { Name: 'VariantName', Value: 'challenger' }]);
    // The metrics.
    const put = cw.commandCalls(PutMetricDataCommand)[0].args[0].input;
    expect(put.Namespace).toBe('cdk-mlops/Experiments');
    expect(put.MetricData).toEqual(expect.arrayContaining([
      expect.objectContaining({ MetricName: 'ExperimentDecision', Value: 1, Dimensions: expect.arrayContaining([{ Name: 'Decision', Value: 'SHIFT' }, { Name: 'Experiment', Value: 'churn-v4' }]) }),
      expect.objectContaining({ MetricName: 'ChallengerWeight', Value: 20, Unit: 'Percent' }),
      expect.objectContaining({ MetricName: 'PValue' }),
    ]));
    // The log line, structured.
    const line = records().find((r) => r.message === 'experiment decision');
    expect(line).toMatchObject({
      level: 'INFO', action: 'SHIFT', applied: true, experimentName: 'churn-v4', endpointName: 'churn',
      observations: { champion: { samples: 5000, errors: 100 }, challenger: { samples: 5000, errors: 50 } },
      weightsAfter: { champion: 80, challenger: 20 },
    });
    // No notification for a shift.
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  test('does nothing while the endpoint is Updating', async () => {
    sm.on(DescribeEndpointCommand).resolves(endpoint('Updating', [90, 10]));
    const result = await handler(event);
    expect(result).toMatchObject({ action: 'SKIPPED', applied: false });
    expect(cw.commandCalls(GetMetricDataCommand)).toHaveLength(0);
    expect(sm.commandCalls(UpdateEndpointWeightsAndCapacitiesCommand)).toHaveLength(0);
    expect(records()[0]).toMatchObject({ message: 'experiment skipped', endpointStatus: 'Updating' });
  });

  test('continues without a decision when metrics are missing', async () => {
    sm.on(DescribeEndpointCommand).resolves(endpoint('InService', [90, 10]));
    cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
    const result = await handler(event);
    expect(result).toMatchObject({ action: 'CONTINUE', applied: false });
    expect(result.reason).toMatch(/not enough samples: champion 0, challenger 0/);
    expect(sm.commandCalls(UpdateEndpointWeightsAndCapacitiesCommand)).toHaveLength(0);
    expect(cw.commandCalls(PutMetricDataCommand)[0].args[0].input.MetricData).toEqual(expect.arrayContaining([
      expect.objectContaining({ MetricName: 'ExperimentDecision', Dimensions: expect.arrayContaining([{ Name: 'Decision', Value: 'CONTINUE' }]) }),
    ]));
  });

  test('reads every page of GetMetricData', async () => {
    sm.on(DescribeEndpointCommand).resolves(endpoint('InService', [90, 10]));
    cw.on(GetMetricDataCommand)
      .resolvesOnce({ MetricDataResults: [{ Id: 'champion_invocations', Values: [3000] }, { Id: 'challenger_invocations', Values: [3000] }], NextToken: 't' })
      .resolvesOnce({ MetricDataResults: [{ Id: 'champion_invocations', Values: [2000] }, { Id: 'challenger_invocations', Values: [2000] },
        { Id: 'champion_errors', Values: [100] }, { Id: 'challenger_errors', Values: [50] }] });
    expect(await handler(event)).toMatchObject({ action: 'SHIFT' });
    expect(cw.commandCalls(GetMetricDataCommand)[1].args[0].input.NextToken).toBe('t');
  });

  test('rolls back to the champion and notifies the topic', async () => {
    sm.on(DescribeEndpointCommand).resolves(endpoint('InService', [80, 20]));
    metrics({ invocations: [5000, 5000], errors: [50, 100] });
    const result = await handler(event);
    expect(result).toMatchObject({ action: 'ROLLBACK', applied: true, weightsAfter: { champion: 100, challenger: 0 } });
    const publish = sns.commandCalls(PublishCommand)[0].args[0].input;
    expect(publish.TopicArn).toBe('arn:aws:sns:us-east-1:123456789012:alerts');
    expect(publish.Subject).toBe('[cdk-mlops] Rolled back: churn-v4 on churn');
    expect(JSON.parse(publish.Message!)).toMatchObject({ action: 'ROLLBACK', weightsAfter: { champion: 100, challenger: 0 } });
  });

  test('rolls back on the latency guardrail and notifies the topic', async () => {
    sm.on(DescribeEndpointCommand).resolves(endpoint('InService', [90, 10]));
    metrics({ invocations: [400, 200], errors: [0, 0], p99: [100_000, 130_000] });
    expect(await handler(event)).toMatchObject({ action: 'ROLLBACK', applied: true });
    expect(sns.commandCalls(PublishCommand)[0].args[0].input.Message).toContain('p99 latency is 30.00% above');
  });

  test('promotes the challenger and notifies the topic', async () => {
    sm.on(DescribeEndpointCommand).resolves(endpoint('InService', [10, 90]));
    metrics({ invocations: [5000, 5000], errors: [100, 50] });
    expect(await handler(event)).toMatchObject({ action: 'PROMOTE', applied: true, weightsAfter: { champion: 0, challenger: 100 } });
    expect(sns.commandCalls(PublishCommand)[0].args[0].input.Subject).toBe('[cdk-mlops] Promoted: churn-v4 on churn');
  });

  test('does not update nor notify again when the experiment is already rolled back', async () => {
    sm.on(DescribeEndpointCommand).resolves(endpoint('InService', [100, 0]));
    metrics({ invocations: [5000, 5000], errors: [50, 100] }); // the window still holds the evidence
    expect(await handler(event)).toMatchObject({ action: 'ROLLBACK', applied: false });
    expect(sm.commandCalls(UpdateEndpointWeightsAndCapacitiesCommand)).toHaveLength(0);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  test('does not shift twice when a duplicate run follows a shift', async () => {
    sm.on(DescribeEndpointCommand).resolves(endpoint('InService', [80, 20], new Date(NOW - 2 * 60_000)));
    metrics({ invocations: [5000, 5000], errors: [100, 50] });
    const result = await handler(event);
    expect(result).toMatchObject({ action: 'CONTINUE', applied: false });
    expect(result.reason).toMatch(/within the 30 min cooldown/);
    expect(sm.commandCalls(UpdateEndpointWeightsAndCapacitiesCommand)).toHaveLength(0);
  });

  test('treats an update refused because the endpoint is being updated as a no-op', async () => {
    sm.on(DescribeEndpointCommand).resolves(endpoint('InService', [90, 10]));
    metrics({ invocations: [5000, 5000], errors: [100, 50] });
    sm.on(UpdateEndpointWeightsAndCapacitiesCommand).rejects(new SageMakerServiceException({
      name: 'ValidationException', $fault: 'client', $metadata: {},
      message: 'Cannot update in-progress endpoint "arn:aws:sagemaker:us-east-1:123456789012:endpoint/churn".',
    }));
    expect(await handler(event)).toMatchObject({ action: 'SKIPPED', applied: false });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  test('logs and rethrows a failed weight update, so that the failure alarm fires', async () => {
    sm.on(DescribeEndpointCommand).resolves(endpoint('InService', [80, 20]));
    metrics({ invocations: [5000, 5000], errors: [50, 100] });
    sm.on(UpdateEndpointWeightsAndCapacitiesCommand).rejects(new SageMakerServiceException({
      name: 'AccessDeniedException', $fault: 'client', $metadata: {}, message: 'not authorized to perform sagemaker:UpdateEndpointWeightsAndCapacities',
    }));
    await expect(handler(event)).rejects.toThrow(/not authorized/);
    expect(records()).toEqual(expect.arrayContaining([
      expect.objectContaining({ level: 'ERROR', message: 'experiment weight update failed', action: 'ROLLBACK', errorName: 'AccessDeniedException' }),
    ]));
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    expect(cw.commandCalls(PutMetricDataCommand)).toHaveLength(0);
  });

  test('fails clearly when throttling outlasts the SDK retries', async () => {
    sm.on(DescribeEndpointCommand).resolves(endpoint('InService', [90, 10]));
    cw.on(GetMetricDataCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    await expect(handler(event)).rejects.toThrow(/Rate exceeded/);
    expect(sm.commandCalls(UpdateEndpointWeightsAndCapacitiesCommand)).toHaveLength(0);
  });

  test('lets the SDK retry throttling (5 attempts, standard mode)', async () => {
    expect(await sagemakerClient.config.maxAttempts()).toBe(5);
  });

  test('fails when a variant of the experiment is not on the endpoint', async () => {
    sm.on(DescribeEndpointCommand).resolves(endpoint('InService', [90, 10]));
    await expect(handler({ ...event, challengerVariant: 'v5' })).rejects.toThrow(/endpoint churn has no production variant v5 \(it has champion, challenger\)/);
  });

  test('fails on an invalid event, naming every problem', async () => {
    await expect(handler({ ...event, significance: 0.7, stepPercent: 0, challengerVariant: 'champion' }))
      .rejects.toThrow(/significance must be in \(0, 0.5\], got 0.7; stepPercent must be in \(0, 100\], got 0; championVariant and challengerVariant must differ/);
    expect(sm.commandCalls(DescribeEndpointCommand)).toHaveLength(0);
  });

  test('measures a business metric the application publishes per variant', async () => {
    sm.on(DescribeEndpointCommand).resolves(endpoint('InService', [50, 50]));
    cw.on(GetMetricDataCommand).callsFake((input) => ({
      MetricDataResults: input.MetricDataQueries.map((q: any) => ({
        Id: q.Id,
        Values: { champion_invocations: [2000], challenger_invocations: [2000], champion_successes: [200], challenger_successes: [260],
          champion_trials: [1000], challenger_trials: [1000], champion_errors: [0], challenger_errors: [0] }[q.Id as string] ?? [],
      })),
    }));
    const result = await handler({ ...event, successMeasure: { type: 'businessMetric', namespace: 'Shop', successMetricName: 'Conversions', trialMetricName: 'Offers' } });
    expect(result).toMatchObject({ action: 'SHIFT', weightsAfter: { champion: 40, challenger: 60 } });
    const queries = cw.commandCalls(GetMetricDataCommand)[0].args[0].input.MetricDataQueries!;
    expect(queries.find((q) => q.Id === 'challenger_successes')!.MetricStat!.Metric).toMatchObject({ Namespace: 'Shop', MetricName: 'Conversions' });
    expect(records().find((r) => r.message === 'experiment decision').observations.challenger).toMatchObject({ samples: 1000, successes: 260, invocations: 2000 });
  });
});
