import { IConstruct } from 'constructs';
import { FeatureDefinition, FeatureGroupThroughput, OfflineStoreOptions, OfflineTableFormat, OnlineStoreOptions, OnlineStoreTier } from './feature-group-options';
import { normalizePrefix } from '../private/lake-prefix';
import { InputErrors, checkArray, checkDuration, checkWholeNumber, describe, isToken } from '../private/validation';

/*
 * The rules of CreateFeatureGroup that CloudFormation would only report at deploy time. Sources:
 * - names of features and groups, reserved names, the 2,500 features: https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_FeatureDefinition.html,
 *   https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateFeatureGroup.html,
 *   https://docs.aws.amazon.com/sagemaker/latest/dg/feature-store-quotas.html
 * - the event time is a String (ISO-8601) or a Fractional (Unix seconds), and a String for an Iceberg offline store:
 *   https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateFeatureGroup.html#sagemaker-CreateFeatureGroup-request-EventTimeFeatureName,
 *   https://docs.aws.amazon.com/sagemaker/latest/dg/feature-store-create-feature-group.html
 * - TTL is a property of the online store, at least 1 of Seconds, Minutes, Hours, Days or Weeks:
 *   https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_TtlDuration.html
 * - PROVISIONED throughput only for offline-only groups and the Standard tier, 0-10,000,000 units; read units only with an
 *   online store: https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ThroughputConfig.html
 */

/** The longest feature and group names. */
export const MAX_NAME_LENGTH = 64;
/** The most features of a group. */
export const MAX_FEATURES = 2500;
/** Names Feature Store reserves for the columns it adds to the offline store. */
export const RESERVED_FEATURE_NAMES = ['is_deleted', 'write_time', 'api_invocation_time'];
const FEATURE_NAME = /^[a-zA-Z0-9]([-_]*[a-zA-Z0-9]){0,63}$/;
const FEATURE_NAME_RULE = `1-${MAX_NAME_LENGTH} letters, digits, hyphens and underscores, starting and ending with a letter or digit`;
const GROUP_NAME = /^[a-z0-9]([-_]*[a-z0-9]){0,63}$/;
const GROUP_NAME_RULE = `1-${MAX_NAME_LENGTH} lowercase letters, digits, hyphens and underscores, starting and ending with a letter or digit `
  + '(lowercase, so that the feature group ARN granted in IAM policies matches the one SageMaker authorizes)';
const TABLE_NAME = /^[a-z0-9_]{1,255}$/;
const MAX_UNITS = 10_000_000;

/** What the props of a feature group resolve to once checked. */
export interface CheckedFeatureGroup {
  readonly online: boolean;
  readonly tier?: OnlineStoreTier;
  /** The TTL in the largest whole unit Feature Store accepts. */
  readonly ttl?: { unit: string; value: number };
  readonly offlinePrefix?: string;
}

/** The props the checks read (those of `FeatureGroupProps`). */
export interface FeatureGroupInput {
  readonly featureGroupName: string;
  readonly features: FeatureDefinition[];
  readonly recordIdentifier: string;
  readonly eventTime: string;
  readonly onlineStore?: OnlineStoreOptions;
  readonly offlineStore?: OfflineStoreOptions;
  readonly throughput?: FeatureGroupThroughput;
  readonly description?: string;
}

