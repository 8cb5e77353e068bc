/**
 * The event of an experiment run (written by the AbExperiment construct into the schedule's input), its checks, the
 * GetMetricData queries of a window and how their results become observations. Pure.
 */
import { ExperimentPolicy, OnCompletion, VariantObservation } from './decide';

export interface SuccessMeasureConfig {
  /** 'errorRate': successes are non-5XX invocations; 'businessMetric': the application's own metric. */
  readonly type: 'errorRate' | 'businessMetric';
  readonly namespace?: string;
  readonly successMetricName?: string;
  /** The application's trial metric; absent: SageMaker Invocations. */
  readonly trialMetricName?: string;
}

export interface ExperimentEvent {
  readonly experimentName: string;
  readonly endpointName: string;
  readonly championVariant: string;
  readonly challengerVariant: string;
  readonly successMeasure: SuccessMeasureConfig;
  readonly minimumSamples: number;
  readonly significance: number;
  readonly latencyGuardrailPercent: number;
  readonly stepPercent: number;
  readonly onCompletion: OnCompletion;
  readonly windowMinutes: number;
  readonly cooldownMinutes?: number;
  /** The namespace of the decision metrics. */
  readonly metricNamespace?: string;
  /** The topic notified on promote and rollback. */
  readonly topicArn?: string;
  /**
   * The statistic of ModelLatency for the guardrail; 'p99' unless given (the construct never sets it). For CloudWatch
   * emulators without extended statistics: moto 5.2 answers a pNN query with HTTP 500.
   */
  readonly latencyStatistic?: string;
}

/** Checks an event; throws one error that lists every problem. */
export function parseEvent(event: ExperimentEvent): ExperimentEvent & { policy: ExperimentPolicy } {
  const problems: string[] = [];
  const str = (k: keyof ExperimentEvent) => {
    if (typeof event?.[k] !== 'string' || (event[k] as string).length === 0) problems.push(`${k} must be a non-empty string`);
  };
  const num = (k: keyof ExperimentEvent, ok: (v: number) => boolean, allowed: string) => {
    const v = event?.[k] as unknown;
    if (typeof v !== 'number' || !ok(v)) problems.push(`${k} must be ${allowed}, got ${JSON.stringify(v)}`);
  };
  str('experimentName');
  str('endpointName');
  str('championVariant');
  str('challengerVariant');
  num('minimumSamples', (v) => Number.isInteger(v) && v >= 1, 'a whole number >= 1');
  num('significance', (v) => v > 0 && v <= 0.5, 'in (0, 0.5]');
  num('latencyGuardrailPercent', (v) => v >= 0, '>= 0');
  num('stepPercent', (v) => v > 0 && v <= 100, 'in (0, 100]');
  num('windowMinutes', (v) => Number.isInteger(v) && v >= 1, 'a whole number of minutes >= 1');
  if (event?.cooldownMinutes !== undefined) num('cooldownMinutes', (v) => v >= 0, '>= 0');
  if (event?.latencyStatistic !== undefined && !/^(p\d{1,2}(\.\d{1,2})?|Maximum|Average)$/.test(event.latencyStatistic)) {
    problems.push(`latencyStatistic must be pNN, Maximum or Average, got ${JSON.stringify(event.latencyStatistic)}`);
  }
  if (event?.onCompletion !== 'PROMOTE' && event?.onCompletion !== 'HOLD') problems.push(`onCompletion must be PROMOTE or HOLD, got ${JSON.stringify(event?.onCompletion)}`);
  if (event?.championVariant !== undefined && event.championVariant === event.challengerVariant) {
    problems.push(`championVariant and challengerVariant must differ, both are ${JSON.stringify(event.championVariant)}`);
  }
  const m = event?.successMeasure;
  if (m?.type === 'businessMetric') {
    if (!m.namespace || !m.successMetricName) problems.push('successMeasure businessMetric needs namespace and successMetricName');
  } else if (m?.type !== 'errorRate') {
    problems.push(`successMeasure.type must be errorRate or businessMetric, got ${JSON.stringify(m?.type)}`);
  }
  if (problems.length > 0) {
    throw new Error(`invalid experiment event: ${problems.join('; ')}`);
  }
  return {
    ...event,
    policy: {
      minimumSamples: event.minimumSamples,
      significance: event.significance,
      latencyGuardrailPercent: event.latencyGuardrailPercent,
      stepPercent: event.stepPercent,
      onCompletion: event.onCompletion,
      cooldownMinutes: event.cooldownMinutes ?? 0,
    },
  };
}

