import { CloudWatchClient, GetMetricDataCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  DescribeEndpointCommand, DescribeEndpointConfigCommand, SageMakerClient, SageMakerServiceException, UpdateEndpointWeightsAndCapacitiesCommand,
} from '@aws-sdk/client-sagemaker';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { EVENT } from './fixtures';
import { ExperimentState, newState } from '../../../lambda/ab-experiment/decide';
import { decisionMetrics, handler, isEndpointBusy, isWriteConflict } from '../../../lambda/ab-experiment/index';
import { emptyGuardrail } from '../../../lambda/ab-experiment/stats';

const cw = mockClient(CloudWatchClient);
const sm = mockClient(SageMakerClient);
const s3 = mockClient(S3Client);
const sns = mockClient(SNSClient);

const NOW = Date.parse('2026-11-23T10:05:30Z');
const END = '2026-11-23T10:00:00.000Z';
const LAST = '2026-11-23T09:00:00.000Z';
const STATE_KEY = 'experiments/churn/churn-v4/state.json';
const GUARD_ONLY = { ...EVENT, successMeasure: undefined };

function endpoint(status: string, weights: [number, number]) {
  sm.on(DescribeEndpointCommand).resolves({
    EndpointName: 'churn', EndpointStatus: status, EndpointConfigName: 'churn-config-2',
    ProductionVariants: [
      { VariantName: 'champion', CurrentWeight: weights[0], DesiredWeight: weights[0] },
      { VariantName: 'challenger', CurrentWeight: weights[1], DesiredWeight: weights[1] },
    ],
  } as any);
  sm.on(DescribeEndpointConfigCommand).resolves({
    EndpointConfigName: 'churn-config-2',
    ProductionVariants: [
      { VariantName: 'champion', ModelName: 'model-a', InitialVariantWeight: 90 },
      { VariantName: 'challenger', ModelName: 'model-b', InitialVariantWeight: 10 },
    ],
  } as any);
}

const body = (text: string) => ({ transformToString: async () => text }) as any;

function stored(state: ExperimentState | undefined) {
  s3.on(ListObjectsV2Command, { Prefix: STATE_KEY }).resolves({ Contents: state ? [{ Key: STATE_KEY }] : [] });
  s3.on(GetObjectCommand, { Key: STATE_KEY }).callsFake(async () => {
    if (!state) throw Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' });
    return { Body: body(JSON.stringify(state)), ETag: '"etag-1"' };
  });
}

/** Listings for a stored state: the state key is listed, other prefixes answered by `fake`. */
function listWithState(fake: (input: any) => Promise<any>) {
  s3.on(ListObjectsV2Command).callsFake(async (input) => (input.Prefix === STATE_KEY ? { Contents: [{ Key: STATE_KEY }] } : fake(input)));
}

interface Window { requests: [number, number]; errors: [number, number]; p99?: [number, number]; slow?: [number, number] }

function metrics(w: Window) {
  cw.on(GetMetricDataCommand).callsFake((input) => ({
    MetricDataResults: input.MetricDataQueries.map((q: any) => {
      const [role, kind] = q.Id.split('_');
      const i = role === 'champion' ? 0 : 1;
      const v = { invocations: w.requests, errors: w.errors, p99: w.p99, slow: w.slow }[kind as 'invocations']?.[i];
      return { Id: q.Id, Values: v === undefined ? [] : [v], StatusCode: 'Complete' };
    }),
  }));
}

let logs: string[];
const records = () => logs.map((l) => JSON.parse(l));
const puts = () => s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);

beforeEach(() => {
  cw.reset();
  sm.reset();
  s3.reset();
  sns.reset();
  logs = [];
  jest.useFakeTimers({ now: NOW, doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'queueMicrotask'] });
  jest.spyOn(console, 'log').mockImplementation((l) => { logs.push(l); });
  jest.spyOn(console, 'error').mockImplementation((l) => { logs.push(l); });
  cw.on(PutMetricDataCommand).resolves({});
  s3.on(PutObjectCommand).resolves({ ETag: '"etag-2"' });
  s3.on(ListObjectsV2Command).resolves({ Contents: [] });
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  sm.on(UpdateEndpointWeightsAndCapacitiesCommand).resolves({ EndpointArn: 'arn:aws:sagemaker:us-east-1:123456789012:endpoint/churn' });
});

