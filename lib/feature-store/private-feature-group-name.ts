import { createHash } from 'crypto';
import { Lazy, Names, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/*
 * The derived name of a feature group. CloudFormation cannot replace a resource with a custom name, and every
 * AWS::SageMaker::FeatureGroup has one (FeatureGroupName is required). So the derived name carries a hash of the properties whose
 * change requires replacement, as the CloudFormation reference lists them
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sagemaker-featuregroup.html and its
 * OnlineStoreConfig, OnlineStoreSecurityConfig, OfflineStoreConfig, S3StorageConfig, DataCatalogConfig subpages):
 * RecordIdentifierFeatureName, EventTimeFeatureName, Description, RoleArn, Tags, the whole OfflineStoreConfig, and
 * OnlineStoreConfig's EnableOnlineStore, StorageType and SecurityConfig. A change to one of them is a new name, which CloudFormation
 * can replace; the old group is retained (UpdateReplacePolicy). FeatureDefinitions, TtlDuration and ThroughputConfig update in
 * place ("No interruption") and stay out of the hash, so that adding a feature or changing the TTL or the throughput keeps the group
 * and its records.
 */

/** The longest feature group name (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateFeatureGroup.html). */
const MAX_GROUP_NAME = 64;
/** Hex digits of the settings hash. */
export const SETTINGS_HASH_LENGTH = 8;

/** The part of a derived name that comes from the construct path: lowercase letters, digits and hyphens, room left for the hash. */
export function groupNameBase(scope: IConstruct): string {
  return Names.uniqueResourceName(scope, { maxLength: MAX_GROUP_NAME - SETTINGS_HASH_LENGTH - 1, separator: '-' }).toLowerCase();
}

/**
 * The hash of the replacement-forcing settings, rendered when the template is: `settings()` returns them as the template has them
 * (tokens included, and the tags that `Tags.of()` adds after the group is defined), resolved here, so that the hash is of
 * `{ "Ref": "LakeFeatures..." }`, stable from one synthesis to the next, never of a token's placeholder text.
 */
export function settingsHashToken(scope: IConstruct, settings: () => unknown): string {
  return Lazy.uncachedString({ produce: () => settingsHash(Stack.of(scope).resolve(settings())) });
}

/** The first hex digits of the SHA-256 of the canonical JSON of resolved settings. */
export function settingsHash(resolved: unknown): string {
  return createHash('sha256').update(canonicalJson(resolved)).digest('hex').slice(0, SETTINGS_HASH_LENGTH);
}

/** JSON with the keys of every object sorted and undefined values left out: equal settings, equal text. */
export function canonicalJson(value: unknown): string {
  if (value === undefined || value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