/** Checks every prop of a feature group and throws once, naming each problem. */
export function checkFeatureGroup(scope: IConstruct, p: FeatureGroupInput, defaultPrefix: string): CheckedFeatureGroup {
  const errors = new InputErrors(scope, 'FeatureGroup');
  if (!isToken(p.featureGroupName)) {
    errors.check(GROUP_NAME.test(p.featureGroupName), 'featureGroupName', p.featureGroupName, GROUP_NAME_RULE);
  }
  if (p.description !== undefined && !isToken(p.description)) {
    errors.check(p.description.length <= 128, 'description', `${p.description.length} characters`, 'at most 128 characters');
  }
  const types = checkFeatures(errors, p.features);
  checkKeyFeature(errors, 'recordIdentifier', p.recordIdentifier, types);
  checkKeyFeature(errors, 'eventTime', p.eventTime, types);
  const eventType = types.get(p.eventTime);
  if (eventType !== undefined && !isToken(eventType) && !['String', 'Fractional'].includes(eventType)) {
    errors.add(`features['${p.eventTime}'].featureType`, eventType, 'FeatureValueType.STRING (ISO-8601 times) or FeatureValueType.FRACTIONAL '
      + '(Unix seconds), the types Feature Store accepts for the event-time feature');
  } else if (eventType === 'Fractional' && p.offlineStore?.tableFormat === OfflineTableFormat.ICEBERG) {
    errors.add(`features['${p.eventTime}'].featureType`, eventType, 'FeatureValueType.STRING with an Iceberg offline store (Feature Store requires '
      + 'a String event time for the Iceberg table format)');
  }

  const online = p.onlineStore?.enabled ?? true;
  const ttl = checkOnlineStore(errors, p.onlineStore, online);
  if (!online && p.offlineStore === undefined) {
    errors.addMessage('a feature group needs an online store, an offline store or both, but onlineStore.enabled is false and no offlineStore is given');
  }
  checkThroughput(errors, p.throughput, online, p.onlineStore?.tier);
  const offlinePrefix = p.offlineStore ? checkOfflineStore(errors, p.offlineStore, defaultPrefix) : undefined;
  errors.throwIfAny();
  return { online, tier: online ? p.onlineStore?.tier : undefined, ttl, offlinePrefix };
}

/** Checks the feature definitions; returns the type name of each feature by name. */
function checkFeatures(errors: InputErrors, features: FeatureDefinition[]): Map<string, string> {
  const types = new Map<string, string>();
  if (!checkArray(errors, 'features', features, 'a list of { name, featureType }')) {
    return types;
  }
  if (features.length === 0 || features.length > MAX_FEATURES) {
    errors.add('features', `${features.length} features`, `1 to ${MAX_FEATURES} features (the Feature Store quota of feature definitions per group)`);
  }
  const seen = new Set<string>();
  features.forEach((f, i) => {
    const name = f?.name;
    if (typeof name !== 'string') {
      errors.add(`features[${i}].name`, name, FEATURE_NAME_RULE);
    } else if (!isToken(name)) {
      if (name.length > MAX_NAME_LENGTH || !FEATURE_NAME.test(name)) {
        errors.add(`features[${i}].name`, name, FEATURE_NAME_RULE);
      } else if (RESERVED_FEATURE_NAMES.includes(name.toLowerCase())) {
        errors.add(`features[${i}].name`, name, `a name other than ${describe(RESERVED_FEATURE_NAMES)}, which Feature Store reserves`);
      } else if (seen.has(name)) {
        errors.add(`features[${i}].name`, name, 'unique, but it is listed twice');
      }
      seen.add(name);
    }
    const typeName = (f?.featureType as { name?: unknown } | undefined)?.name;
    if (typeof typeName !== 'string') {
      errors.add(`features[${i}].featureType`, f?.featureType, 'a FeatureValueType: FeatureValueType.STRING, FeatureValueType.INTEGRAL or FeatureValueType.FRACTIONAL');
    } else if (typeof name === 'string') {
      types.set(name, typeName);
    }
  });
  return types;
}

function checkKeyFeature(errors: InputErrors, prop: string, value: string, types: Map<string, string>): void {
  if (typeof value !== 'string') {
    errors.add(prop, value, 'the name of one of the features');
  } else if (!isToken(value) && !types.has(value)) {
    errors.add(prop, value, `the name of one of the features ${describe([...types.keys()].slice(0, 10))}`);
  }
}

