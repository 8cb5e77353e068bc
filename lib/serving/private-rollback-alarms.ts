import { Duration, Lazy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { INVOCATION_NAMESPACE } from './private-endpoint-base';
import { RollbackAlarmOptions } from './rollback-alarms';
import { AlarmFactory } from '../private/alarm-factory';
import { InputErrors, checkDuration, checkNumber, checkWholeNumber, isToken } from '../private/validation';

/**
 * Checks the thresholds of the endpoint's own rollback alarms, with CloudWatch's limits on alarms
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html): EvaluationPeriods >= 1,
 * DatapointsToAlarm from 1 to EvaluationPeriods, evaluation periods times period at most one day, a period of 10 or 30 seconds
 * or a whole number of minutes.
 */
export function checkRollbackAlarmOptions(errors: InputErrors, o: RollbackAlarmOptions): void {
  checkNumber(errors, 'rollbackAlarmOptions.errorRateThreshold', o.errorRateThreshold,
    { min: 0, max: 1, minExclusive: true, allowed: 'a share above 0 and at most 1 (0.01 = 1%)' });
  const latency = checkDuration(errors, 'rollbackAlarmOptions.latencyThreshold', o.latencyThreshold,
    { unit: 'seconds', whole: false, min: 0, minExclusive: true, allowed: 'a Duration above 0, e.g. Duration.millis(500)' });
  if (latency !== undefined && latency * 1_000_000 < 1) {
    errors.add('rollbackAlarmOptions.latencyThreshold', o.latencyThreshold, 'at least 1 microsecond (ModelLatency is reported in microseconds)');
  }
  const period = checkDuration(errors, 'rollbackAlarmOptions.period', o.period,
    { unit: 'seconds', min: 10, max: 86400, allowed: 'a Duration of 10 seconds, 30 seconds or a whole number of minutes, at most one day' });
  if (period !== undefined && period !== 10 && period !== 30 && period % 60 !== 0) {
    errors.add('rollbackAlarmOptions.period', o.period, 'a Duration of 10 seconds, 30 seconds or a whole number of minutes (CloudWatch alarm periods)');
  }
  const evaluations = o.evaluationPeriods;
  const goodEvaluations = checkWholeNumber(errors, 'rollbackAlarmOptions.evaluationPeriods', evaluations, { min: 1 });
  const datapoints = o.datapointsToAlarm;
  if (checkWholeNumber(errors, 'rollbackAlarmOptions.datapointsToAlarm', datapoints, { min: 1 })) {
    const n = goodEvaluations ? evaluations! : (evaluations === undefined ? 3 : undefined);
    if (n !== undefined && !isToken(n) && datapoints! > n) {
      errors.add('rollbackAlarmOptions.datapointsToAlarm', datapoints,
        `at most evaluationPeriods (${n}${evaluations === undefined ? ', the default' : ''}): an alarm fires on M of N periods, M <= N`);
    }
  } else if (datapoints === undefined && goodEvaluations && evaluations! < 2) {
    // The default of 2 datapoints needs at least 2 periods.
    errors.add('rollbackAlarmOptions.evaluationPeriods', evaluations, 'at least 2 with the default datapointsToAlarm (2), or give datapointsToAlarm too');
  }
  const periodSeconds = period ?? (o.period === undefined ? 60 : undefined);
  const evaluationCount = goodEvaluations ? evaluations! : (evaluations === undefined ? 3 : undefined);
  if (periodSeconds !== undefined && evaluationCount !== undefined && periodSeconds * evaluationCount > 86400) {
    errors.add('rollbackAlarmOptions.evaluationPeriods', evaluations ?? evaluationCount,
      `at most ${Math.floor(86400 / periodSeconds)} with a period of ${periodSeconds} s (CloudWatch evaluates at most one day)`);
  }
}

/**
 * The endpoint's own rollback alarms: the 5XX error rate and the p99 model latency of the worst production variant.
 * SageMaker deployment guardrails read them (AutoRollbackConfiguration); they have no action. The variants are read at
 * synth, since `addVariant()` can add more.
 */
export function defineRollbackAlarms(scope: Construct, endpointName: string, o: RollbackAlarmOptions, variantNames: () => string[]):
{ errorRate: cloudwatch.CfnAlarm; latency: cloudwatch.CfnAlarm } {
  const period = o.period ?? Duration.minutes(1);
  const factory = new AlarmFactory(scope, undefined);
  const common = {
    evaluationPeriods: o.evaluationPeriods ?? 3,
    datapointsToAlarm: o.datapointsToAlarm ?? 2,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    noActionReason: 'A rollback alarm is read by SageMaker deployment guardrails (AutoRollbackConfiguration), which poll its state; '
      + 'it needs no action. Paging on endpoint health is the job of EndpointAlarms.',
  };
  const query = (metricName: string, stat: string, label: string) =>
    Lazy.any({ produce: () => worstVariantQuery(endpointName, variantNames(), metricName, stat, period, label) });
  const errorRate = factory.queryAlarm({
    ...common,
    id: 'ErrorRateAlarm',
    description: `Rolls back a deployment of the SageMaker endpoint ${endpointName}: share of 5XX responses of a production variant`,
    threshold: o.errorRateThreshold ?? 0.01,
    // Invocation5XXErrors is 1 for a request answered with a 5XX and 0 otherwise: its average is the error rate.
    metrics: query('Invocation5XXErrors', 'Average', '5XX error rate'),
  });
  const latency = factory.queryAlarm({
    ...common,
    id: 'LatencyAlarm',
    description: `Rolls back a deployment of the SageMaker endpoint ${endpointName}: p99 model latency of a production variant`,
    // ModelLatency is in microseconds.
    threshold: (o.latencyThreshold ?? Duration.seconds(1)).toMilliseconds() * 1000,
    metrics: query('ModelLatency', 'p99', 'p99 model latency (us)'),
  });
  return { errorRate, latency };
}

/** One metric per variant and, for several variants, their maximum: the alarm watches the worst variant. */
export function worstVariantQuery(endpointName: string, variants: string[], metricName: string, stat: string, period: Duration,
  label: string): cloudwatch.CfnAlarm.MetricDataQueryProperty[] {
  const queries: cloudwatch.CfnAlarm.MetricDataQueryProperty[] = variants.map((variantName, i) => ({
    id: `v${i}`,
    returnData: variants.length === 1,
    metricStat: {
      metric: {
        namespace: INVOCATION_NAMESPACE,
        metricName,
        dimensions: [{ name: 'EndpointName', value: endpointName }, { name: 'VariantName', value: variantName }],
      },
      period: period.toSeconds(),
      stat,
    },
  }));
  if (queries.length > 1) {
    queries.push({ id: 'worst', expression: `MAX([${queries.map((q) => q.id).join(', ')}])`, label, returnData: true });
  }
  return queries;
}
