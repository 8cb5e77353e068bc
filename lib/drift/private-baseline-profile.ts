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
    memorySize: 3008,
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
