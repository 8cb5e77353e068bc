/**
 * The scheduled drift runs of a DriftMonitor: the features as the handlers see them, the shared drift function, its grants,
 * and the schedule that invokes it with the window's event. Not exported from the package: DriftMonitor calls it with its
 * own scope, so construct ids stay those of the monitor.
 */
import { Duration } from 'aws-cdk-lib';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { BaselineProfileLocation, DriftMonitorProps, FeatureType } from './drift-monitor-options';
import { DEFAULT_MODEL_PROFILE, grantFindModelProfiles, grantPutMetrics } from './grants';
import { BaselineFeature } from './private-baseline-profile';
import { DEFAULT_PREDICTION_NAME, predictionEvent } from './prediction-wiring';
import { ResolvedDriftDecision } from './resolve-decision';
import { HandlerFunction } from '../private/handler-function';
import { handlerPrefix } from '../private/lake-prefix';
import { EndpointDataCapture } from '../serving';

export const DRIFT_NAMESPACE = 'cdk-mlops/Drift';

/** A watched feature (an input, or the predictions) as the drift handler reads it. */
export interface WatchedFeature {
  readonly name: string;
  readonly type: FeatureType;
  readonly index: number;
}

/** The watched features, for the drift runs and for the baseline profile. */
export interface WatchedFeatures {
  readonly features: WatchedFeature[];
  readonly baselineFeatures: BaselineFeature[];
}

/** The inputs at their capture index (their position by default), then the predictions when they are watched. */
export function watchedFeatures(props: DriftMonitorProps): WatchedFeatures {
  const prediction = props.predictionDrift;
  const inputs = props.features.map((f, i) => ({ name: f.name, type: f.kind, index: f.index ?? i }));
  // The predictions are profiled like a feature; their capture index (past every input's) is never read from a request.
  const pastInputs = Math.max(...inputs.map((f) => f.index)) + 1;
  const features = prediction
    ? [...inputs, { name: prediction.name ?? DEFAULT_PREDICTION_NAME, type: prediction.kind, index: pastInputs }]
    : inputs;
  const baselineFeatures = [...props.features, ...(prediction ? [prediction] : [])].map((f, i) => ({
    ...features[i],
    ...(f.baselineColumn === undefined ? {} : { baselineColumn: f.baselineColumn }),
    ...(f.baselineIndex === undefined ? {} : { baselineIndex: f.baselineIndex }),
  }));
  return { features, baselineFeatures };
}

/** Where the drift runs read and write, and what they compute. */
export interface DriftRunsContext {
  readonly capture: EndpointDataCapture;
  /** The capture prefix and the report prefix, normalised to end with '/'. */
  readonly captureRoot: string;
  readonly reportPrefix: string;
  readonly baselineProfile: BaselineProfileLocation;
  readonly features: WatchedFeature[];
  readonly windowMinutes: number;
  readonly settlingMinutes: number;
  readonly decision: ResolvedDriftDecision;
  readonly perFeatureMetrics: boolean;
}

/** What `defineDriftRuns` defines. */
export interface DefinedDriftRuns {
  readonly handler: HandlerFunction;
  readonly schedule: scheduler.Schedule;
}

/** The drift function, granted what a run reads and writes, and the schedule that invokes it once per window. */
export function defineDriftRuns(scope: Construct, props: DriftMonitorProps, c: DriftRunsContext): DefinedDriftRuns {
  const endpointName = props.endpoint.endpointName;
  const zone = c.capture.zone;
  const drift = HandlerFunction.of(scope, {
    handler: 'drift',
    handlerOptions: props.handlerOptions,
    requestedBy: 'DriftMonitor',
    description: 'cdk-mlops: drift statistics of captured endpoint traffic against a baseline profile',
    memorySize: 1024,
    timeout: Duration.minutes(15),
  });
  zone.grantRead(drift.function, `${c.captureRoot}${endpointName}/`);
  c.baselineProfile.zone.grantObjectRead(drift.function, c.baselineProfile.key);
  zone.grantWrite(drift.function, `${c.reportPrefix}${endpointName}/`, { allowDelete: false });
  grantPutMetrics(drift.function, DRIFT_NAMESPACE);
  if (props.baselineFollowsModel) {
    grantFindModelProfiles(drift.function, props.endpoint, props.baselineFollowsModel);
  }

  const prediction = props.predictionDrift;
  const event = {
    endpointName,
    captureBucket: zone.bucket.bucketName,
    capturePrefix: handlerPrefix(c.captureRoot),
    baselineBucket: c.baselineProfile.zone.bucket.bucketName,
    baselineKey: c.baselineProfile.key,
    windowMinutes: c.windowMinutes,
    // The schedule's own time, the same on every retry: the window follows it, not the Lambda clock.
    scheduledTime: scheduler.ContextAttribute.scheduledTime.toString(),
    settlingMinutes: c.settlingMinutes,
    features: c.features.map((f) => f.name),
    policy: c.decision.policy,
    reportBucket: zone.bucket.bucketName,
    reportPrefix: handlerPrefix(c.reportPrefix),
    metricNamespace: DRIFT_NAMESPACE,
    perFeatureMetrics: c.perFeatureMetrics,
    ...(prediction ? { prediction: predictionEvent(prediction) } : {}),
    ...(props.baselineFollowsModel ? { modelBaseline: { profileName: props.baselineFollowsModel.profileName ?? DEFAULT_MODEL_PROFILE } } : {}),
  };
  const schedule = new scheduler.Schedule(scope, 'Schedule', {
    description: `cdk-mlops drift of endpoint ${endpointName}`,
    schedule: props.schedule ?? scheduler.ScheduleExpression.rate(Duration.hours(1)),
    target: new schedulerTargets.LambdaInvoke(drift.function, {
      input: scheduler.ScheduleTargetInput.fromObject(event),
      retryAttempts: 2,
      role: drift.schedulerRole,
      deadLetterQueue: drift.deadLetterQueue,
    }),
  });
  return { handler: drift, schedule };
}
