import { App, Duration } from 'aws-cdk-lib';
import { driftFixture } from '../drift/fixtures';
import { EndpointLoadTest, EndpointLoadTestProps } from '../../lib/loadtest';
import { testApp } from '../util';

/** The drift fixture's stack (a lake and the two-variant endpoint `churn`) and a minimal load test of it. */
export function loadTestFixture(app: App = testApp(), props: Partial<EndpointLoadTestProps> = {}) {
  const f = driftFixture(app);
  const loadTest = new EndpointLoadTest(f.stack, 'LoadTest', { ...minimalProps(f), ...props });
  return { ...f, loadTest };
}

export function minimalProps(f: ReturnType<typeof driftFixture>): EndpointLoadTestProps {
  return {
    endpoint: f.endpoint,
    phases: [{ name: 'steady', requestsPerSecond: 20, duration: Duration.minutes(5) }],
    maxTotalRequests: 10_000,
    maxDuration: Duration.minutes(15),
    payloads: f.lake.zone('curated'),
    payloadPrefix: 'load-test/churn/',
  };
}

/** Ramp-up, steady (longer than a worker slice) and spike, on the champion only, with both stopping conditions. */
export function fullProps(f: ReturnType<typeof driftFixture>): EndpointLoadTestProps {
  return {
    ...minimalProps(f),
    phases: [
      { name: 'ramp', requestsPerSecond: 5, duration: Duration.minutes(2) },
      { name: 'steady', requestsPerSecond: 25, duration: Duration.minutes(15) },
      { name: 'spike', requestsPerSecond: 80, duration: Duration.minutes(1) },
    ],
    maxTotalRequests: 30_000,
    maxDuration: Duration.minutes(30),
    targetVariant: 'champion',
    stopConditions: { maxErrorRate: 0.01, maxP99Latency: Duration.millis(500) },
    contentType: 'text/csv',
    accept: 'application/json',
    reportZone: f.lake.zone('monitoring'),
    reportPrefix: 'load-tests/churn/',
  };
}
