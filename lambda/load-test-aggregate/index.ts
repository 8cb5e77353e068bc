/**
 * Load-test aggregation: after a phase, merges its workers' results into the phase summary (percentiles, error rate,
 * throughput, scale-out), publishes it to CloudWatch and returns it; the state machine decides on the stopping conditions
 * with `breaches`, and writes the report.
 */
import { putMetrics } from '../shared/io';
import { log } from '../shared/log';
import { NAMESPACE, PhaseInput, PhaseSummary, phaseDatums, summarize } from './summary';

export type { PhaseInput, PhaseSummary } from './summary';

export async function handler(event: PhaseInput): Promise<PhaseSummary> {
  if (!event || !Array.isArray(event.results) || typeof event.endpointName !== 'string' || typeof event.phase !== 'string') {
    throw new Error('bad load-test aggregation event: endpointName, phase and results are required');
  }
  const summary = summarize({ ...event, before: event.before ?? [], after: event.after ?? [], activities: ((event.activities ?? []) as unknown[]).flat(2) as PhaseInput['activities'],
    stop: event.stop ?? {} });
  const calls = await putMetrics(NAMESPACE, phaseDatums(event, summary));
  log('INFO', 'load-test phase summarized', {
    endpointName: event.endpointName, phase: event.phase, requests: summary.requests, errorRate: summary.errorRate,
    p99LatencyMs: summary.p99LatencyMs, breaches: summary.breaches, putMetricDataCalls: calls,
  });
  return summary;
}
