/**
 * A/B experiment handler: one run reads both variants' metrics over the window, decides (continue, shift toward the
 * challenger, promote, hold, roll back to the champion) with the pure `decide`, applies the weights with
 * UpdateEndpointWeightsAndCapacities, and records the decision (a JSON log line, CloudWatch metrics, and an SNS
 * notification on promote and rollback).
 *
 * Safe to repeat and to overlap: it acts only on an InService endpoint; the target is computed from the current
 * weights, so a run on unchanged weights and data reaches the same target and does nothing; shifts wait for a cooldown
 * after the endpoint's last change, so a duplicate delivery does not shift twice; an update refused because the
 * endpoint is being updated (another run won the race, or a deployment) is a no-op.
 */
import { CloudWatchClient, GetMetricDataCommand, MetricDataResult, MetricDatum, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeEndpointCommand, SageMakerClient, UpdateEndpointWeightsAndCapacitiesCommand } from '@aws-sdk/client-sagemaker';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { log } from '../shared/log';
import { Action, Decision, decide } from './decide';
import { ExperimentEvent, metricQueries, observations, parseEvent, windowBounds } from './request';

export type { ExperimentEvent } from './request';

// Clients once per container. The SDK retries throttling and 5XX errors itself (standard mode, here 5 attempts);
// AWS_ENDPOINT_URL, read by the SDK, points them elsewhere (moto in tests).
const clientConfig = { maxAttempts: 5 };
export const cloudwatch = new CloudWatchClient(clientConfig);
export const sagemaker = new SageMakerClient(clientConfig);
export const sns = new SNSClient(clientConfig);

/** The namespace of the decision metrics, unless the event names one. */
export const DEFAULT_METRIC_NAMESPACE = 'cdk-mlops/Experiments';

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
}

/** True for SageMaker's refusal to update an endpoint that is not InService (a deployment or another run is under way). */
export function isEndpointBusy(err: unknown): boolean {
  const e = err as { name?: string; message?: string };
  return e?.name === 'ValidationException' && /in-progress|in progress|being updated|updating|status/i.test(e.message ?? '');
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
  const find = (name: string) => variants.find((v) => v.VariantName === name);
  const champion = find(e.championVariant);
  const challenger = find(e.challengerVariant);
  if (!champion || !challenger) {
    const missing = [e.championVariant, e.challengerVariant].filter((n) => !find(n));
    const message = `endpoint ${e.endpointName} has no production variant ${missing.join(', ')} (it has ${variants.map((v) => v.VariantName).join(', ')})`;
    log('ERROR', 'experiment misconfigured', { ...base, error: message });
    throw new Error(message);
  }
  const weightsBefore = { champion: champion.CurrentWeight ?? 0, challenger: challenger.CurrentWeight ?? 0 };

  const now = Date.now();
  const { start, end } = windowBounds(now, e.windowMinutes);
  const results: MetricDataResult[] = [];
  let token: string | undefined;
  do {
    const page = await cloudwatch.send(new GetMetricDataCommand({
      MetricDataQueries: metricQueries(e), StartTime: start, EndTime: end, NextToken: token,
    }));
    results.push(...page.MetricDataResults ?? []);
    token = page.NextToken;
  } while (token);
  const observed = observations(e, results);

  const lastModified = endpoint.LastModifiedTime?.getTime();
  const decision = decide({
    ...observed,
    weights: weightsBefore,
    minutesSinceLastChange: lastModified === undefined ? undefined : Math.max(0, (now - lastModified) / 60_000),
    policy: e.policy,
  });
  const record = {
    ...base,
    championVariant: e.championVariant,
    challengerVariant: e.challengerVariant,
    windowStart: start.toISOString(),
    windowEnd: end.toISOString(),
    observations: observed,
    weightsBefore,
    ...summary(decision),
  };

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
  const weightsAfter = applied ? decision.targetWeights : weightsBefore;
  log('INFO', 'experiment decision', { ...record, applied, weightsAfter });

  await putDecisionMetrics(e.metricNamespace ?? DEFAULT_METRIC_NAMESPACE, e.endpointName, e.experimentName, decision, new Date(end));
  if (applied && (decision.action === 'PROMOTE' || decision.action === 'ROLLBACK') && e.topicArn) {
    await sns.send(new PublishCommand({
      TopicArn: e.topicArn,
      Subject: truncate(`[cdk-mlops] ${decision.action === 'PROMOTE' ? 'Promoted' : 'Rolled back'}: ${e.experimentName} on ${e.endpointName}`, 100),
      Message: JSON.stringify({ ...record, weightsAfter }, null, 2),
    }));
  }
  return { ...base, action: decision.action, reason: decision.reason, applied, weightsBefore, weightsAfter };
}

function summary(d: Decision) {
  return {
    action: d.action,
    reason: d.reason,
    targetWeights: d.targetWeights,
    challengerSharePercent: d.challengerSharePercent,
    successTest: d.successTest && { z: d.successTest.z, pTwoSided: d.successTest.pTwoSided, p1: d.successTest.p1, p2: d.successTest.p2 },
    errorTest: d.errorTest && { z: d.errorTest.z, pGreater: d.errorTest.pGreater, p1: d.errorTest.p1, p2: d.errorTest.p2 },
    latencyRatio: d.latencyRatio,
  };
}

/** ExperimentDecision (1 per run, dimension Decision), ChallengerWeight (the challenger's share in percent) and PValue. */
async function putDecisionMetrics(namespace: string, endpointName: string, experiment: string, d: Decision, timestamp: Date): Promise<void> {
  const dims = [{ Name: 'EndpointName', Value: endpointName }, { Name: 'Experiment', Value: experiment }];
  const data: MetricDatum[] = [
    { MetricName: 'ExperimentDecision', Dimensions: [...dims, { Name: 'Decision', Value: d.action }], Value: 1, Unit: 'Count', Timestamp: timestamp },
    { MetricName: 'ChallengerWeight', Dimensions: dims, Value: d.challengerSharePercent, Unit: 'Percent', Timestamp: timestamp },
  ];
  if (d.successTest) {
    data.push({ MetricName: 'PValue', Dimensions: dims, Value: d.successTest.pTwoSided, Unit: 'None', Timestamp: timestamp });
  }
  await cloudwatch.send(new PutMetricDataCommand({ Namespace: namespace, MetricData: data }));
}

function truncate(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}
