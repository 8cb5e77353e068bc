/**
 * The event of an experiment run (written by the AbExperiment construct into the schedule's input), its checks, the
 * window of a run, the GetMetricData queries of a window and how their results become observations, the join of
 * ground truth to captured requests, and the report. Pure.
 */
import { normaliseLabel, parseGroundTruthLine } from '../shared/ground-truth';
import { ExperimentPolicy, OnCompletion, VariantWindow } from './decide';

/** Where the success measure comes from: ground truth joined to the captured requests by inference id. */
export interface SuccessMeasureConfig {
  /** The bucket and prefix of the endpoint's data capture: <capturePrefix>/<endpoint>/<variant>/yyyy/mm/dd/hh/. */
  readonly captureBucket: string;
  readonly capturePrefix: string;
  /** Ground-truth files (JSON lines) land under <groundTruthPrefix>/yyyy/mm/dd/hh/, as for the model-quality check. */
  readonly groundTruthBucket: string;
  readonly groundTruthPrefix: string;
  /** The label that counts as a success (e.g. '1': converted). */
  readonly positiveLabel: string;
  /** How long before the window captured requests are searched for the labelled inference ids, in hours. */
  readonly captureLookbackHours: number;
}

export interface ExperimentEvent {
  readonly experimentName: string;
  readonly endpointName: string;
  readonly championVariant: string;
  readonly challengerVariant: string;
  readonly significance: number;
  readonly errorMargin: number;
  readonly latencyMargin: number;
  readonly latencyMinimumSamples: number;
  readonly minimumSamples: number;
  readonly mixtureRelativeEffect: number;
  readonly stepPercent: number;
  readonly onCompletion: OnCompletion;
  /** The longest window a run evaluates, in minutes (a run after a gap pools at most this much). */
  readonly windowMinutes: number;
  /** The bucket of the state and the reports. */
  readonly stateBucket: string;
  /** The key prefix of the state (state.json) and the reports (reports/...), ending with '/'. */
  readonly statePrefix: string;
  readonly successMeasure?: SuccessMeasureConfig;
  /** The namespace of the decision metrics. */
  readonly metricNamespace: string;
  /** The topic notified on restart, promote and rollback. */
  readonly topicArn?: string;
  /**
   * Whether the latency guardrail runs (it needs CloudWatch percentile and trimmed-count statistics).
   * @default true
   */
  readonly latencyGuardrail?: boolean;
  /**
   * The time of the run (ISO), for backfills and tests; the construct never sets it.
   * @default - now
   */
  readonly runAt?: string;
}

/** Minutes CloudWatch and SageMaker need to publish a minute's datapoints; a window ends this long before the run. */
export const SETTLE_MINUTES = 5;

