import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { allowCloudWatchLogs, denyGrantsNotForAwsResources } from '../private/kms';

/** A state machine's execution log group, encrypted with its own rotated key; both retained (ids `LogsKey`, `Logs`). */
export function defineLogGroup(scope: Construct, retention: logs.RetentionDays | undefined, description: string): logs.LogGroup {
  const key = new kms.Key(scope, 'LogsKey', {
    description,
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  key.addToResourcePolicy(allowCloudWatchLogs(Stack.of(scope)));
  key.addToResourcePolicy(denyGrantsNotForAwsResources());
  return new logs.LogGroup(scope, 'Logs', { retention: retention ?? logs.RetentionDays.ONE_YEAR, encryptionKey: key, removalPolicy: RemovalPolicy.RETAIN });
}