afterEach(() => {
  jest.useRealTimers();
  jest.restoreAllMocks();
});

describe('the experiment handler', () => {
  test('does nothing while the endpoint is not InService', async () => {
    endpoint('Updating', [90, 10]);
    const r = await handler(EVENT);
    expect(r).toEqual({ experimentName: 'churn-v4', endpointName: 'churn', action: 'SKIPPED', applied: false,
      reason: 'endpoint is Updating, not InService: nothing done, the next run decides' });
    expect(sm.commandCalls(DescribeEndpointConfigCommand)).toHaveLength(0);
    expect(puts()).toHaveLength(0);
  });

  test('says so when the endpoint status is unknown', async () => {
    endpoint(undefined as any, [90, 10]);
    expect((await handler(EVENT)).reason).toBe('endpoint is in an unknown state, not InService: nothing done, the next run decides');
  });

  test('fails when a variant is not on the endpoint', async () => {
    endpoint('InService', [90, 10]);
    await expect(handler({ ...EVENT, challengerVariant: 'other' })).rejects.toThrow('endpoint churn has no production variant other (it has champion, challenger)');
    expect(records().find((l) => l.message === 'experiment misconfigured')).toBeDefined();
  });

  test('starts an experiment: reads the configuration, writes the state only if none exists, and a report', async () => {
    endpoint('InService', [90, 10]);
    stored(undefined);
    const r = await handler(EVENT);
    expect(r).toMatchObject({ action: 'START', applied: false, weightsBefore: { champion: 90, challenger: 10 }, weightsAfter: { champion: 90, challenger: 10 },
      reportKey: 'experiments/churn/churn-v4/reports/20261123T100000Z-start.json' });
    expect(sm.commandCalls(DescribeEndpointConfigCommand)[0].args[0].input).toEqual({ EndpointConfigName: 'churn-config-2' });
    expect(cw.commandCalls(GetMetricDataCommand)).toHaveLength(0);
    const [state, report] = puts();
    expect(state).toMatchObject({ Bucket: 'lake', Key: STATE_KEY, IfNoneMatch: '*', ContentType: 'application/json' });
    expect(state.IfMatch).toBeUndefined();
    expect(JSON.parse(state.Body as string)).toEqual(newState('model-b', { champion: 90, challenger: 10 }, { champion: 90, challenger: 10 }, END, 1));
    expect(report.Key).toBe('experiments/churn/churn-v4/reports/20261123T100000Z-start.json');
    expect(JSON.parse(report.Body as string)).toMatchObject({ reportFormatVersion: 1, action: 'START', challengerModel: 'model-b', applied: false });
    expect(sm.commandCalls(UpdateEndpointWeightsAndCapacitiesCommand)).toHaveLength(0);
  });

  test('restarts on a new challenger model: resets the weights to the configuration and notifies', async () => {
    endpoint('InService', [100, 0]);
    stored({ ...newState('model-old', { champion: 100, challenger: 0 }, { champion: 90, challenger: 10 }, LAST, 2), status: 'ROLLED_BACK' });
    const r = await handler(EVENT);
    expect(r).toMatchObject({ action: 'RESTART', applied: true, weightsAfter: { champion: 90, challenger: 10 } });
    expect(sm.commandCalls(UpdateEndpointWeightsAndCapacitiesCommand)[0].args[0].input).toEqual({
      EndpointName: 'churn',
      DesiredWeightsAndCapacities: [{ VariantName: 'champion', DesiredWeight: 90 }, { VariantName: 'challenger', DesiredWeight: 10 }],
    });
    expect(puts()[0]).toMatchObject({ IfMatch: '"etag-1"' });
    const msg = sns.commandCalls(PublishCommand)[0].args[0].input;
    expect(msg.Subject).toBe('[cdk-mlops] New experiment: churn-v4 on churn');
    expect(JSON.parse(msg.Message!)).toMatchObject({ action: 'RESTART', reportKey: 's3://lake/experiments/churn/churn-v4/reports/20261123T100000Z-restart.json' });
  });

  test('rolls back a challenger that errs far more, pooling the window since the last run', async () => {
    endpoint('InService', [90, 10]);
    stored(newState('model-b', { champion: 90, challenger: 10 }, { champion: 90, challenger: 10 }, LAST, 1));
    metrics({ requests: [18000, 2000], errors: [18, 40], p99: [100, 110] });
    const r = await handler(GUARD_ONLY);
    expect(r).toMatchObject({ action: 'ROLLBACK', applied: true, weightsAfter: { champion: 100, challenger: 0 } });
    const q = cw.commandCalls(GetMetricDataCommand)[0].args[0].input;
    expect(q.StartTime).toEqual(new Date(LAST));
    expect(q.EndTime).toEqual(new Date(END));
    const state = JSON.parse(puts()[0].Body as string);
    expect(state).toMatchObject({ status: 'ROLLED_BACK', lastWindowEnd: END, weights: { champion: 100, challenger: 0 } });
    expect(state.errors).toMatchObject({ championRequests: 18000, challengerRequests: 2000, championEvents: 18, challengerEvents: 40 });
    expect(state.latency.threshold).toBe(100);
    expect(sns.commandCalls(PublishCommand)[0].args[0].input.Subject).toBe('[cdk-mlops] Rolled back: churn-v4 on churn');
    const data = cw.commandCalls(PutMetricDataCommand)[0].args[0].input;
    expect(data.Namespace).toBe('cdk-mlops/Experiments');
    expect(data.MetricData!.map((d) => d.MetricName)).toEqual(['ExperimentDecision', 'ChallengerWeight', 'ErrorGuardrailPValue', 'LatencyGuardrailPValue']);
    expect(records().find((l) => l.message === 'experiment decision')).toMatchObject({ action: 'ROLLBACK', applied: true });
  });

  test('asks for slow requests once the epoch has a latency threshold', async () => {
    endpoint('InService', [90, 10]);
    stored({ ...newState('model-b', { champion: 90, challenger: 10 }, { champion: 90, challenger: 10 }, LAST, 1), latency: { ...emptyGuardrail(), threshold: 250 } });
    metrics({ requests: [18000, 2000], errors: [0, 0], slow: [180, 20] });
    const r = await handler(GUARD_ONLY);
    expect(r.action).toBe('CONTINUE');
    const stats = cw.commandCalls(GetMetricDataCommand)[0].args[0].input.MetricDataQueries!.map((x) => x.MetricStat!.Stat);
    expect(stats).toEqual(['Sum', 'Sum', 'TC(250:)', 'Sum', 'Sum', 'TC(250:)']);
    expect(JSON.parse(puts()[0].Body as string).latency).toMatchObject({ threshold: 250, championEvents: 180, challengerEvents: 20 });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  test('joins ground truth that arrived in the window to the captured requests by inference id', async () => {
    endpoint('InService', [90, 10]);
    stored(newState('model-b', { champion: 90, challenger: 10 }, { champion: 90, challenger: 10 }, LAST, 1));
    metrics({ requests: [9, 1], errors: [0, 0] });
    listWithState(async (input: any) => {
      if (input.Bucket === 'gt' && input.Prefix === 'ground-truth/churn/2026/11/23/09/') {
        return { Contents: [{ Key: 'gt-in.jsonl', LastModified: new Date('2026-11-23T09:30:00Z') }, { Key: 'gt-late.jsonl', LastModified: new Date(END) }] };
      }
      if (input.Bucket === 'gt' && input.Prefix === 'ground-truth/churn/2026/11/23/08/') {
        return { Contents: [{ Key: 'gt-old.jsonl', LastModified: new Date('2026-11-23T08:59:00Z') }] };
      }
      if (input.Bucket === 'lake' && input.Prefix === 'data-capture/churn/champion/2026/11/21/09/') return { Contents: [{ Key: 'cap-a.jsonl' }] };
      if (input.Bucket === 'lake' && input.Prefix === 'data-capture/churn/challenger/2026/11/23/09/') return { Contents: [{ Key: 'cap-b.jsonl' }] };
      return { Contents: [] };
    });
    const cap = (id: string) => JSON.stringify({ captureData: {}, eventMetadata: { eventId: `e-${id}`, inferenceId: id } });
    s3.on(GetObjectCommand, { Key: 'gt-in.jsonl' }).resolves({ Body: body('{"inferenceId":"a","label":1}\n{"inferenceId":"b","label":0}\n\nbad\n{"inferenceId":"c","label":1}') });
    s3.on(GetObjectCommand, { Key: 'gt-late.jsonl' }).resolves({ Body: body('{"inferenceId":"x","label":1}') });
    s3.on(GetObjectCommand, { Key: 'gt-old.jsonl' }).resolves({ Body: body('{"inferenceId":"y","label":1}') });
    s3.on(GetObjectCommand, { Key: 'cap-a.jsonl' }).resolves({ Body: body(`${cap('a')}\n${cap('x')}\n\nnot json`) });
    s3.on(GetObjectCommand, { Key: 'cap-b.jsonl' }).resolves({ Body: body(`${cap('b')}\n${cap('c')}\n${cap('y')}`) });
    await handler(EVENT);
    const line = records().find((l) => l.message === 'experiment decision');
    expect(line.observations.champion).toMatchObject({ requests: 9, trials: 1, successes: 1 });
    expect(line.observations.challenger).toMatchObject({ requests: 1, trials: 2, successes: 1 });
    expect(line.groundTruth).toEqual({ labels: 3, unmatched: 0, malformed: 1 });
    expect(JSON.parse(puts()[0].Body as string).success).toMatchObject({
      championTrials: 1, championSuccesses: 1, challengerTrials: 2, challengerSuccesses: 1,
    });
  });

  test('reads no captures when no ground truth arrived', async () => {
    endpoint('InService', [90, 10]);
    stored(newState('model-b', { champion: 90, challenger: 10 }, { champion: 90, challenger: 10 }, LAST, 1));
    metrics({ requests: [9, 1], errors: [0, 0] });
    await handler(EVENT);
    expect(s3.commandCalls(ListObjectsV2Command).map((c) => [c.args[0].input.Bucket, c.args[0].input.Prefix])).toEqual([
      ['lake', STATE_KEY], ['gt', 'ground-truth/churn/2026/11/23/08/'], ['gt', 'ground-truth/churn/2026/11/23/09/'],
    ]);
  });

  test('follows list pages', async () => {
    endpoint('InService', [90, 10]);
    stored(newState('model-b', { champion: 90, challenger: 10 }, { champion: 90, challenger: 10 }, LAST, 1));
    metrics({ requests: [9, 1], errors: [0, 0] });
    listWithState(async (input: any) => {
      if (input.Bucket === 'gt' && input.Prefix.endsWith('09/') && !input.ContinuationToken) {
        return { Contents: [{ Key: 'folder/' }], IsTruncated: true, NextContinuationToken: 't2' };
      }
      if (input.Bucket === 'gt' && input.ContinuationToken === 't2') {
        return { Contents: [{ Key: 'gt2.jsonl', LastModified: new Date('2026-11-23T09:10:00Z') }], IsTruncated: false };
      }
      return {};
    });
    s3.on(GetObjectCommand, { Key: 'gt2.jsonl' }).resolves({ Body: body('{"inferenceId":"a","label":1}') });
    await handler(EVENT);
    expect(records().find((l) => l.message === 'experiment decision').groundTruth).toEqual({ labels: 1, unmatched: 1, malformed: 0 });
  });

  test('follows GetMetricData pages', async () => {
    endpoint('InService', [90, 10]);
    stored(newState('model-b', { champion: 90, challenger: 10 }, { champion: 90, challenger: 10 }, LAST, 1));
    cw.on(GetMetricDataCommand)
      .resolvesOnce({ MetricDataResults: [{ Id: 'champion_invocations', Values: [5] }], NextToken: 'n' })
      .resolves({ MetricDataResults: [{ Id: 'champion_invocations', Values: [7] }] });
    await handler(GUARD_ONLY);
    expect(cw.commandCalls(GetMetricDataCommand)[1].args[0].input.NextToken).toBe('n');
    expect(JSON.parse(puts()[0].Body as string).errors.championRequests).toBe(12);
  });

  test('a window already processed changes nothing and writes nothing', async () => {
    endpoint('InService', [90, 10]);
    stored(newState('model-b', { champion: 90, challenger: 10 }, { champion: 90, challenger: 10 }, END, 1));
    const r = await handler(EVENT);
    expect(r).toMatchObject({ action: 'DUPLICATE', applied: false });
    expect(cw.commandCalls(GetMetricDataCommand)).toHaveLength(0);
    expect(puts()).toHaveLength(0);
    expect(cw.commandCalls(PutMetricDataCommand)).toHaveLength(0);
  });

  test('an experiment that ended stays stopped', async () => {
    endpoint('InService', [0, 100]);
    stored({ ...newState('model-b', { champion: 0, challenger: 100 }, { champion: 90, challenger: 10 }, LAST, 3), status: 'PROMOTED' });
    const r = await handler(EVENT);
    expect(r).toMatchObject({ action: 'STOPPED', applied: false });
    expect(puts()).toHaveLength(0);
    expect(sm.commandCalls(UpdateEndpointWeightsAndCapacitiesCommand)).toHaveLength(0);
  });

  test('skips, without writing the state, when the endpoint became busy before the update', async () => {
    endpoint('InService', [100, 0]);
    stored(undefined);
    sm.on(UpdateEndpointWeightsAndCapacitiesCommand).rejects(new SageMakerServiceException({
      name: 'ValidationException', $fault: 'client', $metadata: {}, message: 'Cannot update in-progress endpoint',
    }));
    const r = await handler(EVENT);
    expect(r).toMatchObject({ action: 'SKIPPED', applied: false });
    expect(r.reason).toBe('endpoint became busy before the update (Cannot update in-progress endpoint): nothing done, the next run decides');
    expect(puts()).toHaveLength(0);
  });

  test('fails, without writing the state, when the update fails otherwise', async () => {
    endpoint('InService', [100, 0]);
    stored(undefined);
    sm.on(UpdateEndpointWeightsAndCapacitiesCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    await expect(handler(EVENT)).rejects.toThrow('denied');
    expect(puts()).toHaveLength(0);
    expect(records().find((l) => l.message === 'experiment weight update failed')).toMatchObject({ errorName: 'AccessDeniedException' });
  });

  test('drops its decision when another run wrote the state first', async () => {
    endpoint('InService', [90, 10]);
    stored(undefined);
    s3.on(PutObjectCommand, { Key: STATE_KEY }).rejects(Object.assign(new Error('At least one of the preconditions failed'), { name: 'PreconditionFailed' }));
    const r = await handler(EVENT);
    expect(r).toMatchObject({ action: 'SKIPPED', applied: false });
    expect(puts()).toHaveLength(1);
    expect(records().find((l) => l.message === 'experiment state conflict')).toBeDefined();
  });

  test('fails when the state cannot be written for another reason', async () => {
    endpoint('InService', [90, 10]);
    stored(undefined);
    s3.on(PutObjectCommand, { Key: STATE_KEY }).rejects(Object.assign(new Error('slow down'), { name: 'SlowDown' }));
    await expect(handler(EVENT)).rejects.toThrow('slow down');
  });

  test('lists the state before reading it, and starts when only other keys share its prefix', async () => {
    endpoint('InService', [90, 10]);
    stored(undefined);
    s3.on(ListObjectsV2Command, { Prefix: STATE_KEY }).resolves({ Contents: [{ Key: `${STATE_KEY}.bak` }] });
    expect((await handler(EVENT)).action).toBe('START');
    expect(s3.commandCalls(ListObjectsV2Command)[0].args[0].input).toEqual({ Bucket: 'lake', Prefix: STATE_KEY, MaxKeys: 1 });
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
  });

  test('starts when the state vanished between listing and reading', async () => {
    endpoint('InService', [90, 10]);
    stored(undefined);
    s3.on(ListObjectsV2Command, { Prefix: STATE_KEY }).resolves({ Contents: [{ Key: STATE_KEY }] });
    expect((await handler(EVENT)).action).toBe('START');
  });

  test('fails on a state object that is not an experiment state, and on other read errors', async () => {
    endpoint('InService', [90, 10]);
    s3.on(ListObjectsV2Command, { Prefix: STATE_KEY }).resolves({ Contents: [{ Key: STATE_KEY }] });
    s3.on(GetObjectCommand, { Key: STATE_KEY }).resolves({ Body: body('{"hello": 1}') });
    await expect(handler(EVENT)).rejects.toThrow('s3://lake/experiments/churn/churn-v4/state.json is not an experiment state (stateVersion undefined)');
    s3.on(GetObjectCommand, { Key: STATE_KEY }).rejects(Object.assign(new Error('forbidden'), { name: 'AccessDenied' }));
    await expect(handler(EVENT)).rejects.toThrow('forbidden');
  });

  test('sends no notification without a topic', async () => {
    endpoint('InService', [100, 0]);
    stored(undefined);
    await handler({ ...EVENT, topicArn: undefined });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  test('runs at the given time instead of now', async () => {
    endpoint('InService', [90, 10]);
    stored(undefined);
    const r = await handler({ ...EVENT, runAt: '2026-11-20T12:30:10Z' });
    expect(r.reportKey).toBe('experiments/churn/churn-v4/reports/20261120T122500Z-start.json');
  });

  test('fails on a bad event before calling AWS', async () => {
    await expect(handler({ ...EVENT, significance: 2 })).rejects.toThrow(/significance must be in \(0, 0.5\]/);
    expect(sm.commandCalls(DescribeEndpointCommand)).toHaveLength(0);
  });
});

describe('decisionMetrics', () => {
  test('publishes the decision, the challenger share and the always-valid p-values', () => {
    const t = new Date(END);
    const evidence = {
      errors: { ...emptyGuardrail(), pValue: 0.4 }, latency: { ...emptyGuardrail(), pValue: 0.7 }, success: { pValue: 0.02 } as any,
    };
    const d = { action: 'SHIFT', challengerSharePercent: 20, evidence } as any;
    const dims = [{ Name: 'EndpointName', Value: 'churn' }, { Name: 'Experiment', Value: 'churn-v4' }];
    expect(decisionMetrics(EVENT, d, t)).toEqual([
      { MetricName: 'ExperimentDecision', Dimensions: [...dims, { Name: 'Decision', Value: 'SHIFT' }], Value: 1, Unit: 'Count', Timestamp: t },
      { MetricName: 'ChallengerWeight', Dimensions: dims, Value: 20, Unit: 'Percent', Timestamp: t },
      { MetricName: 'PValue', Dimensions: dims, Value: 0.02, Unit: 'None', Timestamp: t },
      { MetricName: 'ErrorGuardrailPValue', Dimensions: dims, Value: 0.4, Unit: 'None', Timestamp: t },
      { MetricName: 'LatencyGuardrailPValue', Dimensions: dims, Value: 0.7, Unit: 'None', Timestamp: t },
    ]);
    expect(decisionMetrics(EVENT, { action: 'START', challengerSharePercent: 10 } as any, t)).toHaveLength(2);
  });
});

describe('error classification', () => {
  test.each([
    ['ValidationException', 'Cannot update in-progress endpoint', true],
    ['ValidationException', 'The endpoint is being updated', true],
    ['ValidationException', 'Endpoint status is Updating', true],
    ['ValidationException', 'Variant weights must be >= 0', false],
    ['ThrottlingException', 'in progress', false],
  ])('isEndpointBusy(%s: %s) is %s', (name, message, busy) => {
    expect(isEndpointBusy({ name, message })).toBe(busy);
  });

  test('isEndpointBusy handles a missing message and a missing error', () => {
    expect(isEndpointBusy({ name: 'ValidationException' })).toBe(false);
    expect(isEndpointBusy(undefined)).toBe(false);
  });

  test.each([
    [{ name: 'PreconditionFailed' }, true], [{ name: 'ConditionalRequestConflict' }, true],
    [{ name: 'X', $metadata: { httpStatusCode: 412 } }, true], [{ name: 'X', $metadata: { httpStatusCode: 409 } }, true],
    [{ name: 'X', $metadata: { httpStatusCode: 500 } }, false], [undefined, false],
  ])('isWriteConflict(%j) is %s', (err, conflict) => {
    expect(isWriteConflict(err)).toBe(conflict);
  });
});

describe('the experiment handler, in detail', () => {
  test('creates its clients with 5 attempts', async () => {
    const { sagemaker, cloudwatch, s3: s3c, sns: snsc } = await import('../../../lambda/ab-experiment/index');
    for (const c of [sagemaker, cloudwatch, s3c, snsc]) {
      expect(await c.config.maxAttempts()).toBe(5);
    }
  });

  test('logs a skipped run at INFO with its reason and status', async () => {
    endpoint('Creating', [90, 10]);
    await handler(EVENT);
    expect(records()).toEqual([{
      level: 'INFO', message: 'experiment skipped', experimentName: 'churn-v4', endpointName: 'churn', action: 'SKIPPED',
      reason: 'endpoint is Creating, not InService: nothing done, the next run decides', endpointStatus: 'Creating',
    }]);
  });

  test('logs the misconfiguration at ERROR', async () => {
    endpoint('InService', [90, 10]);
    await expect(handler({ ...EVENT, championVariant: 'gone' })).rejects.toThrow();
    expect(records()).toEqual([{
      level: 'ERROR', message: 'experiment misconfigured', experimentName: 'churn-v4', endpointName: 'churn',
      error: 'endpoint churn has no production variant gone (it has champion, challenger)',
    }]);
  });

  test('fails when a variant is on the endpoint but not in its configuration', async () => {
    endpoint('InService', [90, 10]);
    sm.on(DescribeEndpointConfigCommand).resolves({ ProductionVariants: [{ VariantName: 'champion', ModelName: 'model-a' }] } as any);
    await expect(handler(EVENT)).rejects.toThrow('endpoint churn has no production variant challenger (it has champion, challenger)');
  });

  test('reads weights and the model of a sparse description with defaults', async () => {
    sm.on(DescribeEndpointCommand).resolves({
      EndpointStatus: 'InService', EndpointConfigName: 'cfg', ProductionVariants: [{ VariantName: 'champion' }, { VariantName: 'challenger' }],
    } as any);
    sm.on(DescribeEndpointConfigCommand).resolves({ ProductionVariants: [{ VariantName: 'champion' }, { VariantName: 'challenger' }] } as any);
    stored(undefined);
    const r = await handler(EVENT);
    // No current weights: 0/0; no initial weights: 1/1 (SageMaker's default); no model name: the configuration and variant.
    expect(r).toMatchObject({ action: 'START', weightsBefore: { champion: 0, challenger: 0 }, applied: false });
    expect(JSON.parse(puts()[0].Body as string)).toMatchObject({ challengerModel: 'cfg/challenger', initialWeights: { champion: 1, challenger: 1 } });
  });

  test('writes the report as JSON with the decision, the weights after and the state, and logs it', async () => {
    endpoint('InService', [100, 0]);
    stored(undefined);
    const r = await handler(EVENT);
    const report = puts()[1];
    expect(report).toMatchObject({ Bucket: 'lake', ContentType: 'application/json' });
    expect(report.IfMatch).toBeUndefined();
    expect(report.IfNoneMatch).toBeUndefined();
    const doc = JSON.parse(report.Body as string);
    expect(doc).toMatchObject({
      reportFormatVersion: 1, experimentName: 'churn-v4', endpointName: 'churn', championVariant: 'champion', challengerVariant: 'challenger',
      challengerModel: 'model-b', windowStart: '2026-11-23T09:00:00.000Z', windowEnd: END, weightsBefore: { champion: 100, challenger: 0 },
      action: 'START', targetWeights: { champion: 90, challenger: 10 }, challengerSharePercent: 10, epoch: 1, applied: true,
      weightsAfter: { champion: 90, challenger: 10 }, state: { status: 'RUNNING', weights: { champion: 90, challenger: 10 } },
    });
    expect(report.Body).toContain('\n  "reportFormatVersion": 1');
    expect(records().filter((l) => l.message === 'experiment decision')).toEqual([expect.objectContaining({
      level: 'INFO', action: 'START', applied: true, weightsAfter: { champion: 90, challenger: 10 }, reportKey: r.reportKey,
    })]);
    expect(puts()[0].Body).toBe(JSON.stringify(JSON.parse(puts()[0].Body as string)));
  });

  test('stamps the decision metrics with the window end, in the event\'s namespace', async () => {
    endpoint('InService', [90, 10]);
    stored(undefined);
    await handler({ ...EVENT, metricNamespace: 'Team/Experiments' });
    const data = cw.commandCalls(PutMetricDataCommand)[0].args[0].input;
    expect(data.Namespace).toBe('Team/Experiments');
    expect(data.MetricData!.every((d) => d.Timestamp!.getTime() === Date.parse(END))).toBe(true);
  });

  test('notifies a promotion and a hold, truncating a long subject to 100 characters', async () => {
    const base = newState('model-b', { champion: 10, challenger: 90 }, { champion: 90, challenger: 10 }, LAST, 9);
    const success = { championTrials: 1000, championSuccesses: 100, challengerTrials: 9000, challengerSuccesses: 1800, pValue: 0.01 };
    const won = { ...base, success };
    endpoint('InService', [10, 90]);
    stored(won);
    metrics({ requests: [0, 0], errors: [0, 0] });
    expect(await handler(GUARD_ONLY)).toMatchObject({ action: 'PROMOTE', applied: true, weightsAfter: { champion: 0, challenger: 100 } });
    expect(sns.commandCalls(PublishCommand)[0].args[0].input).toMatchObject({
      TopicArn: 'arn:aws:sns:us-east-1:123456789012:alerts', Subject: '[cdk-mlops] Promoted: churn-v4 on churn',
    });
    const message = JSON.parse(sns.commandCalls(PublishCommand)[0].args[0].input.Message!);
    expect(message).toMatchObject({ action: 'PROMOTE', applied: true, weightsAfter: { champion: 0, challenger: 100 } });

    sns.resetHistory();
    const long = 'x'.repeat(120);
    await handler({ ...GUARD_ONLY, onCompletion: 'HOLD', experimentName: long });
    const subject = sns.commandCalls(PublishCommand)[0].args[0].input.Subject!;
    expect(subject).toHaveLength(100);
    expect(subject).toBe(`[cdk-mlops] Challenger won, holding: ${long}`.slice(0, 99) + '…');
  });

  test('does not notify a shift', async () => {
    endpoint('InService', [90, 10]);
    stored({ ...newState('model-b', { champion: 90, challenger: 10 }, { champion: 90, challenger: 10 }, LAST, 1),
      success: { championTrials: 9000, championSuccesses: 900, challengerTrials: 1000, challengerSuccesses: 200, pValue: 0.01 } });
    metrics({ requests: [0, 0], errors: [0, 0] });
    expect(await handler(GUARD_ONLY)).toMatchObject({ action: 'SHIFT', applied: true });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  test('lists captures of both variants over the lookback, by hour', async () => {
    endpoint('InService', [90, 10]);
    stored(newState('model-b', { champion: 90, challenger: 10 }, { champion: 90, challenger: 10 }, LAST, 1));
    metrics({ requests: [9, 1], errors: [0, 0] });
    listWithState(async (input: any) => (input.Bucket === 'gt' && input.Prefix.endsWith('09/')
      ? { Contents: [{ Key: 'gt.jsonl', LastModified: new Date('2026-11-23T09:10:00Z') }] } : { Contents: [] }));
    s3.on(GetObjectCommand, { Key: 'gt.jsonl' }).resolves({ Body: body('{"inferenceId":"a","label":1}') });
    await handler({ ...EVENT, successMeasure: { ...EVENT.successMeasure!, captureLookbackHours: 1, capturePrefix: '' } });
    const lake = s3.commandCalls(ListObjectsV2Command).map((c) => c.args[0].input).filter((i) => i.Bucket === 'lake' && i.Prefix !== STATE_KEY).map((i) => i.Prefix);
    expect(lake).toEqual([
      'churn/champion/2026/11/23/08/', 'churn/champion/2026/11/23/09/', 'churn/challenger/2026/11/23/08/', 'churn/challenger/2026/11/23/09/',
    ]);
  });

  test('treats an object without a body as empty', async () => {
    endpoint('InService', [90, 10]);
    stored(newState('model-b', { champion: 90, challenger: 10 }, { champion: 90, challenger: 10 }, LAST, 1));
    metrics({ requests: [9, 1], errors: [0, 0] });
    const t = new Date('2026-11-23T09:10:00Z');
    listWithState(async (input: any) => (input.Bucket === 'gt' && input.Prefix.endsWith('09/')
      ? { Contents: [{ Key: 'empty.jsonl', LastModified: t }, { LastModified: t }] } : {}));
    s3.on(GetObjectCommand, { Key: 'empty.jsonl' }).resolves({});
    await handler(EVENT);
    expect(records().find((l) => l.message === 'experiment decision').groundTruth).toEqual({ labels: 0, unmatched: 0, malformed: 0 });
  });
});
