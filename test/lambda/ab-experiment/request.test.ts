import { ExperimentEvent, metricQueries, observations, parseEvent, windowBounds } from '../../../lambda/ab-experiment/request';

const event: ExperimentEvent = {
  experimentName: 'x', endpointName: 'churn', championVariant: 'a', challengerVariant: 'b', successMeasure: { type: 'errorRate' },
  minimumSamples: 10, significance: 0.05, latencyGuardrailPercent: 20, stepPercent: 10, onCompletion: 'PROMOTE', windowMinutes: 30,
};

describe('parseEvent', () => {
  test('derives the policy, with no cooldown unless given', () => {
    expect(parseEvent(event).policy).toEqual({
      minimumSamples: 10, significance: 0.05, latencyGuardrailPercent: 20, stepPercent: 10, onCompletion: 'PROMOTE', cooldownMinutes: 0,
    });
  });

  test.each<[Partial<ExperimentEvent>, RegExp]>([
    [{ endpointName: '' }, /endpointName must be a non-empty string/],
    [{ minimumSamples: 0 }, /minimumSamples must be a whole number >= 1, got 0/],
    [{ significance: 0 }, /significance must be in \(0, 0.5\], got 0/],
    [{ stepPercent: 101 }, /stepPercent must be in \(0, 100\], got 101/],
    [{ windowMinutes: 1.5 }, /windowMinutes must be a whole number of minutes >= 1/],
    [{ onCompletion: 'LATER' as any }, /onCompletion must be PROMOTE or HOLD, got "LATER"/],
    [{ successMeasure: { type: 'businessMetric' } }, /successMeasure businessMetric needs namespace and successMetricName/],
    [{ successMeasure: { type: 'nps' as any } }, /successMeasure.type must be errorRate or businessMetric/],
    [{ latencyStatistic: 'p100x' }, /latencyStatistic must be pNN, Maximum or Average/],
  ])('fails on %j', (patch, message) => {
    expect(() => parseEvent({ ...event, ...patch })).toThrow(message);
  });
});

test('the window ends at the last whole minute', () => {
  expect(windowBounds(Date.parse('2026-11-23T10:07:42.5Z'), 30)).toEqual({
    start: new Date('2026-11-23T09:37:00Z'), end: new Date('2026-11-23T10:07:00Z'),
  });
});

test('queries p99 latency unless another statistic is asked for', () => {
  expect(metricQueries(event).filter((q) => q.Id.endsWith('_latency')).map((q) => q.MetricStat.Stat)).toEqual(['p99', 'p99']);
  expect(metricQueries({ ...event, latencyStatistic: 'Maximum' })[2].MetricStat.Stat).toBe('Maximum');
  expect(metricQueries(event)[0].MetricStat.Period).toBe(1800);
});

describe('observations', () => {
  test('sums counts over datapoints and pages, takes the worst latency, and ignores empty values', () => {
    const o = observations(event, [
      { Id: 'champion_invocations', Values: [600, 400] },
      { Id: 'champion_invocations', Values: [1000] },
      { Id: 'champion_errors', Values: [20, null, NaN] },
      { Id: 'champion_latency', Values: [90, 120] },
      { Id: 'challenger_invocations', Values: [500] },
      { Id: 'challenger_errors', Values: [] },
    ]);
    expect(o.champion).toEqual({ samples: 2000, successes: 1980, errors: 20, invocations: 2000, p99Latency: 120 });
    expect(o.challenger).toEqual({ samples: 500, successes: 500, errors: 0, invocations: 500, p99Latency: undefined });
  });

  test('counts a business metric over its own trials, or over invocations, and never more successes than trials', () => {
    const business = { ...event, successMeasure: { type: 'businessMetric' as const, namespace: 'Shop', successMetricName: 'Conversions' } };
    const o = observations(business, [
      { Id: 'champion_invocations', Values: [1000] }, { Id: 'champion_successes', Values: [80] },
      { Id: 'challenger_invocations', Values: [100] }, { Id: 'challenger_successes', Values: [150] },
    ]);
    expect(o.champion).toMatchObject({ samples: 1000, successes: 80 });
    expect(o.challenger).toMatchObject({ samples: 100, successes: 100 });
    const withTrials = observations({ ...business, successMeasure: { ...business.successMeasure, trialMetricName: 'Offers' } }, [
      { Id: 'champion_invocations', Values: [1000] }, { Id: 'champion_trials', Values: [400] }, { Id: 'champion_successes', Values: [80] },
    ]);
    expect(withTrials.champion).toMatchObject({ samples: 400, successes: 80, invocations: 1000 });
  });

  test('has zero samples when metrics are missing', () => {
    expect(observations(event, [])).toEqual({
      champion: { samples: 0, successes: 0, errors: 0, invocations: 0, p99Latency: undefined },
      challenger: { samples: 0, successes: 0, errors: 0, invocations: 0, p99Latency: undefined },
    });
  });
});