/** Checks an event; throws one error that lists every problem. */
export function parseEvent(event: ExperimentEvent): ExperimentEvent & { policy: ExperimentPolicy } {
  const problems: string[] = [];
  const str = (o: any, k: string, where = '') => {
    if (typeof o?.[k] !== 'string' || o[k].length === 0) problems.push(`${where}${k} must be a non-empty string`);
  };
  const num = (k: keyof ExperimentEvent, ok: (v: number) => boolean, allowed: string) => {
    const v = event?.[k] as unknown;
    if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) problems.push(`${k} must be ${allowed}, got ${JSON.stringify(v)}`);
  };
  for (const k of ['experimentName', 'endpointName', 'championVariant', 'challengerVariant', 'stateBucket', 'metricNamespace']) {
    str(event, k);
  }
  if (typeof event?.statePrefix !== 'string' || (event.statePrefix !== '' && !event.statePrefix.endsWith('/'))) {
    problems.push(`statePrefix must be a key prefix ending with '/', got ${JSON.stringify(event?.statePrefix)}`);
  }
  num('significance', (v) => v > 0 && v <= 0.5, 'in (0, 0.5]');
  num('errorMargin', (v) => v > 0, '> 0');
  num('latencyMargin', (v) => v > 0, '> 0');
  num('latencyMinimumSamples', (v) => Number.isInteger(v) && v >= 100, 'a whole number >= 100');
  num('minimumSamples', (v) => Number.isInteger(v) && v >= 1, 'a whole number >= 1');
  num('mixtureRelativeEffect', (v) => v > 0, '> 0');
  num('stepPercent', (v) => v > 0 && v <= 100, 'in (0, 100]');
  num('windowMinutes', (v) => Number.isInteger(v) && v >= 1, 'a whole number of minutes >= 1');
  if (event?.runAt !== undefined && (typeof event.runAt !== 'string' || Number.isNaN(Date.parse(event.runAt)))) {
    problems.push(`runAt must be an ISO time, got ${JSON.stringify(event.runAt)}`);
  }
  if (event?.onCompletion !== 'PROMOTE' && event?.onCompletion !== 'HOLD') {
    problems.push(`onCompletion must be PROMOTE or HOLD, got ${JSON.stringify(event?.onCompletion)}`);
  }
  if (event?.championVariant !== undefined && event.championVariant === event.challengerVariant) {
    problems.push(`championVariant and challengerVariant must differ, both are ${JSON.stringify(event.championVariant)}`);
  }
  const m = event?.successMeasure;
  if (m !== undefined) {
    for (const k of ['captureBucket', 'groundTruthBucket', 'positiveLabel']) str(m, k, 'successMeasure.');
    for (const k of ['capturePrefix', 'groundTruthPrefix']) {
      if (typeof (m as any)?.[k] !== 'string') problems.push(`successMeasure.${k} must be a string`);
    }
    if (typeof m?.captureLookbackHours !== 'number' || !Number.isInteger(m.captureLookbackHours) || m.captureLookbackHours < 0) {
      problems.push(`successMeasure.captureLookbackHours must be a whole number >= 0, got ${JSON.stringify(m?.captureLookbackHours)}`);
    }
  }
  if (problems.length > 0) {
    throw new Error(`invalid experiment event: ${problems.join('; ')}`);
  }
  return {
    ...event,
    policy: {
      significance: event.significance,
      errorMargin: event.errorMargin,
      latencyMargin: event.latencyMargin,
      latencyMinimumSamples: event.latencyMinimumSamples,
      minimumSamples: event.minimumSamples,
      mixtureRelativeEffect: event.mixtureRelativeEffect,
      stepPercent: event.stepPercent,
      onCompletion: event.onCompletion,
    },
  };
}

/**
 * The window of a run: it ends SETTLE_MINUTES before `nowMs` on a whole minute, and starts where the last processed
 * window ended (so that no minute is pooled twice or skipped), but at most `windowMinutes` before its end (after a
 * long gap, older minutes are not read). Empty (start >= end) when the last window ends at or after this end.
 */
