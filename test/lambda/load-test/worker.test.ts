import { drive, WorkerEvent } from '../../../lambda/load-test-worker';
import { eventProblems, inferenceId } from '../../../lambda/load-test-worker/request';
import { errorKind, minuteOf } from '../../../lambda/load-test-worker/tally';
import { histogramPercentile, total } from '../../../lambda/shared/latency';
import { isLoadTestInference, LOAD_TEST_INFERENCE_ID_PREFIX } from '../../../lambda/shared/load-test-marker';
import { VirtualClock } from './virtual-clock';

const event: WorkerEvent = {
  runId: 'a'.repeat(80), phase: 'steady', phaseIndex: 1, worker: 3, slice: 2, endpointName: 'churn', contentType: 'text/csv',
  samplesBucket: 'lake', samplesPrefix: 'load/', rate: 20, seconds: 30, maxRequests: 10_000, maxInFlight: 50, requestTimeoutMs: 10_000,
};

describe('load-test worker', () => {
  test('sends at its rate, round-robin over the bodies, each with a load-test InferenceId of at most 64 characters', async () => {
    const clock = new VirtualClock();
    const ids: string[] = [];
    const bodies: string[] = [];
    const samples = ['a', 'b', 'c'].map((s) => new TextEncoder().encode(s));
    const result = await clock.run(drive(event, samples, clock, async (body, id) => {
      ids.push(id);
      bodies.push(new TextDecoder().decode(body));
      await clock.sleep(40);
    }));
    expect(result.requests).toBeGreaterThanOrEqual(599);
    expect(result.requests).toBeLessThanOrEqual(601);
    expect(result.errors).toBe(0);
    expect(total(result.histogram)).toBe(result.requests);
    expect(histogramPercentile(result.histogram, 50)).toBeGreaterThanOrEqual(40);
    expect(histogramPercentile(result.histogram, 50)).toBeLessThanOrEqual(40 * 1.02);
    expect(bodies.slice(0, 4)).toEqual(['a', 'b', 'c', 'a']);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => id.length <= 64 && isLoadTestInference(id))).toBe(true);
    expect(ids[0]).toMatch(new RegExp(`^${LOAD_TEST_INFERENCE_ID_PREFIX}[0-9a-f]{12}-1-3-2-0$`));
    expect(Object.values(result.perMinute).reduce((a, b) => a + b, 0)).toBe(result.requests);
  });

  test('counts endpoint errors by kind instead of failing, and keeps them out of the latency histogram', async () => {
    const clock = new VirtualClock();
    let n = 0;
    const result = await clock.run(drive({ ...event, seconds: 10 }, [new Uint8Array([1])], clock, async () => {
      await clock.sleep(10);
      if (++n % 4 === 0) throw Object.assign(new Error('model failed'), { name: 'ModelError' });
    }));
    expect(result.errors).toBe(Math.floor(result.requests / 4));
    expect(result.errorKinds).toEqual({ ModelError: result.errors });
    expect(total(result.histogram)).toBe(result.requests - result.errors);
    expect(Object.values(result.errorsPerMinute).reduce((a, b) => a + b, 0)).toBe(result.errors);
  });

  test('names errors by the SDK error name, Timeout for an abandoned request, Other when there is none', () => {
    expect(errorKind(Object.assign(new Error('x'), { name: 'ThrottlingException' }))).toBe('ThrottlingException');
    expect(errorKind(Object.assign(new Error('x'), { name: 'AbortError' }))).toBe('Timeout');
    expect(errorKind(new Error('plain'))).toBe('Other');
    expect(errorKind('a string')).toBe('Other');
  });

  test('keys minutes by their epoch second', () => {
    expect(minuteOf(Date.parse('2026-01-05T09:00:59.999Z'))).toBe(String(Date.parse('2026-01-05T09:00:00Z') / 1000));
  });

  test('fails on an event without its fields, naming each', () => {
    expect(eventProblems(event)).toEqual([]);
    const problems = eventProblems({ ...event, rate: 0, endpointName: '', maxInFlight: 1.5 });
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^endpointName must be a non-empty string/),
      expect.stringMatching(/^rate must be a number/),
      expect.stringMatching(/^maxInFlight must be a whole number >= 1, got 1.5/),
    ]));
    expect(eventProblems(undefined).length).toBeGreaterThan(5);
  });

  test('makes inference ids with the prefix; other ids are not load tests', () => {
    expect(inferenceId('0123456789ab', event, 7)).toBe(`${LOAD_TEST_INFERENCE_ID_PREFIX}0123456789ab-1-3-2-7`);
    expect(isLoadTestInference('customer-42')).toBe(false);
    expect(isLoadTestInference(undefined)).toBe(false);
  });
});
