import { TaskAnswer, TaskCall } from './interpreter';
import { summarize } from '../../../lambda/load-test-aggregate/summary';
import { WorkerEvent } from '../../../lambda/load-test-worker/request';
import { eventProblems } from '../../../lambda/load-test-worker/request';
import { bucketOf } from '../../../lambda/shared/latency';

/**
 * A world for the load-test state machine: DescribeEndpoint (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeEndpoint.html),
 * the workers (their events checked by the worker's own check; each returns what it would count), Application Auto Scaling's
 * DescribeScalingActivities (https://docs.aws.amazon.com/autoscaling/application/APIReference/API_DescribeScalingActivities.html),
 * the aggregation (the handler's own pure `summarize`), and S3 PutObject.
 */
export interface LoadTestWorld {
  /** Per phase name: the share of failed requests the workers see, and their latency in ms. */
  readonly phases?: Record<string, { errorShare?: number; latencyMs?: number }>;
  /** Instance counts per variant: before the first phase, then after each phase. */
  readonly instances?: Array<Record<string, number>>;
  /** Errors per state, in order of attempts (`undefined` for success). */
  readonly errors?: Record<string, Array<{ error: string; cause?: string } | undefined>>;
  /** A worker (phase name, worker index) that fails every time. */
  readonly failingWorker?: { phase: string; worker: number; error: string; cause?: string };
}

export interface LoadTestLog {
  readonly workerEvents: WorkerEvent[];
  readonly summaries: any[];
  readonly reports: Array<{ Bucket: string; Key: string; report: any }>;
  readonly calls: TaskCall[];
}

export function loadTestWorld(w: LoadTestWorld = {}) {
  const log: LoadTestLog = { workerEvents: [], summaries: [], reports: [], calls: [] };
  const attempts: Record<string, number> = {};
  let describes = 0;
  const tasks = (call: TaskCall): TaskAnswer => {
    log.calls.push(call);
    const key = call.state;
    const n = attempts[key] = (attempts[key] ?? -1) + 1;
    const scripted = w.errors?.[key]?.[n];
    if (scripted) return scripted;
    const a = call.arguments;
    switch (call.resource) {
      case 'arn:aws:states:::aws-sdk:sagemaker:describeEndpoint': {
        const counts = w.instances?.[Math.min(Math.floor((describes++ + 1) / 2), (w.instances?.length ?? 1) - 1)] ?? { champion: 1, challenger: 1 };
        return { result: {
          EndpointName: a.EndpointName, EndpointArn: `arn:aws:sagemaker:us-east-1:123456789012:endpoint/${a.EndpointName}`, EndpointStatus: 'InService',
          ProductionVariants: Object.entries(counts)
            .map(([VariantName, c]) => ({ VariantName, CurrentInstanceCount: c, DesiredInstanceCount: c, CurrentWeight: 1 })),
        } };
      }
      case 'arn:aws:states:::aws-sdk:applicationautoscaling:describeScalingActivities':
        return { result: { ScalingActivities: [] } };
      case 'arn:aws:states:::aws-sdk:s3:putObject':
        log.reports.push({ Bucket: a.Bucket, Key: a.Key, report: JSON.parse(a.Body) });
        return { result: { ETag: '"etag"' } };
      case 'arn:aws:states:::lambda:invoke': {
        const payload = a.Payload;
        if (payload.results !== undefined) {
          const summary = summarize({ ...payload, activities: payload.activities.flat(2) });
          log.summaries.push(summary);
          return { result: { StatusCode: 200, Payload: summary }, seconds: 2 };
        }
        const e = payload as WorkerEvent;
        const problems = eventProblems(e);
        if (problems.length > 0) throw new Error(`bad worker event: ${problems.join('; ')}`);
        log.workerEvents.push(e);
        if (w.failingWorker && w.failingWorker.phase === e.phase && w.failingWorker.worker === e.worker) {
          return { error: w.failingWorker.error, cause: w.failingWorker.cause, seconds: 5 };
        }
        const ph = w.phases?.[e.phase] ?? {};
        const requests = Math.min(e.maxRequests, Math.round(e.rate * e.seconds));
        const errors = Math.round(requests * (ph.errorShare ?? 0));
        const minute = String(Math.floor(Date.parse('2026-01-05T09:00:00Z') / 60000) * 60);
        return {
          result: { StatusCode: 200, Payload: {
            worker: e.worker, slice: e.slice, requests, errors, errorKinds: errors ? { ModelError: errors } : {},
            histogram: requests - errors > 0 ? { [String(bucketOf(ph.latencyMs ?? 40))]: requests - errors } : {},
            perMinute: { [minute]: requests }, errorsPerMinute: errors ? { [minute]: errors } : {}, saturated: 0, elapsedMs: e.seconds * 1000,
          } },
          seconds: e.seconds,
        };
      }
      default:
        throw new Error(`the load-test world does not answer ${call.resource}`);
    }
  };
  return { tasks, log };
}
