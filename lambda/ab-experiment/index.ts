/**
 * A/B experiment handler: one run reads the experiment's state from the lake, the endpoint's weights and challenger
 * model, the variants' metrics since the last run and (with a success measure) the ground truth that arrived, joined
 * to the captured requests by inference id; decides with the pure `decide` (start, continue, shift, promote, hold,
 * roll back); applies the weights with UpdateEndpointWeightsAndCapacities; then writes the state, a JSON report and
 * CloudWatch metrics, and notifies restarts, promotions and rollbacks.
 *
 * Safe to repeat and to overlap: windows are processed once, in order (the state remembers the last one); the state
 * is written only after the weights are applied, with a conditional write (If-Match / If-None-Match) so that a run
 * that lost a race to another does not overwrite it; an update refused because the endpoint is being updated is a
 * no-op that the next run retries.
 */
import { CloudWatchClient, GetMetricDataCommand, MetricDataResult, MetricDatum, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  DescribeEndpointCommand, DescribeEndpointConfigCommand, SageMakerClient, UpdateEndpointWeightsAndCapacitiesCommand,
} from '@aws-sdk/client-sagemaker';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { Action, Decision, ExperimentState, VariantWindow, decide } from './decide';
import {
  ExperimentEvent, OutcomeJoin, Role, SuccessMeasureConfig, inWindow, metricQueries, observations, parseEvent, reportKey, stateKey, windowBounds,
} from './request';
import { hourPrefixes, parseCaptureLine } from '../shared/capture';
import { log } from '../shared/log';

export type { ExperimentEvent } from './request';

// Clients once per container. The SDK retries throttling and 5XX errors itself (standard mode, here 5 attempts);
// AWS_ENDPOINT_URL, read by the SDK, points them elsewhere (moto in tests).
const clientConfig = { maxAttempts: 5 };
export const cloudwatch = new CloudWatchClient(clientConfig);
export const sagemaker = new SageMakerClient(clientConfig);
export const s3 = new S3Client(clientConfig);
export const sns = new SNSClient(clientConfig);

export interface ExperimentResult {
  readonly experimentName: string;
  readonly endpointName: string;
  /** The decision, or SKIPPED when the endpoint could not be changed now. */
  readonly action: Action | 'SKIPPED';
  readonly reason: string;
  /** Whether the weights were updated by this run. */
  readonly applied: boolean;
  readonly weightsBefore?: { champion: number; challenger: number };
  readonly weightsAfter?: { champion: number; challenger: number };
  /** The report written, if any. */
  readonly reportKey?: string;
}

/** True for SageMaker's refusal to update an endpoint that is not InService (a deployment or another run is under way). */
export function isEndpointBusy(err: unknown): boolean {
  const e = err as { name?: string; message?: string };
  return e?.name === 'ValidationException' && /in-progress|in progress|being updated|updating|status/i.test(e.message ?? '');
}

/** True for S3's answer to a conditional write that lost: 412 PreconditionFailed, or 409 ConditionalRequestConflict. */
export function isWriteConflict(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'PreconditionFailed' || e?.name === 'ConditionalRequestConflict'
    || e?.$metadata?.httpStatusCode === 412 || e?.$metadata?.httpStatusCode === 409;
}

/**
 * The state and its ETag; undefined state when there is none yet. It lists the key first: the role may list only its
 * own prefix, and S3 answers GetObject of a missing key with 403 AccessDenied, not 404 NoSuchKey, to a caller without
 * s3:ListBucket on the bucket (S3 API Reference, GetObject, "Permissions").
 */
async function readState(bucket: string, key: string): Promise<{ state?: ExperimentState; etag?: string }> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: key, MaxKeys: 1 }));
  if (!(listed.Contents ?? []).some((o) => o.Key === key)) {
    return {};
  }
  try {
    const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const text = await res.Body!.transformToString('utf-8');
    const state = JSON.parse(text) as ExperimentState;
    if (state?.stateVersion !== 1) {
      throw new Error(`s3://${bucket}/${key} is not an experiment state (stateVersion ${JSON.stringify(state?.stateVersion)})`);
    }
    return { state, etag: res.ETag };
  } catch (err) {
    if ((err as { name?: string })?.name === 'NoSuchKey') {
      return {};
    }
    throw err;
  }
}

