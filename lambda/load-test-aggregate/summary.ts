/**
 * The summary of one load-test phase from its workers' results: requests, errors, error rate, throughput, latency
 * percentiles; the stopping conditions; instance counts before and after and the scale-out activities that ran during the
 * phase; and the CloudWatch datums that publish it. Pure: no AWS.
 */
import { Datum } from '../shared/datums';
import { histogramPercentile, merge, total } from '../shared/latency';

/** One worker's result (the worker handler's WorkerResult, as the state machine passes it on). */
export interface WorkerTotals {
  readonly requests: number;
  readonly errors: number;
  readonly errorKinds: Record<string, number>;
  readonly histogram: Record<string, number>;
  readonly perMinute: Record<string, number>;
  readonly errorsPerMinute: Record<string, number>;
  readonly saturated: number;
}

/** A production variant as DescribeEndpoint reports it. */
export interface VariantCount {
  readonly VariantName: string;
  readonly CurrentInstanceCount?: number;
  readonly DesiredInstanceCount?: number;
}

/** A scaling activity as Application Auto Scaling's DescribeScalingActivities reports it. */
export interface ScalingActivity {
  readonly ResourceId: string;
  readonly Description?: string;
  readonly StartTime: string | number;
  readonly EndTime?: string | number;
  readonly StatusCode: string;
}

export interface StopConditions {
  /** 0-1; absent: no condition. */
  readonly maxErrorRate?: number;
  /** Milliseconds; absent: no condition. */
  readonly maxP99LatencyMs?: number;
}

export interface PhaseInput {
  readonly endpointName: string;
  readonly phase: string;
  /** The target rate of the phase. */
  readonly requestsPerSecond: number;
  /** ISO timestamps: when the phase's workers were started, and when the last of them returned. */
  readonly startedAt: string;
  readonly endedAt: string;
  readonly results: WorkerTotals[];
  readonly before: VariantCount[];
  readonly after: VariantCount[];
  readonly activities: ScalingActivity[];
  readonly stop: StopConditions;
}

/** How one variant scaled while the phase ran. */
export interface ScaleOut {
  readonly variantName: string;
  readonly instancesBefore: number | null;
  readonly instancesAfter: number | null;
  /**
   * The scale-out activities that started during the phase (or within `SCALE_GRACE_SECONDS` after it, still caused by its
   * load), with seconds from the phase start to the activity's start and end: how long the endpoint took to have the
   * capacity. An activity still in progress has no end.
   */
  readonly activities: Array<{ readonly description: string; readonly status: string; readonly startedAfterSeconds: number;
    readonly inServiceAfterSeconds: number | null; }>;
  /** Seconds from the phase start to the end of the last successful scale-out activity, or null when none completed. */
  readonly secondsToScaleOut: number | null;
}

export interface PhaseSummary {
  readonly phase: string;
  readonly startedAt: string;
  readonly endedAt: string;
  readonly targetRequestsPerSecond: number;
  readonly requests: number;
  readonly errors: number;
  readonly errorKinds: Record<string, number>;
  /** errors / requests; 0 when no request was sent. */
  readonly errorRate: number;
  /** Requests started per second of the phase's wall-clock time. */
  readonly achievedRequestsPerSecond: number;
  /** Successful requests per second. */
  readonly throughput: number;
  /** Latency percentiles of the successful requests, in milliseconds (at most 2% above the exact values); null without any. */
  readonly p50LatencyMs: number | null;
  readonly p90LatencyMs: number | null;
  readonly p99LatencyMs: number | null;
  /** Times a worker had every in-flight slot taken when a request was due (offered load below target). */
  readonly saturated: number;
  readonly scaling: ScaleOut[];
  /** Which stopping conditions this phase breached (empty: none). */
  readonly breaches: string[];
}

/** Activities that start up to this long after the phase are still counted as its scale-out (alarms evaluate per minute). */
export const SCALE_GRACE_SECONDS = 300;

function epochMs(t: string | number | undefined): number | undefined {
  if (t === undefined || t === null) return undefined;
  if (typeof t === 'number') return t < 1e12 ? t * 1000 : t;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : ms;
}

/** The scale-out of each variant: counts before and after, and the activities of the phase. */
export function scaleOut(p: PhaseInput): ScaleOut[] {
  const start = epochMs(p.startedAt)!;
  const end = epochMs(p.endedAt)!;
  const names = [...new Set([...p.before, ...p.after].map((v) => v.VariantName))];
  return names.map((variantName) => {
    const before = p.before.find((v) => v.VariantName === variantName)?.CurrentInstanceCount ?? null;
    const after = p.after.find((v) => v.VariantName === variantName)?.CurrentInstanceCount ?? null;
    const activities = p.activities
      .filter((a) => a.ResourceId.endsWith(`/variant/${variantName}`))
      .map((a) => ({ a, s: epochMs(a.StartTime), e: epochMs(a.EndTime) }))
      .filter(({ s }) => s !== undefined && s >= start && s <= end + SCALE_GRACE_SECONDS * 1000)
      .sort((x, y) => x.s! - y.s!)
      .map(({ a, s, e }) => ({
        description: a.Description ?? '',
        status: a.StatusCode,
        startedAfterSeconds: Math.round((s! - start) / 1000),
        inServiceAfterSeconds: e === undefined ? null : Math.round((e - start) / 1000),
      }));
    const done = activities.filter((a) => a.status === 'Successful' && a.inServiceAfterSeconds !== null);
    return {
      variantName, instancesBefore: before, instancesAfter: after, activities,
      secondsToScaleOut: done.length === 0 ? null : Math.max(...done.map((a) => a.inServiceAfterSeconds!)),
    };
  });
}