/** The window: the last `windowMinutes` whole minutes before `nowMs`. */
export function windowBounds(nowMs: number, windowMinutes: number): { start: Date; end: Date } {
  const end = Math.floor(nowMs / 60_000) * 60_000;
  return { start: new Date(end - windowMinutes * 60_000), end: new Date(end) };
}

/** A plain MetricStat query (no metric math: simple to audit, and supported by every CloudWatch emulator). */
export interface MetricQuery {
  readonly Id: string;
  readonly MetricStat: {
    readonly Metric: { readonly Namespace: string; readonly MetricName: string; readonly Dimensions: Array<{ Name: string; Value: string }> };
    readonly Period: number;
    readonly Stat: string;
  };
  readonly ReturnData: true;
}

const ROLES = ['champion', 'challenger'] as const;
type Role = typeof ROLES[number];

/**
 * The queries of a window, per variant: Invocations and Invocation5XXErrors (Sum) and ModelLatency (p99) from
 * AWS/SageMaker; for a business metric, its successes (Sum) and, if named, its trials (Sum). One period spans the
 * whole window, so the p99 is the window's p99 (percentiles of sub-periods cannot be combined).
 */
export function metricQueries(e: ExperimentEvent): MetricQuery[] {
  const period = e.windowMinutes * 60;
  const q = (id: string, namespace: string, metricName: string, variant: string, stat: string): MetricQuery => ({
    Id: id,
    MetricStat: {
      Metric: {
        Namespace: namespace, MetricName: metricName,
        Dimensions: [{ Name: 'EndpointName', Value: e.endpointName }, { Name: 'VariantName', Value: variant }],
      },
      Period: period,
      Stat: stat,
    },
    ReturnData: true,
  });
  const out: MetricQuery[] = [];
  for (const role of ROLES) {
    const variant = role === 'champion' ? e.championVariant : e.challengerVariant;
    out.push(q(`${role}_invocations`, 'AWS/SageMaker', 'Invocations', variant, 'Sum'));
    out.push(q(`${role}_errors`, 'AWS/SageMaker', 'Invocation5XXErrors', variant, 'Sum'));
    out.push(q(`${role}_latency`, 'AWS/SageMaker', 'ModelLatency', variant, e.latencyStatistic ?? 'p99'));
    const m = e.successMeasure;
    if (m.type === 'businessMetric') {
      out.push(q(`${role}_successes`, m.namespace!, m.successMetricName!, variant, 'Sum'));
      if (m.trialMetricName) {
        out.push(q(`${role}_trials`, m.namespace!, m.trialMetricName, variant, 'Sum'));
      }
    }
  }
  return out;
}

/** One GetMetricData result, as the SDK returns it. */
export interface MetricResult {
  readonly Id?: string;
  readonly Values?: Array<number | null | undefined>;
}

/**
 * The observations of both variants from the results of `metricQueries` (all pages). Counts are summed over the
 * returned datapoints (a window may straddle two aligned periods), the p99 is the worst datapoint. Missing metrics
 * count as zero samples (no decision) and an unknown latency.
 */
export function observations(e: ExperimentEvent, results: readonly MetricResult[]): Record<Role, VariantObservation> {
  const values = new Map<string, number[]>();
  for (const r of results) {
    if (!r.Id) continue;
    const finite = (r.Values ?? []).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    values.set(r.Id, [...values.get(r.Id) ?? [], ...finite]);
  }
  const sum = (id: string) => (values.get(id) ?? []).reduce((a, b) => a + b, 0);
  const max = (id: string) => {
    const v = values.get(id) ?? [];
    return v.length > 0 ? Math.max(...v) : undefined;
  };
  const observe = (role: Role): VariantObservation => {
    const invocations = Math.round(sum(`${role}_invocations`));
    const errors = Math.min(Math.round(sum(`${role}_errors`)), invocations);
    const p99Latency = max(`${role}_latency`);
    if (e.successMeasure.type === 'errorRate') {
      return { samples: invocations, successes: invocations - errors, errors, invocations, p99Latency };
    }
    const samples = e.successMeasure.trialMetricName ? Math.round(sum(`${role}_trials`)) : invocations;
    const successes = Math.min(Math.round(sum(`${role}_successes`)), samples);
    return { samples, successes, errors, invocations, p99Latency };
  };
  return { champion: observe('champion'), challenger: observe('challenger') };
}
