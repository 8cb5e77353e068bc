/**
 * The baseline profile of a DriftMonitor computed at deploy time: the shared baseline-profile function, its grants, and the
 * custom resource that runs it on the dataset. Not exported from the package: DriftMonitor calls it with its own scope, so
 * construct ids stay those of the monitor.
 */
import { CfnCustomResource, Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { BaselineDataset, BaselineProfileLocation, DatasetFormat, DriftMonitorProps } from './drift-monitor-options';
import { DEFAULT_MODEL_PROFILE, grantObjects } from './grants';
import * as perms from './perms';
import { AlarmFactory } from '../private/alarm-factory';
import { HandlerFunction } from '../private/handler-function';

/** The baseline-profile function's memory, in MB (Lambda's MB are MiB). */
export const PROFILE_MEMORY_MB = 3008;

/*
 * What the baseline-profile handler can hold, from its code (lambda/shared/profile.ts, ProfileBuilder; test/drift/bad-input.test.ts
 * pins these figures against the handler's constants):
 * - numeric features: a uniform sample of rows in one Float64Array each (8 bytes a value) within NUMERIC_MEMORY_BUDGET_BYTES
 *   (192 MiB), and the handler refuses a profile whose sample would fall under MIN_SAMPLE_ROWS (10,000) rows:
 *   floor(192 MiB / (8 B x 10,000)) = 2,516 numeric features. More fail the deployment (the custom resource), always.
 * - categorical features: exact counts of at most MAX_DISTINCT_CATEGORIES (5,000) distinct values each, in a Map. Measured on
 *   Node.js 20 (V8 heap after GC, 200 features of 5,000 distinct values): 0.63 MiB per feature at 16-byte values, 1.34 MiB at
 *   64 bytes, 1.97 MiB at 255 bytes. Of the function's 3,008 MiB, less the numeric budget (192 MiB) and 256 MiB set aside for the
 *   runtime, the CSV parser's buffers and the one sorted copy of a column that build() holds at a time, 2 MiB a feature is
 *   floor((3008 - 192 - 256) / 2) = 1,280 categorical features with values up to 255 bytes. Beyond that, values that long may
 *   not fit and shorter ones do: a warning, not an error.
 */
/** Numeric features (the predictions included) the handler profiles at most. */
export const MAX_PROFILED_NUMERIC_FEATURES = Math.floor((192 * 1024 * 1024) / (8 * 10_000));
/** The heap one categorical feature may take at most (5,000 distinct values of up to 255 bytes), in MiB. */
const CATEGORICAL_FEATURE_MIB = 2;
/** The heap the handler needs besides its sketches, in MiB. */
const PROFILE_RESERVE_MIB = 256;
/** Categorical features (the predictions included) whose counts surely fit the function's memory. */
export const MAX_PROFILED_CATEGORICAL_FEATURES = Math.floor((PROFILE_MEMORY_MB - 192 - PROFILE_RESERVE_MIB) / CATEGORICAL_FEATURE_MIB);

/** A feature as the baseline-profile handler reads it: its name, kind, capture index and (optional) baseline column. */
export interface BaselineFeature {
  readonly name: string;
  readonly type: string;
  readonly index: number;
  readonly baselineColumn?: string;
  readonly baselineIndex?: number;
}

/** What `defineBaselineProfile` defines. */
export interface DefinedBaselineProfile {
  readonly function: lambda.IFunction;
  readonly resource: CfnCustomResource;
}

/** The profile of `props.baselineDataset`, written to `profile` when the stack deploys. */
export function defineBaselineProfile(scope: Construct, props: DriftMonitorProps, dataset: BaselineDataset, profile: BaselineProfileLocation,
  baselineFeatures: BaselineFeature[], alarmFactory: AlarmFactory): DefinedBaselineProfile {
  const fn = HandlerFunction.of(scope, {
    handler: 'baseline-profile',
    handlerOptions: props.handlerOptions,
    requestedBy: 'DriftMonitor',
    description: 'cdk-mlops: computes baseline profiles of datasets for drift detection',
    memorySize: PROFILE_MEMORY_MB,
    timeout: Duration.minutes(15),
  });
  fn.routeAlarms(alarmFactory);
  dataset.zone.grantObjectRead(fn.function, dataset.key);
  profile.zone.grantObjectWrite(fn.function, profile.key);
  if (props.baselineFollowsModel) {
    const name = props.baselineFollowsModel.profileName ?? DEFAULT_MODEL_PROFILE;
    grantObjects(fn.function, props.baselineFollowsModel.modelsZone, [`*/${name}`, name], perms.WRITE_OBJECT_ACTIONS, true,
      'writes a model\'s profile next to its artifacts, named by the training job at run time');
  }
  const resource = new CfnCustomResource(scope, 'BaselineProfile', { serviceToken: fn.function.functionArn });
  resource.addOverride('Properties.datasetBucket', dataset.zone.bucket.bucketName);
  resource.addOverride('Properties.datasetKey', dataset.key);
  resource.addOverride('Properties.format', dataset.format ?? DatasetFormat.CSV);
  resource.addOverride('Properties.header', dataset.header ?? false);
  resource.addOverride('Properties.features', baselineFeatures);
  if (dataset.labelIndex !== undefined) resource.addOverride('Properties.labelIndex', dataset.labelIndex);
  if (dataset.labelColumn !== undefined) resource.addOverride('Properties.labelColumn', dataset.labelColumn);
  resource.addOverride('Properties.profileBucket', profile.zone.bucket.bucketName);
  resource.addOverride('Properties.profileKey', profile.key);
  const policy = fn.function.role?.node.tryFindChild('DefaultPolicy');
  if (policy) {
    resource.node.addDependency(policy);
  }
  return { function: fn.function, resource };
}