function checkOnlineStore(errors: InputErrors, o: OnlineStoreOptions | undefined, online: boolean): { unit: string; value: number } | undefined {
  if (o === undefined) {
    return undefined;
  }
  if (!online) {
    if (o.ttl !== undefined) {
      errors.add('onlineStore.ttl', o.ttl, 'no TTL on an offline-only group (onlineStore.enabled is false): the TTL expires records of the online store');
    }
    if (o.tier !== undefined) {
      errors.add('onlineStore.tier', o.tier, 'no tier on an offline-only group (onlineStore.enabled is false)');
    }
    if (o.encryptionKey !== undefined) {
      errors.add('onlineStore.encryptionKey', o.encryptionKey, 'no key on an offline-only group (onlineStore.enabled is false)');
    }
    return undefined;
  }
  if (o.tier !== undefined && !Object.values(OnlineStoreTier).includes(o.tier)) {
    errors.add('onlineStore.tier', o.tier, `one of ${describe(Object.values(OnlineStoreTier))}`);
  }
  const seconds = checkDuration(errors, 'onlineStore.ttl', o.ttl, { unit: 'seconds', min: 1 });
  if (o.ttl !== undefined && o.ttl.isUnresolved()) {
    return { unit: 'Seconds', value: o.ttl.toSeconds() };
  }
  return seconds === undefined ? undefined : ttlUnit(seconds);
}

/** A TTL in the largest unit of Feature Store that divides it: `Duration.days(14)` is 2 Weeks, `Duration.hours(36)` 36 Hours. */
export function ttlUnit(seconds: number): { unit: string; value: number } {
  const units: [string, number][] = [['Weeks', 604800], ['Days', 86400], ['Hours', 3600], ['Minutes', 60]];
  for (const [unit, size] of units) {
    if (seconds % size === 0) {
      return { unit, value: seconds / size };
    }
  }
  return { unit: 'Seconds', value: seconds };
}

function checkThroughput(errors: InputErrors, t: FeatureGroupThroughput | undefined, online: boolean, tier: OnlineStoreTier | undefined): void {
  if (t === undefined || t.mode !== 'Provisioned') {
    return;
  }
  if (online && tier === OnlineStoreTier.IN_MEMORY) {
    errors.add('throughput', 'provisioned', 'FeatureGroupThroughput.onDemand() with an InMemory online store (provisioned throughput is only '
      + 'for offline-only groups and the Standard tier)');
  }
  if (t.writeCapacityUnits === undefined || t.writeCapacityUnits === null) {
    errors.add('throughput.writeCapacityUnits', t.writeCapacityUnits, `a whole number from 0 to ${MAX_UNITS}`);
  }
  checkWholeNumber(errors, 'throughput.writeCapacityUnits', t.writeCapacityUnits, { min: 0, max: MAX_UNITS });
  if (t.readCapacityUnits !== undefined && !online) {
    errors.add('throughput.readCapacityUnits', t.readCapacityUnits, 'no read capacity on an offline-only group (reads are of the online store)');
  } else {
    checkWholeNumber(errors, 'throughput.readCapacityUnits', t.readCapacityUnits, { min: 0, max: MAX_UNITS });
  }
}

function checkOfflineStore(errors: InputErrors, o: OfflineStoreOptions, defaultPrefix: string): string | undefined {
  const lake = o.lake;
  if (lake === undefined || lake === null) {
    errors.add('offlineStore.lake', lake, 'an IDataLake');
    return undefined;
  }
  const zone = o.zone ?? 'features';
  if (!lake.zoneNames.includes(zone)) {
    errors.add('offlineStore.zone', zone, `one of the lake's zones ${describe(lake.zoneNames)}`);
  }
  if (lake.databaseName === undefined) {
    errors.addMessage('offlineStore.lake has no Glue database: the offline store\'s table is defined in the lake\'s database');
  }
  if (o.tableName !== undefined && !isToken(o.tableName)) {
    errors.check(TABLE_NAME.test(o.tableName), 'offlineStore.tableName', o.tableName, '1-255 lowercase letters, digits and underscores');
  }
  if (o.tableFormat !== undefined && !Object.values(OfflineTableFormat).includes(o.tableFormat)) {
    errors.add('offlineStore.tableFormat', o.tableFormat, `one of ${describe(Object.values(OfflineTableFormat))}`);
  }
  const before = errors.count;
  const prefix = normalizePrefix(errors, 'offlineStore.prefix', o.prefix ?? defaultPrefix);
  if (errors.count === before && prefix === '') {
    errors.add('offlineStore.prefix', o.prefix, "a folder of the zone, e.g. 'feature-store/churn/' (not the zone's root)");
  }
  return prefix;
}
