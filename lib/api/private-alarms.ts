import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { InferenceApi } from './inference-api';
import { InferenceApiAlarmOptions } from './inference-api-options';
import { AlarmSeverity, IAlertTopics, LatencyAlarmOptions, RateAlarmOptions } from '../monitoring';
import { AlarmFactory, ResolvedTuning, resolveTuning } from '../private/alarm-factory';
import { InputErrors, checkNumber, isDuration } from '../private/validation';

const ONE_MINUTE = Duration.minutes(1);

/**
 * The API's alarms, through the one alarm factory: the 5XX and 4XX shares of requests (the Average of API Gateway's 5XXError and
 * 4XXError is the error rate, https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-metrics-and-dimensions.html)
 * and the p99 latency, each 3 of 5 one-minute periods by default.
 */
export function defineApiAlarms(api: InferenceApi, alerts: IAlertTopics | undefined, options: InferenceApiAlarmOptions): cloudwatch.Alarm[] {
  const errors = new InputErrors(api, 'InferenceApi');
  const e5 = resolveRate(errors, 'alarms.errorRate5xx', options.errorRate5xx, AlarmSeverity.CRITICAL, 1);
  const e4 = resolveRate(errors, 'alarms.errorRate4xx', options.errorRate4xx, AlarmSeverity.WARNING, 10);
  const lat = resolveLatency(errors, 'alarms.latency', options.latency);
  errors.throwIfAny();

  const factory = new AlarmFactory(api, alerts);
  const alarms: cloudwatch.Alarm[] = [];
  const name = api.restApiName;
  const rate = (id: string, r: ResolvedTuning & { threshold: number }, metric: cloudwatch.IMetric, what: string) => {
    if (!r.enabled) {
      return;
    }
    alarms.push(factory.alarm({
      id,
      alarmName: `${name}-${what.toLowerCase()}-rate`,
      description: `More than ${r.threshold}% of the requests to the inference API ${name} were answered with a ${what} error.`,
      metric: new cloudwatch.MathExpression({ expression: '100 * e', usingMetrics: { e: metric }, period: r.period, label: `${what} rate (%)` }),
      threshold: r.threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      tuning: r,
    }));
  };
  rate('ServerErrorRateAlarm', e5, api.metricServerErrors({ period: e5.period }), '5XX');
  rate('ClientErrorRateAlarm', e4, api.metricClientErrors({ period: e4.period }), '4XX');
  if (lat.enabled) {
    alarms.push(factory.alarm({
      id: 'LatencyAlarm',
      alarmName: `${name}-latency-p99`,
      description: `The p99 latency of the inference API ${name} is above ${lat.threshold} ms.`,
      metric: api.metricLatency({ period: lat.period }),
      threshold: lat.threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      tuning: lat,
    }));
  }
  return alarms;
}

function resolveRate(errors: InputErrors, prop: string, o: RateAlarmOptions | undefined, severity: AlarmSeverity, threshold: number) {
  checkNumber(errors, `${prop}.thresholdPercent`, o?.thresholdPercent, { min: 0, minExclusive: true, max: 100, allowed: 'a percentage in (0, 100]' });
  const tuning = resolveTuning(errors, prop, o, { severity, period: ONE_MINUTE, evaluationPeriods: 5, datapointsToAlarm: 3 });
  return { ...tuning, threshold: o?.thresholdPercent ?? threshold };
}

function resolveLatency(errors: InputErrors, prop: string, o: LatencyAlarmOptions | undefined) {
  let ms = 2000;
  if (o?.threshold !== undefined) {
    if (!isDuration(o.threshold)) {
      errors.add(`${prop}.threshold`, o.threshold, 'a Duration above 0 ms, e.g. Duration.seconds(1)');
    } else if (!o.threshold.isUnresolved()) {
      ms = o.threshold.toMilliseconds();
      errors.check(ms > 0, `${prop}.threshold`, o.threshold, 'a latency above 0 ms');
    }
  }
  const tuning = resolveTuning(errors, prop, o, { severity: AlarmSeverity.WARNING, period: ONE_MINUTE, evaluationPeriods: 5, datapointsToAlarm: 3 });
  return { ...tuning, threshold: ms };
}
