/**
 * The drift capability's grants: exact actions from perms.ts on the narrowest resources, wildcards acknowledged with
 * their reason (not exported from the library).
 */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ModelBaseline } from './model-baseline';
import * as perms from './perms';
import { ILakeZone } from '../data-lake';
import { acknowledgeWildcardResources } from '../private/nag';
import { IModelEndpoint } from '../serving';
import { kmsThroughS3 } from '../private/s3-grants';

/** The file name of a model's profile next to its artifacts (lambda/shared/model-profile.ts). */
export const DEFAULT_MODEL_PROFILE = 'baseline-profile.json';

/** s3:ListBucket on the zone's bucket, only for keys under `prefix`. */
export function grantList(fn: lambda.IFunction, zone: ILakeZone, prefix: string): void {
  fn.addToRolePolicy(new iam.PolicyStatement({
    actions: perms.LIST_ACTIONS,
    resources: [zone.bucket.bucketArn],
    conditions: { StringLike: { 's3:prefix': [`${prefix}*`] } },
  }));
}

/** Exact object actions on keys or key patterns of a zone, with the zone key's KMS actions; acknowledges the patterns. */
export function grantObjects(fn: lambda.IFunction, zone: ILakeZone, keys: string[], actions: string[], write: boolean, why: string): void {
  const arns = keys.map((k) => zone.bucket.arnForObjects(k));
  fn.addToRolePolicy(new iam.PolicyStatement({ actions, resources: arns }));
  const key = zone.encryptionKey ?? zone.bucket.encryptionKey;
  if (key) {
    // Like the zone grants: the key only when S3 calls KMS for these objects of this bucket (lib/private/s3-grants.ts).
    for (const k of keys) {
      fn.addToRolePolicy(new iam.PolicyStatement({
        actions: write ? perms.KMS_ENCRYPT_ACTIONS : perms.KMS_DECRYPT_ACTIONS,
        resources: [key.keyArn],
        conditions: kmsThroughS3(zone.bucket, k),
      }));
    }
  }
  const patterns = arns.filter((_, i) => keys[i].endsWith('*'));
  const policy = fn.role?.node.tryFindChild('DefaultPolicy');
  if (policy && patterns.length > 0) {
    acknowledgeWildcardResources(policy, patterns, `The function ${why}: ${actions.join(', ')} only, under this prefix.`);
  }
}

/**
 * What the drift function needs to find the model each variant serves and read its profile: DescribeEndpoint on the
 * endpoint, DescribeEndpointConfig and DescribeModel on any configuration and model (CloudFormation names both at each
 * deployment), GetObject on the profile name in the models zone only.
 */
export function grantFindModelProfiles(fn: lambda.IFunction, endpoint: IModelEndpoint, m: ModelBaseline): void {
  const stack = Stack.of(fn);
  const configs = stack.formatArn({ service: 'sagemaker', resource: 'endpoint-config', resourceName: '*' });
  const models = stack.formatArn({ service: 'sagemaker', resource: 'model', resourceName: '*' });
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: perms.DESCRIBE_ENDPOINT_ACTIONS, resources: [endpoint.endpointArn] }));
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: perms.DESCRIBE_ENDPOINT_CONFIG_ACTIONS, resources: [configs] }));
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: perms.DESCRIBE_MODEL_ACTIONS, resources: [models] }));
  const policy = fn.role?.node.tryFindChild('DefaultPolicy');
  if (policy) {
    acknowledgeWildcardResources(policy, [configs, models], 'sagemaker:DescribeEndpointConfig and sagemaker:DescribeModel only (read): '
      + 'CloudFormation names the configuration and the models at each deployment, so their names are not known when the policy is written.');
  }
  const name = m.profileName ?? DEFAULT_MODEL_PROFILE;
  grantObjects(fn, m.modelsZone, [`*/${name}`, name], perms.READ_OBJECT_ACTIONS, false,
    'reads the profile next to the artifacts of the model a variant serves, found at run time');
}

export function grantPutMetrics(fn: lambda.IFunction, namespace: string): void {
  fn.addToRolePolicy(new iam.PolicyStatement({
    actions: perms.PUT_METRIC_ACTIONS,
    resources: ['*'],
    conditions: { StringEquals: { 'cloudwatch:namespace': namespace } },
  }));
  const policy = fn.role?.node.tryFindChild('DefaultPolicy');
  if (policy) {
    acknowledgeWildcardResources(policy, ['*'], 'cloudwatch:PutMetricData has no resource-level permissions; a condition limits it '
      + 'to the cdk-mlops namespaces.');
  }
}