export function windowBounds(nowMs: number, windowMinutes: number, lastWindowEnd?: string): { start: Date; end: Date } {
  const end = Math.floor(nowMs / 60_000) * 60_000 - SETTLE_MINUTES * 60_000;
  const earliest = end - windowMinutes * 60_000;
  const last = lastWindowEnd === undefined ? NaN : Date.parse(lastWindowEnd);
  const start = Number.isNaN(last) ? earliest : Math.max(earliest, last);
  return { start: new Date(start), end: new Date(end) };
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
export type Role = typeof ROLES[number];

/**
 * The queries of a window, per variant, from AWS/SageMaker with one period spanning the window: Invocations and
 * Invocation5XXErrors (Sum); ModelLatency p99 while the epoch has no latency threshold, then TC(threshold:), the
 * number of requests slower than the threshold (CloudWatch trimmed count). Without the latency guardrail, no latency.
 */
export function metricQueries(e: ExperimentEvent, start: Date, end: Date, latencyThreshold: number | undefined): MetricQuery[] {
  const period = Math.max(60, Math.round((end.getTime() - start.getTime()) / 60_000) * 60);
  const q = (id: string, metricName: string, variant: string, stat: string): MetricQuery => ({
    Id: id,
    MetricStat: {
      Metric: {
        Namespace: 'AWS/SageMaker', MetricName: metricName,
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
    out.push(q(`${role}_invocations`, 'Invocations', variant, 'Sum'));
    out.push(q(`${role}_errors`, 'Invocation5XXErrors', variant, 'Sum'));
    if (e.latencyGuardrail !== false) {
      out.push(latencyThreshold === undefined
        ? q(`${role}_p99`, 'ModelLatency', variant, 'p99')
        : q(`${role}_slow`, 'ModelLatency', variant, `TC(${latencyThreshold}:)`));
    }
  }
  return out;
}

/** One GetMetricData result, as the SDK returns it. */
export interface MetricResult {
  readonly Id?: string;
  readonly Values?: Array<number | null | undefined>;
}

/** The counts of a variant in the window (the success measure is added from the join). */
export type MetricObservation = Pick<VariantWindow, 'requests' | 'errors' | 'slowRequests' | 'latencyQuantile'>;

/**
 * The observations of both variants from the results of `metricQueries` (all pages). Counts are summed over the
 * returned datapoints (a window may straddle two aligned periods); the p99 is the worst datapoint. A missing count is
 * zero requests; missing latency statistics are unknown.
 */
export function observations(results: readonly MetricResult[]): Record<Role, MetricObservation> {
  const values = new Map<string, number[]>();
  for (const r of results) {
    if (!r.Id) continue;
    const finite = (r.Values ?? []).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    values.set(r.Id, [...values.get(r.Id) ?? [], ...finite]);
  }
  const sum = (id: string) => (values.get(id) ?? []).reduce((a, b) => a + b, 0);
  const observe = (role: Role): MetricObservation => {
    const requests = Math.round(sum(`${role}_invocations`));
    const errors = Math.min(Math.round(sum(`${role}_errors`)), requests);
    const p99 = values.get(`${role}_p99`) ?? [];
    const slow = values.get(`${role}_slow`);
    return {
      requests,
      errors,
      latencyQuantile: p99.length > 0 ? Math.max(...p99) : undefined,
      slowRequests: slow === undefined ? undefined : Math.min(Math.round(sum(`${role}_slow`)), requests),
    };
  };
  return { champion: observe('champion'), challenger: observe('challenger') };
}

/**
 * Ground-truth lines are read exactly as the model-quality check reads them (lambda/shared/ground-truth.ts): the same
 * layouts, the same label normalisation ("1", 1, 1.0, true and "True" are one label).
 */
export { parseGroundTruthLine };

/**
 * The success measure of a window: ground-truth labels that arrived in it, joined by inference id with the requests
 * each variant served. A label joins at most one request; a label whose request was not captured (sampling, or older
 * than the lookback) is unmatched.
 */
export class OutcomeJoin {
  private readonly labels = new Map<string, string>();
  private readonly counts: Record<Role, { trials: number; successes: number }> = {
    champion: { trials: 0, successes: 0 }, challenger: { trials: 0, successes: 0 },
  };
  public duplicateLabels = 0;
  public malformedLines = 0;

  private readonly positiveLabel: string;

  /** `positiveLabel` is normalised as the labels are: '1', 'true' and '1.0' name one class. */
  constructor(positiveLabel: string, private readonly maxLabels = 2_000_000) {
    this.positiveLabel = normaliseLabel(positiveLabel) ?? positiveLabel;
  }

  /** Adds a ground-truth line; returns false when the label store is full. */
  public addLabelLine(line: string): boolean {
    if (line.trim() === '') return true;
    const gt = parseGroundTruthLine(line);
    if (!gt) {
      this.malformedLines++;
      return true;
    }
    if (this.labels.has(gt.id)) {
      this.duplicateLabels++;
      return true;
    }
    if (this.labels.size >= this.maxLabels) return false;
    this.labels.set(gt.id, gt.label);
    return true;
  }

  public get labelCount(): number {
    return this.labels.size;
  }

  /** Joins a captured request of a variant by its inference id (else event id). */
  public addCapture(role: Role, inferenceId: string | undefined): void {
    if (inferenceId === undefined) return;
    const label = this.labels.get(inferenceId);
    if (label === undefined) return;
    this.labels.delete(inferenceId);
    this.counts[role].trials++;
    if (label === this.positiveLabel) this.counts[role].successes++;
  }

  /** The labels not (yet) joined. */
  public get unmatched(): number {
    return this.labels.size;
  }

  public result(role: Role): { trials: number; successes: number } {
    return { ...this.counts[role] };
  }
}

/** True when S3's LastModified falls in [start, end): each ground-truth file is counted in exactly one window. */
export function inWindow(lastModified: Date | undefined, start: Date, end: Date): boolean {
  if (!lastModified) return false;
  const t = lastModified.getTime();
  return t >= start.getTime() && t < end.getTime();
}

/** The key of the state object and of a run's report. */
export function stateKey(e: ExperimentEvent): string {
  return `${e.statePrefix}state.json`;
}

export function reportKey(e: ExperimentEvent, windowEnd: Date, action: string): string {
  const stamp = windowEnd.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
  return `${e.statePrefix}reports/${stamp}-${action.toLowerCase()}.json`;
}