/** Every object under `prefix` with its LastModified (ListObjectsV2, all pages). */
async function listObjects(bucket: string, prefix: string): Promise<Array<{ key: string; lastModified?: Date }>> {
  const out: Array<{ key: string; lastModified?: Date }> = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) {
      if (o.Key && !o.Key.endsWith('/')) out.push({ key: o.Key, lastModified: o.LastModified });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return out;
}

async function objectText(bucket: string, key: string): Promise<string> {
  const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return (await res.Body?.transformToString('utf-8')) ?? '';
}

function join(prefix: string, rest: string): string {
  const p = prefix.replace(/\/+$/, '');
  return p === '' ? rest : `${p}/${rest}`;
}

/**
 * The success measure of the window: ground-truth files whose LastModified is in [start, end), joined to the requests
 * each variant captured from `captureLookbackHours` before the window to its end.
 */
type Counts = { trials: number; successes: number };

async function successOf(e: ExperimentEvent, m: SuccessMeasureConfig, start: Date, end: Date):
Promise<Record<Role, Counts> & { labels: number; unmatched: number; malformed: number }> {
  const outcomes = new OutcomeJoin(m.positiveLabel);
  // A file lands in the hour folder of its arrival or just before: list one hour more, keep the window's files.
  for (const hour of hourPrefixes(start.getTime() - 3_600_000, end.getTime())) {
    for (const o of await listObjects(m.groundTruthBucket, join(m.groundTruthPrefix, `${hour}/`))) {
      if (!inWindow(o.lastModified, start, end)) continue;
      for (const line of (await objectText(m.groundTruthBucket, o.key)).split('\n')) {
        outcomes.addLabelLine(line);
      }
    }
  }
  const labels = outcomes.labelCount;
  if (labels > 0) {
    for (const role of ['champion', 'challenger'] as const) {
      const variant = role === 'champion' ? e.championVariant : e.challengerVariant;
      for (const hour of hourPrefixes(start.getTime() - m.captureLookbackHours * 3_600_000, end.getTime())) {
        for (const o of await listObjects(m.captureBucket, join(m.capturePrefix, `${e.endpointName}/${variant}/${hour}/`))) {
          for (const line of (await objectText(m.captureBucket, o.key)).split('\n')) {
            if (line.trim() === '') continue;
            const r = parseCaptureLine(line);
            if (r.ok) outcomes.addCapture(role, r.value.inferenceId ?? r.value.eventId);
          }
        }
      }
    }
  }
  return {
    champion: outcomes.result('champion'), challenger: outcomes.result('challenger'), labels, unmatched: outcomes.unmatched,
    malformed: outcomes.malformedLines,
  };
}

