import { breaches, NAMESPACE, phaseDatums, PhaseInput, scaleOut, SCALE_GRACE_SECONDS, summarize, WorkerTotals } from '../../../lambda/load-test-aggregate/summary';
import { bucketOf, bucketUpper, Histogram, record } from '../../../lambda/shared/latency';

function worker(latencies: number[], errors = 0, minute = '1767603600'): WorkerTotals {
  const histogram: Histogram = {};
  latencies.forEach((ms) => record(histogram, ms));
  return {
    requests: latencies.length + errors, errors, errorKinds: errors ? { ModelError: errors } : {}, histogram,
    perMinute: { [minute]: latencies.length + errors }, errorsPerMinute: errors ? { [minute]: errors } : {}, saturated: 0,
  };
}

const base: PhaseInput = {
  endpointName: 'churn', phase: 'steady', requestsPerSecond: 10,
  startedAt: '2026-01-05T09:00:00.000Z', endedAt: '2026-01-05T09:01:40.000Z',
  results: [], before: [], after: [], activities: [], stop: {},
};

describe('phase summary', () => {
  test('adds the workers up: 1000 requests in 100 s, 10 errors, percentiles of 1..990 ms', () => {
    const a = Array.from({ length: 495 }, (_v, i) => i + 1);
    const b = Array.from({ length: 495 }, (_v, i) => i + 496);
    const s = summarize({ ...base, results: [worker(a, 4), worker(b, 6)] });
    expect(s.requests).toBe(1000);
    expect(s.errors).toBe(10);
    expect(s.errorKinds).toEqual({ ModelError: 10 });
    expect(s.errorRate).toBe(0.01);
    expect(s.achievedRequestsPerSecond).toBe(10);
    expect(s.throughput).toBe(9.9);
    // Nearest rank of 990 successes: p50 = 495, p90 = 891, p99 = 981; read as their buckets' upper bounds.
    expect(s.p50LatencyMs).toBeCloseTo(bucketUpper(bucketOf(495)), 3);
    expect(s.p90LatencyMs).toBeCloseTo(bucketUpper(bucketOf(891)), 3);
    expect(s.p99LatencyMs).toBeCloseTo(bucketUpper(bucketOf(981)), 3);
  });

  test('has no percentiles and an error rate of 0 when nothing was sent', () => {
    const s = summarize({ ...base, results: [] });
    expect([s.requests, s.errorRate, s.p99LatencyMs]).toEqual([0, 0, null]);
  });

  test('breaches the error-rate condition above it (not at it), and the p99 condition above it', () => {
    expect(breaches({ requests: 100, errorRate: 0.05, p99LatencyMs: 200 }, { maxErrorRate: 0.05, maxP99LatencyMs: 200 })).toEqual([]);
    expect(breaches({ requests: 100, errorRate: 0.051, p99LatencyMs: 201 }, { maxErrorRate: 0.05, maxP99LatencyMs: 200 })).toEqual([
      'error rate 0.051 above 0.05', 'p99 latency 201 ms above 200 ms',
    ]);
    expect(breaches({ requests: 0, errorRate: 0, p99LatencyMs: null }, { maxErrorRate: 0.05 })).toEqual(['no request was sent']);
    expect(breaches({ requests: 10, errorRate: 1, p99LatencyMs: 9e9 }, {})).toEqual([]);
  });

  test('reports instance counts and how long after the phase start each scale-out was in service', () => {
    const s = scaleOut({
      ...base,
      before: [{ VariantName: 'champion', CurrentInstanceCount: 1 }, { VariantName: 'challenger', CurrentInstanceCount: 1 }],
      after: [{ VariantName: 'champion', CurrentInstanceCount: 3 }, { VariantName: 'challenger', CurrentInstanceCount: 1 }],
      activities: [
        { ResourceId: 'endpoint/churn/variant/champion', Description: 'Setting desired instance count to 3.', StatusCode: 'Successful',
          StartTime: '2026-01-05T09:01:00.000Z', EndTime: '2026-01-05T09:06:30.000Z' },
        // Before the phase: not its scale-out.
        { ResourceId: 'endpoint/churn/variant/champion', StatusCode: 'Successful', StartTime: '2026-01-05T08:00:00Z', EndTime: '2026-01-05T08:05:00Z' },
        // Too long after the phase.
        { ResourceId: 'endpoint/churn/variant/champion', StatusCode: 'InProgress',
          StartTime: Date.parse('2026-01-05T09:01:40Z') / 1000 + SCALE_GRACE_SECONDS + 1 },
      ],
    });
    expect(s).toEqual([
      { variantName: 'champion', instancesBefore: 1, instancesAfter: 3, secondsToScaleOut: 390,
        activities: [{ description: 'Setting desired instance count to 3.', status: 'Successful', startedAfterSeconds: 60, inServiceAfterSeconds: 390 }] },
      { variantName: 'challenger', instancesBefore: 1, instancesAfter: 1, secondsToScaleOut: null, activities: [] },
    ]);
  });

  test('publishes offered and failed requests per minute by endpoint and by phase, and the phase statistics by phase', () => {
    const input = { ...base, results: [worker([10, 20], 1, '1767603600'), worker([30], 0, '1767603660')] };
    const d = phaseDatums(input, summarize(input));
    expect(NAMESPACE).toBe('cdk-mlops/LoadTest');
    const offered = d.filter((x) => x.MetricName === 'OfferedRequests');
    expect(offered.map((x) => [x.Dimensions.map((dim) => dim.Value).join('/'), x.Timestamp.toISOString(), x.Value])).toEqual([
      ['churn', '2026-01-05T09:00:00.000Z', 3], ['churn/steady', '2026-01-05T09:00:00.000Z', 3],
      ['churn', '2026-01-05T09:01:00.000Z', 1], ['churn/steady', '2026-01-05T09:01:00.000Z', 1],
    ]);
    expect(d.filter((x) => x.MetricName === 'FailedRequests').map((x) => x.Value)).toEqual([1, 1]);
    const p99 = d.find((x) => x.MetricName === 'LatencyP99')!;
    expect([p99.Unit, p99.Dimensions.length, p99.Timestamp.toISOString()]).toEqual(['Milliseconds', 2, '2026-01-05T09:01:40.000Z']);
    expect(d.find((x) => x.MetricName === 'ErrorRate')!.Value).toBeCloseTo(0.25, 9);
  });
});
