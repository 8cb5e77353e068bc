import validateAsl from 'asl-validator';
import { execute } from './asl/interpreter';
import { loadTestWorld, LoadTestWorld } from './asl/load-test-world';
import { ContractApp } from './harness/apps';
import { describeIamContract } from './harness/run';
import { LOAD_TEST_APPS, LOAD_TEST_CONTRACT, loadTestSubject } from './tables/load-test';
import { isLoadTestInference } from '../../lambda/shared/load-test-marker';

// The load test's contracts, over its minimal and full apps, each synthesized once and shared by the IAM table and the executions.
const apps = Object.entries(LOAD_TEST_APPS).map(([label, build]) => {
  const spec = build();
  const app = new ContractApp(label, spec.app);
  return { app, subject: loadTestSubject(app, spec), definition: app.definition(spec.loadTest.stateMachine) };
});

describeIamContract('load test', apps, LOAD_TEST_CONTRACT);

describe.each(apps.map((a) => [a.app.label, a] as const))('the load-test state machine of the %s', (_label, { subject: s, definition }) => {
  const phases = s.spec.loadTest.phaseNames;
  const run = async (w: LoadTestWorld = {}) => {
    const world = loadTestWorld(w);
    const e = await execute(definition, {}, { tasks: world.tasks, stateMachineArn: s.stateMachineArn, executionName: 'run-1', maxTransitions: 5000 });
    return { e, log: world.log };
  };

  test('is valid Amazon States Language (asl-validator)', () => {
    const { isValid, errors } = validateAsl(JSON.parse(JSON.stringify(definition)));
    expect({ isValid, errors }).toEqual({ isValid: true, errors: [] });
  });

  test('runs every phase, sends no more than planned, and writes a COMPLETED report', async () => {
    const { e, log } = await run({ instances: [{ champion: 1, challenger: 1 }, { champion: 2, challenger: 1 }] });
    expect({ status: e.status, path: e.path.slice(-2) }).toEqual({ status: 'SUCCEEDED', path: ['Outcome', 'Passed'] });
    expect(log.summaries.map((x) => x.phase)).toEqual(phases);
    const planned = s.spec.loadTest.plannedRequests;
    expect(log.workerEvents.reduce((a, w) => a + w.maxRequests, 0)).toBe(planned);
    for (const w of log.workerEvents) {
      expect(w.endpointName).toBe(s.endpointName);
      expect(w.samplesBucket).toBe(s.payloadsBucketName);
      expect(w.samplesPrefix).toBe(s.spec.payloads.prefix);
      expect(w.targetVariant).toBe(s.spec.targetVariant);
    }
    // Each phase's workers hold its rate between them.
    for (const p of phases) {
      const slice0 = log.workerEvents.filter((w) => w.phase === p && w.slice === 0);
      const rps = slice0.reduce((a, w) => a + w.rate, 0);
      expect(log.summaries.find((x) => x.phase === p).targetRequestsPerSecond).toBeCloseTo(rps, 6);
    }
    expect(log.reports).toHaveLength(1);
    const { Key, report } = log.reports[0];
    expect(Key).toBe(`${s.spec.reports.prefix}run-1.json`);
    expect(report).toMatchObject({ reportFormatVersion: 1, runId: 'run-1', endpointName: s.endpointName, status: 'COMPLETED', stopReason: null, failure: null,
      guards: { maxTotalRequests: planned } });
    expect(report.phases).toHaveLength(phases.length);
    expect(report.phases[0].scaling.find((v: any) => v.variantName === 'champion')).toMatchObject({ instancesBefore: 1, instancesAfter: 2 });
    expect(e.output).toEqual({ status: 'COMPLETED', report: `s3://${s.reportsBucketArn.replace('arn:aws:s3:::', '')}/${Key}`, stopReason: null });
  });

  test('runs a phase\'s slices after one another, at most `workers` child workflows at once', async () => {
    const { e } = await run();
    const starts = e.history.filter((h) => h.type === 'MapIterationStarted' && h.state === 'DrivePhase');
    const times = [...new Set(starts.map((h) => h.time))];
    // Every phase starts its first slice at once; a phase of n slices has n distinct start times.
    expect(times.length).toBeGreaterThanOrEqual(phases.length);
  });

  test('stops early after the first phase whose error rate is above the threshold, and fails with the reason', async () => {
    const { e, log } = await run({ phases: { [phases[0]]: { errorShare: 0.5 } } });
    expect({ status: e.status, error: e.error }).toEqual({ status: 'FAILED', error: 'LoadTest.StoppedEarly' });
    expect(e.cause).toMatch(new RegExp(`^phase ${phases[0]}: error rate 0.5 above 0.0[15]$`));
    expect(new Set(log.workerEvents.map((w) => w.phase))).toEqual(new Set([phases[0]]));
    expect(log.reports[0].report).toMatchObject({ status: 'STOPPED_EARLY', stopReason: e.cause });
    expect(e.path).not.toContain('NextPhase');
  });

  test('a worker that fails fails the phase\'s Map Run; the run is reported FAILED, naming the phase', async () => {
    const last = phases[phases.length - 1];
    const { e, log } = await run({ failingWorker: { phase: last, worker: 0, error: 'Error', cause: 'no request bodies under s3://lake/load-test/churn/' } });
    expect({ status: e.status, error: e.error }).toEqual({ status: 'FAILED', error: 'States.ExceedToleratedFailureThreshold' });
    expect(log.reports[0].report).toMatchObject({ status: 'FAILED', failure: { Error: 'States.ExceedToleratedFailureThreshold', phase: last } });
    expect(log.summaries.map((x) => x.phase)).toEqual(phases.slice(0, -1));
  });

  test('a throttled worker invocation is retried (Lambda refused it: no request was sent twice); other errors are not', async () => {
    const { e } = await run({ errors: { SendLoad: [{ error: 'Lambda.TooManyRequestsException' }] } });
    expect(e.status).toBe('SUCCEEDED');
    expect(e.history.filter((h) => h.type === 'RetryScheduled' && h.state === 'SendLoad')).toHaveLength(1);
    const other = await run({ errors: { SendLoad: [{ error: 'Lambda.ServiceException' }] } });
    expect(other.e.error).toBe('States.ExceedToleratedFailureThreshold');
  });

  test('an endpoint that cannot be described fails the run with a report', async () => {
    const { e, log } = await run({ errors: { CountInstancesBefore: [{ error: 'SageMaker.ValidationException', cause: 'Could not find endpoint' }] } });
    expect({ status: e.status, error: e.error }).toEqual({ status: 'FAILED', error: 'SageMaker.ValidationException' });
    expect(log.workerEvents).toHaveLength(0);
    expect(log.reports[0].report.status).toBe('FAILED');
  });

  test('throttled DescribeEndpoint calls are retried', async () => {
    const { e } = await run({ errors: { CountInstancesBefore: [{ error: 'SageMaker.ThrottlingException' }, { error: 'SageMaker.ThrottlingException' }] } });
    expect(e.status).toBe('SUCCEEDED');
  });

  test('a p99 latency above the threshold stops the run (when the test sets one)', async () => {
    const { e } = await run({ phases: { [phases[0]]: { latencyMs: (s.spec.p99Ms ?? 5000) * 1.5 } } });
    if (s.spec.p99Ms) {
      expect({ status: e.status, error: e.error }).toEqual({ status: 'FAILED', error: 'LoadTest.StoppedEarly' });
      expect(e.cause).toMatch(new RegExp(`p99 latency .* ms above ${s.spec.p99Ms} ms`));
    } else {
      expect(e.status).toBe('SUCCEEDED');
    }
  });

  test('workers mark their traffic for drift and model quality to skip', () => {
    expect(isLoadTestInference('cdk-mlops-load-test-0123456789ab-0-0-0-0')).toBe(true);
  });
});