export async function handler(event: ExperimentEvent): Promise<ExperimentResult> {
  const e = parseEvent(event);
  const base = { experimentName: e.experimentName, endpointName: e.endpointName };

  const endpoint = await sagemaker.send(new DescribeEndpointCommand({ EndpointName: e.endpointName }));
  if (endpoint.EndpointStatus !== 'InService') {
    const reason = `endpoint is ${endpoint.EndpointStatus ?? 'in an unknown state'}, not InService: nothing done, the next run decides`;
    log('INFO', 'experiment skipped', { ...base, action: 'SKIPPED', reason, endpointStatus: endpoint.EndpointStatus });
    return { ...base, action: 'SKIPPED', reason, applied: false };
  }
  const variants = endpoint.ProductionVariants ?? [];
  const config = await sagemaker.send(new DescribeEndpointConfigCommand({ EndpointConfigName: endpoint.EndpointConfigName }));
  const configured = config.ProductionVariants ?? [];
  const missing = [e.championVariant, e.challengerVariant]
    .filter((n) => !variants.some((v) => v.VariantName === n) || !configured.some((v) => v.VariantName === n));
  if (missing.length > 0) {
    const message = `endpoint ${e.endpointName} has no production variant ${missing.join(', ')} (it has ${variants.map((v) => v.VariantName).join(', ')})`;
    log('ERROR', 'experiment misconfigured', { ...base, error: message });
    throw new Error(message);
  }
  const current = (n: string) => variants.find((v) => v.VariantName === n)!;
  const initial = (n: string) => configured.find((v) => v.VariantName === n)!;
  const weightsBefore = { champion: current(e.championVariant).CurrentWeight ?? 0, challenger: current(e.challengerVariant).CurrentWeight ?? 0 };
  const initialWeights = {
    champion: initial(e.championVariant).InitialVariantWeight ?? 1,
    challenger: initial(e.challengerVariant).InitialVariantWeight ?? 1,
  };
  const challengerModel = initial(e.challengerVariant).ModelName ?? `${endpoint.EndpointConfigName}/${e.challengerVariant}`;

  const key = stateKey(e);
  const { state, etag } = await readState(e.stateBucket, key);
  const { start, end } = windowBounds(e.runAt !== undefined ? Date.parse(e.runAt) : Date.now(), e.windowMinutes, state?.lastWindowEnd);
  const pools = state !== undefined && state.status === 'RUNNING' && state.challengerModel === challengerModel && start < end;

  let champion: VariantWindow = { requests: 0, errors: 0 };
  let challenger: VariantWindow = { requests: 0, errors: 0 };
  let join: Awaited<ReturnType<typeof successOf>> | undefined;
  if (pools) {
    const results: MetricDataResult[] = [];
    let token: string | undefined;
    do {
      const page = await cloudwatch.send(new GetMetricDataCommand({
        MetricDataQueries: metricQueries(e, start, end, state.latency.threshold), StartTime: start, EndTime: end, NextToken: token,
      }));
      results.push(...page.MetricDataResults ?? []);
      token = page.NextToken;
    } while (token);
    const observed = observations(results);
    join = e.successMeasure ? await successOf(e, e.successMeasure, start, end) : undefined;
    champion = { ...observed.champion, ...join?.champion };
    challenger = { ...observed.challenger, ...join?.challenger };
  }

  const decision = decide({
    state, challengerModel, weights: weightsBefore, initialWeights, policy: e.policy,
    window: { windowStart: start.toISOString(), windowEnd: end.toISOString(), champion, challenger },
  });
  const record = {
    ...base, championVariant: e.championVariant, challengerVariant: e.challengerVariant, challengerModel,
    windowStart: start.toISOString(), windowEnd: end.toISOString(), observations: { champion, challenger },
    groundTruth: join && { labels: join.labels, unmatched: join.unmatched, malformed: join.malformed },
    weightsBefore, action: decision.action, reason: decision.reason, targetWeights: decision.targetWeights,
    challengerSharePercent: decision.challengerSharePercent, epoch: decision.state.epoch, evidence: decision.evidence,
  };

  if (decision.action === 'DUPLICATE' || decision.action === 'STOPPED') {
    log('INFO', 'experiment decision', { ...record, applied: false });
    return { ...base, action: decision.action, reason: decision.reason, applied: false, weightsBefore, weightsAfter: weightsBefore };
  }

  let applied = false;
  if (decision.changed) {
    try {
      await sagemaker.send(new UpdateEndpointWeightsAndCapacitiesCommand({
        EndpointName: e.endpointName,
        DesiredWeightsAndCapacities: [
          { VariantName: e.championVariant, DesiredWeight: decision.targetWeights.champion },
          { VariantName: e.challengerVariant, DesiredWeight: decision.targetWeights.challenger },
        ],
      }));
      applied = true;
    } catch (err) {
      if (isEndpointBusy(err)) {
        const reason = `endpoint became busy before the update (${(err as Error).message}): nothing done, the next run decides`;
        log('INFO', 'experiment skipped', { ...record, action: 'SKIPPED', decided: decision.action, reason });
        return { ...base, action: 'SKIPPED', reason, applied: false, weightsBefore };
      }
      log('ERROR', 'experiment weight update failed', { ...record, error: String((err as Error)?.message ?? err), errorName: (err as Error)?.name });
      throw err;
    }
  }

  try {
    await s3.send(new PutObjectCommand({
      Bucket: e.stateBucket, Key: key, Body: JSON.stringify(decision.state), ContentType: 'application/json',
      ...etag ? { IfMatch: etag } : { IfNoneMatch: '*' },
    }));
  } catch (err) {
    if (isWriteConflict(err)) {
      const reason = 'another run wrote the state first: this run\'s decision is dropped, the next run decides on the new state';
      log('WARN', 'experiment state conflict', { ...record, applied, reason });
      return { ...base, action: 'SKIPPED', reason, applied, weightsBefore };
    }
    throw err;
  }
  const weightsAfter = applied ? decision.targetWeights : weightsBefore;
  const report = reportKey(e, end, decision.action);
  await s3.send(new PutObjectCommand({
    Bucket: e.stateBucket, Key: report, ContentType: 'application/json',
    Body: JSON.stringify({ reportFormatVersion: 1, ...record, applied, weightsAfter, state: decision.state }, null, 2),
  }));
  log('INFO', 'experiment decision', { ...record, applied, weightsAfter, reportKey: report });

  await cloudwatch.send(new PutMetricDataCommand({ Namespace: e.metricNamespace, MetricData: decisionMetrics(e, decision, end) }));
  if (e.topicArn && (decision.action === 'PROMOTE' || decision.action === 'ROLLBACK' || decision.action === 'RESTART' || decision.action === 'HOLD')) {
    const verb = { PROMOTE: 'Promoted', ROLLBACK: 'Rolled back', RESTART: 'New experiment', HOLD: 'Challenger won, holding' }[decision.action];
    await sns.send(new PublishCommand({
      TopicArn: e.topicArn,
      Subject: truncate(`[cdk-mlops] ${verb}: ${e.experimentName} on ${e.endpointName}`, 100),
      Message: JSON.stringify({ ...record, applied, weightsAfter, reportKey: `s3://${e.stateBucket}/${report}` }, null, 2),
    }));
  }
  return { ...base, action: decision.action, reason: decision.reason, applied, weightsBefore, weightsAfter, reportKey: report };
}