/** The phase's summary. */
export function summarize(p: PhaseInput): PhaseSummary {
  const requests = sum(p.results.map((r) => r.requests));
  const errors = sum(p.results.map((r) => r.errors));
  const histogram = merge(p.results.map((r) => r.histogram));
  const seconds = Math.max(1, ((epochMs(p.endedAt) ?? 0) - (epochMs(p.startedAt) ?? 0)) / 1000);
  const pct = (q: number) => (total(histogram) === 0 ? null : round(histogramPercentile(histogram, q)));
  const errorKinds: Record<string, number> = {};
  for (const r of p.results) {
    for (const [k, n] of Object.entries(r.errorKinds ?? {})) errorKinds[k] = (errorKinds[k] ?? 0) + n;
  }
  const summary = {
    phase: p.phase,
    startedAt: p.startedAt,
    endedAt: p.endedAt,
    targetRequestsPerSecond: p.requestsPerSecond,
    requests,
    errors,
    errorKinds,
    errorRate: requests === 0 ? 0 : errors / requests,
    achievedRequestsPerSecond: round(requests / seconds),
    throughput: round((requests - errors) / seconds),
    p50LatencyMs: pct(50),
    p90LatencyMs: pct(90),
    p99LatencyMs: pct(99),
    saturated: sum(p.results.map((r) => r.saturated)),
    scaling: scaleOut(p),
  };
  return { ...summary, breaches: breaches(summary, p.stop) };
}

/** The stopping conditions a phase breached, in words. A phase that sent nothing breaches the error condition. */
export function breaches(s: { requests: number; errorRate: number; p99LatencyMs: number | null }, stop: StopConditions): string[] {
  const out: string[] = [];
  if (stop.maxErrorRate !== undefined && stop.maxErrorRate !== null) {
    if (s.requests === 0) {
      out.push('no request was sent');
    } else if (s.errorRate > stop.maxErrorRate) {
      out.push(`error rate ${round(s.errorRate)} above ${stop.maxErrorRate}`);
    }
  }
  if (stop.maxP99LatencyMs !== undefined && stop.maxP99LatencyMs !== null && s.p99LatencyMs !== null && s.p99LatencyMs > stop.maxP99LatencyMs) {
    out.push(`p99 latency ${s.p99LatencyMs} ms above ${stop.maxP99LatencyMs} ms`);
  }
  return out;
}

/** The CloudWatch namespace of load-test metrics. */
export const NAMESPACE = 'cdk-mlops/LoadTest';

/**
 * The datums of a phase: per minute, requests started (`OfferedRequests`) and failed (`FailedRequests`), with dimensions
 * EndpointName and EndpointName + Phase; at the phase's end, its percentiles, error rate and throughput (EndpointName + Phase).
 */
export function phaseDatums(p: PhaseInput, s: PhaseSummary): Datum[] {
  const byEndpoint = [{ Name: 'EndpointName', Value: p.endpointName }];
  const byPhase = [...byEndpoint, { Name: 'Phase', Value: p.phase }];
  const out: Datum[] = [];
  const perMinute = (key: 'perMinute' | 'errorsPerMinute', metric: string) => {
    const counts: Record<string, number> = {};
    for (const r of p.results) {
      for (const [m, n] of Object.entries(r[key] ?? {})) counts[m] = (counts[m] ?? 0) + n;
    }
    for (const [m, n] of Object.entries(counts).sort()) {
      const Timestamp = new Date(Number(m) * 1000);
      out.push({ MetricName: metric, Dimensions: byEndpoint, Timestamp, Value: n, Unit: 'Count' });
      out.push({ MetricName: metric, Dimensions: byPhase, Timestamp, Value: n, Unit: 'Count' });
    }
  };
  perMinute('perMinute', 'OfferedRequests');
  perMinute('errorsPerMinute', 'FailedRequests');
  const at = new Date(epochMs(p.endedAt)!);
  const stat = (MetricName: string, Value: number | null, Unit: Datum['Unit']) => {
    if (Value !== null) out.push({ MetricName, Dimensions: byPhase, Timestamp: at, Value, Unit });
  };
  stat('LatencyP50', s.p50LatencyMs, 'Milliseconds');
  stat('LatencyP90', s.p90LatencyMs, 'Milliseconds');
  stat('LatencyP99', s.p99LatencyMs, 'Milliseconds');
  stat('ErrorRate', s.errorRate, 'None');
  stat('Throughput', s.throughput, 'Count/Second');
  stat('TargetRequestsPerSecond', s.targetRequestsPerSecond, 'Count/Second');
  return out;
}

function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