/**
 * ExperimentDecision (1 per run, dimension Decision), ChallengerWeight (the challenger's share in percent), and the
 * always-valid p-values: PValue (success measure, when tested), ErrorGuardrailPValue, LatencyGuardrailPValue.
 */
export function decisionMetrics(e: ExperimentEvent, d: Decision, timestamp: Date): MetricDatum[] {
  const dims = [{ Name: 'EndpointName', Value: e.endpointName }, { Name: 'Experiment', Value: e.experimentName }];
  const data: MetricDatum[] = [
    { MetricName: 'ExperimentDecision', Dimensions: [...dims, { Name: 'Decision', Value: d.action }], Value: 1, Unit: 'Count', Timestamp: timestamp },
    { MetricName: 'ChallengerWeight', Dimensions: dims, Value: d.challengerSharePercent, Unit: 'Percent', Timestamp: timestamp },
  ];
  if (d.evidence) {
    if (d.evidence.success) {
      data.push({ MetricName: 'PValue', Dimensions: dims, Value: d.evidence.success.pValue, Unit: 'None', Timestamp: timestamp });
    }
    data.push({ MetricName: 'ErrorGuardrailPValue', Dimensions: dims, Value: d.evidence.errors.pValue, Unit: 'None', Timestamp: timestamp });
    data.push({ MetricName: 'LatencyGuardrailPValue', Dimensions: dims, Value: d.evidence.latency.pValue, Unit: 'None', Timestamp: timestamp });
  }
  return data;
}

function truncate(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}
