import { Aws, Duration, FeatureFlags, Lazy, Names, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { Construct, IConstruct } from 'constructs';
import { ILakeZone } from './lake-zone';
import { LakeZoneView } from './private-lake-zone-view';
import { denyGrantsNotForAwsResources } from '../private/kms';
import { acknowledgeSharedRule } from '../private/nag';
import { InputErrors, describe, isToken, requireProps, wholeDays } from '../private/validation';

/**
 * A data lake, defined in this app or imported.
 */
export interface IDataLake extends IConstruct {
  /** The names of the lake's zones, in order. */
  readonly zoneNames: string[];

  /** The customer-managed key of the lake, if it has one. */
  readonly encryptionKey?: kms.IKey;

  /** The name of the lake's Glue database, if it has one. */
  readonly databaseName?: string;

  /**
   * A zone of the lake by name.
   *
   * @throws if the lake has no such zone
   */
  zone(name: string): ILakeZone;
}

/**
 * Removal behaviour of the lake's stateful resources.
 */
export enum LakeRemovalPolicy {
  /** Buckets, key and catalog stay when the stack or the lake is deleted (the default). */
  RETAIN = 'RETAIN',

  /**
   * For dev stacks only: deleting the stack empties and deletes the buckets and schedules the key for deletion.
   * Not allowed together with Object Lock.
   */
  DESTROY = 'DESTROY',
}

/**
 * Properties of a `DataLake`.
 */
export interface DataLakeProps {
  /**
   * The zones of the lake, one bucket each. Zone names are 1-20 lowercase letters, digits and hyphens,
   * starting with a letter. The zones `raw` and `curated` tier to Intelligent-Tiering, `models` never expires
   * current objects and `monitoring` expires captures after `monitoringRetention`.
   *
   * @default ['raw', 'curated', 'features', 'models', 'monitoring']
   */
  readonly zones?: string[];

  /**
   * A key to encrypt every zone with.
   *
   * @default - a customer-managed key is defined, rotated yearly and retained
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * A prefix for the bucket names: each zone's bucket is named `<prefix>-<zone>` and the access-log bucket
   * `<prefix>-access-logs`. S3 bucket names are global: include your account and region in the prefix.
   *
   * @default - CloudFormation generates unique names
   */
  readonly bucketNamePrefix?: string;

  /**
   * How long noncurrent object versions are kept in every zone before they expire.
   *
   * @default Duration.days(90)
   */
  readonly noncurrentVersionRetention?: Duration;

  /**
   * How long objects in the `monitoring` zone (captured inference data, ground truth, reports) are kept. They expire after
   * this time, and their expired versions are removed one day later (not after `noncurrentVersionRetention`), so that captured
   * payloads are gone `monitoringRetention` + 1 day after they were written, plus the delay of S3's asynchronous lifecycle.
   * Keep baselines elsewhere (a drift monitor refuses a baseline profile in a zone that expires).
   *
   * @default Duration.days(90)
   */
  readonly monitoringRetention?: Duration;

  /**
   * After how long objects in the `raw` and `curated` zones move to S3 Intelligent-Tiering.
   *
   * @default Duration.days(0) - at once
   */
  readonly intelligentTieringAfter?: Duration;

  /**
   * How long server access logs are kept.
   *
   * @default Duration.days(365)
   */
  readonly accessLogRetention?: Duration;

  /**
   * Object Lock in governance mode on the `raw` zone, with this default retention. Object Lock cannot be turned off once on.
   *
   * On a lake defined with it, the raw bucket is defined with Object Lock. To turn it on for a lake that is already deployed
   * without it, also set `rawObjectLockOnExistingBucket`: the existing bucket is then locked in place (S3 allows it on a
   * versioned bucket) instead of being replaced by a new, empty one.
   *
   * @default - no Object Lock
   */
  readonly rawObjectLockRetention?: Duration;

  /**
   * Turn Object Lock on for a raw bucket that already exists (`rawObjectLockRetention` added to a deployed lake): only the
   * bucket's Object Lock configuration is set, an in-place update, never the create-only `ObjectLockEnabled` property that
   * would replace the bucket. Keep it set for as long as the lake exists; never set it on a lake whose raw bucket was defined
   * with Object Lock (that would replace it too).
   *
   * @default false
   */
  readonly rawObjectLockOnExistingBucket?: boolean;

  /**
   * What happens to the buckets, key and catalog when they are removed from the stack.
   *
   * @default LakeRemovalPolicy.RETAIN
   */
  readonly removalPolicy?: LakeRemovalPolicy;

  /**
   * The name of the lake's Glue database: 1-255 lowercase letters, digits and underscores.
   *
   * @default - derived from the construct path
   */
  readonly databaseName?: string;

  /**
   * The name of the lake's Athena workgroup: 1-128 letters, digits, `.`, `-` and `_`.
   *
   * @default - derived from the construct path
   */
  readonly workGroupName?: string;

  /**
   * The zone that holds Athena query results, under `athena-results/`.
   *
   * @default 'curated', else the first zone
   */
  readonly queryResultsZone?: string;

  /**
   * How long Athena query results are kept. They expire after this time and their expired versions are removed one day later.
   *
   * @default Duration.days(30)
   */
  readonly queryResultsRetention?: Duration;
}

/**
 * Attributes of a lake defined elsewhere.
 */
export interface DataLakeAttributes {
  /** The bucket name of each zone, by zone name. */
  readonly zoneBucketNames: { [zone: string]: string };

  /**
   * The key that encrypts the zones.
   *
   * @default - the zones are not encrypted with a customer-managed key that grants must cover
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * The name of the lake's Glue database.
   *
   * @default - none
   */
  readonly databaseName?: string;
}

const DEFAULT_ZONES = ['raw', 'curated', 'features', 'models', 'monitoring'];
const TIERED_ZONES = ['raw', 'curated'];
const ZONE_NAME = /^[a-z][a-z0-9-]{0,19}$/;
const MAX_ZONES = 20;
const QUERY_RESULTS_PREFIX = 'athena-results/';

/**
 * A zoned data lake: one encrypted, versioned, private bucket per zone, server access logs in a dedicated
 * bucket, lifecycle tiers, a Glue database and an Athena workgroup.
 *
 * @example
 * const lake = new DataLake(this, 'Lake');
 * lake.zone('raw').grantRead(role, 'datasets/');
 */
export class DataLake extends Construct implements IDataLake {
  /** The default zones of a lake. */
  public static readonly DEFAULT_ZONES: string[] = [...DEFAULT_ZONES];

  /**
   * Imports a lake defined in another app from its bucket names.
   */
  public static fromAttributes(scope: Construct, id: string, attrs: DataLakeAttributes): IDataLake {
    return new ImportedDataLake(scope, id, attrs);
  }

  public readonly zoneNames: string[];
  /** The customer managed key of every zone (always set on a lake defined here; optional in `IDataLake` for imported lakes). */
  public readonly encryptionKey?: kms.IKey;
  /** The bucket that receives the zones' server access logs. */
  public readonly accessLogsBucket: s3.Bucket;
  /** The lake's Glue database. */
  public readonly database: glue.CfnDatabase;
  /** The name of the lake's Glue database (always set on a lake defined here; optional in `IDataLake` for imported lakes). */
  public readonly databaseName?: string;
  /** The lake's Athena workgroup, whose query results are encrypted in the lake. */
  public readonly workGroup: athena.CfnWorkGroup;
  private readonly zones = new Map<string, LakeZoneView>();

  constructor(scope: Construct, id: string, props: DataLakeProps = {}) {
    super(scope, id);
    // Access logs are delivered by bucket policy, never by the LogDeliveryWrite ACL, which a bucket that enforces bucket-owner
    // ownership (ACLs off, as every lake bucket) refuses: S3 recommends the policy
    // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html#grant-log-delivery-permissions-general).
    // Without this flag in the app (a bare `new App()`), CDK would use the ACL and synth would fail on objectOwnership.
    if (!FeatureFlags.of(this).isEnabled(cxapi.S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY)) {
      this.node.setContext(cxapi.S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);
    }
    requireProps(this, 'DataLake', props, {}, { zones: "a list of zone names, e.g. ['raw', 'curated']" });

    const errors = new InputErrors(this, 'DataLake');
    const zoneNames = props.zones ?? DEFAULT_ZONES;
    validateZones(errors, zoneNames);
    const prefix = props.bucketNamePrefix;
    if (prefix !== undefined && !isToken(prefix)) {
      validateBucketNamePrefix(errors, prefix, zoneNames);
    }
    const noncurrentDays = wholeDays(errors, 'noncurrentVersionRetention', props.noncurrentVersionRetention, 1, 36500) ?? 90;
    const monitoringDays = wholeDays(errors, 'monitoringRetention', props.monitoringRetention, 1, 36500) ?? 90;
    const tieringDays = wholeDays(errors, 'intelligentTieringAfter', props.intelligentTieringAfter, 0, 36500) ?? 0;
    const accessLogDays = wholeDays(errors, 'accessLogRetention', props.accessLogRetention, 1, 36500) ?? 365;
    const lockDays = wholeDays(errors, 'rawObjectLockRetention', props.rawObjectLockRetention, 1, 36500);
    const resultsDays = wholeDays(errors, 'queryResultsRetention', props.queryResultsRetention, 1, 36500) ?? 30;
    if (props.rawObjectLockOnExistingBucket && props.rawObjectLockRetention === undefined) {
      errors.addMessage('rawObjectLockOnExistingBucket is set without rawObjectLockRetention: Object Lock cannot be turned off once on, '
        + 'and removing it from the template would replace the raw bucket; keep rawObjectLockRetention');
    }
    if (props.rawObjectLockRetention !== undefined && !zoneNames.includes('raw')) {
      errors.addMessage(`rawObjectLockRetention needs a 'raw' zone, but zones are ${describe(zoneNames)}`);
    }
    const destroy = props.removalPolicy === LakeRemovalPolicy.DESTROY;
    if (destroy && props.rawObjectLockRetention !== undefined) {
      errors.addMessage('removalPolicy DESTROY cannot empty an Object Lock bucket: remove rawObjectLockRetention or keep RETAIN');
    }
    const resultsZone = props.queryResultsZone ?? (zoneNames.includes('curated') ? 'curated' : zoneNames[0]);
    if (props.queryResultsZone !== undefined && !zoneNames.includes(props.queryResultsZone)) {
      errors.add('queryResultsZone', props.queryResultsZone, `one of the zones ${describe(zoneNames)}`);
    }
    if (props.databaseName !== undefined && !isToken(props.databaseName) && !/^[a-z0-9_]{1,255}$/.test(props.databaseName)) {
      errors.add('databaseName', props.databaseName, '1-255 lowercase letters, digits and underscores');
    }
    if (props.workGroupName !== undefined && !isToken(props.workGroupName) && !/^[a-zA-Z0-9._-]{1,128}$/.test(props.workGroupName)) {
      errors.add('workGroupName', props.workGroupName, '1-128 letters, digits, periods, hyphens and underscores');
    }
    errors.throwIfAny();

    const removalPolicy = destroy ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    this.zoneNames = [...zoneNames];

    this.encryptionKey = props.encryptionKey ?? this.defineKey(removalPolicy);

    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogs', {
      bucketName: prefix ? `${prefix}-access-logs` : undefined,
      // S3 server access logging delivers only to buckets encrypted with SSE-S3.
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      lifecycleRules: [{
        id: 'expire-access-logs',
        expiration: Duration.days(accessLogDays),
        noncurrentVersionExpiration: Duration.days(1),
        abortIncompleteMultipartUploadAfter: Duration.days(1),
      }],
      removalPolicy,
      autoDeleteObjects: destroy,
    });
    enableEventBridge(this.accessLogsBucket);
    Validations.of(this.accessLogsBucket).acknowledge(
      { id: 'cdk-validator-cfnguard::s3_bucket_logging_enabled_check', reason: 'This is the access-log bucket of the lake; logging it into itself would loop.' },
      {
        id: 'cdk-validator-cfnguard::s3_bucket_default_encryption_kms_check',
        reason: SSE_S3_REASON,
      },
      { id: 'cdk-validator-cfnguard::s3_bucket_object_lock_enabled_check', reason: OBJECT_LOCK_REASON },
    );
    acknowledgeSharedRule(this.accessLogsBucket, 'S3DefaultEncryptionKMS', SSE_S3_REASON);
    acknowledgeSharedRule(this.accessLogsBucket, 'S3BucketReplicationEnabled', REPLICATION_REASON);

    for (const zoneName of zoneNames) {
      const bucket = this.defineZoneBucket(zoneName, {
        prefix,
        removalPolicy,
        noncurrentDays,
        tiering: TIERED_ZONES.includes(zoneName) ? tieringDays : undefined,
        expireDays: zoneName === 'monitoring' ? monitoringDays : undefined,
        resultsDays: zoneName === resultsZone ? resultsDays : undefined,
        lockDays: zoneName === 'raw' ? lockDays : undefined,
        lockOnExisting: props.rawObjectLockOnExistingBucket ?? false,
      });
      const expiry = zoneName === 'monitoring' ? Duration.days(monitoringDays) : undefined;
      this.zones.set(zoneName, new LakeZoneView(zoneName, bucket, this.encryptionKey, expiry));
    }

    if (destroy) {
      // The CDK's auto-delete provider is one Lambda per stack, defined by the first bucket that asks for it.
      const provider = Stack.of(this).node.tryFindChild('Custom::S3AutoDeleteObjectsCustomResourceProvider');
      if (provider) {
        Validations.of(provider).acknowledge({
          id: 'cdk-validator-cfnguard::lambda_inside_vpc_check',
          reason: 'The CDK auto-delete handler of a dev lake (removalPolicy DESTROY) only calls the S3 API on stack deletion; '
            + 'a VPC would add NAT cost and no protection.',
        });
      }
    }

    this.databaseName = props.databaseName ?? catalogName(this);
    this.database = new glue.CfnDatabase(this, 'Database', {
      catalogId: Aws.ACCOUNT_ID,
      databaseInput: {
        name: this.databaseName,
        description: `Tables of the data lake ${this.node.path}`,
      },
    });
    this.database.applyRemovalPolicy(removalPolicy);

    const results = this.zones.get(resultsZone)!;
    this.workGroup = new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: props.workGroupName ?? Names.uniqueResourceName(this, { maxLength: 128, separator: '-' }),
      description: `Queries over the data lake ${this.node.path}`,
      // Deleting a used workgroup needs the recursive option; only a destroyable lake deletes it.
      recursiveDeleteOption: destroy,
      state: 'ENABLED',
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        resultConfiguration: {
          outputLocation: results.s3Uri(QUERY_RESULTS_PREFIX),
          encryptionConfiguration: {
            encryptionOption: 'SSE_KMS',
            kmsKey: this.encryptionKey.keyArn,
          },
        },
      },
    });
    this.workGroup.applyRemovalPolicy(removalPolicy);
  }

  public zone(name: string): ILakeZone {
    const zone = this.zones.get(name);
    if (!zone) {
      throw new Error(`DataLake ${this.node.path}: no zone '${name}'; the zones are ${describe(this.zoneNames)}`);
    }
    return zone;
  }

  private defineKey(removalPolicy: RemovalPolicy): kms.Key {
    const key = new kms.Key(this, 'Key', {
      description: `Encrypts the data lake ${this.node.path}`,
      enableKeyRotation: true,
      removalPolicy,
      pendingWindow: Duration.days(30),
    });
    // Grants on the lake's key are for AWS services acting for a principal (SageMaker, Athena, Glue), never direct.
    key.addToResourcePolicy(denyGrantsNotForAwsResources());
    return key;
  }

  private defineZoneBucket(zoneName: string, opts: ZoneBucketOptions): s3.Bucket {
    const lifecycleRules: s3.LifecycleRule[] = [{
      id: 'expire-noncurrent-versions',
      noncurrentVersionExpiration: Duration.days(opts.noncurrentDays),
      abortIncompleteMultipartUploadAfter: Duration.days(7),
    }];
    if (opts.tiering !== undefined) {
      lifecycleRules.push({
        id: 'intelligent-tiering',
        transitions: [{ storageClass: s3.StorageClass.INTELLIGENT_TIERING, transitionAfter: Duration.days(opts.tiering) }],
      });
    }
    // In a versioned bucket an expiration only makes the object noncurrent: the shorter noncurrent expiration of these rules wins
    // over 'expire-noncurrent-versions' (https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-conflicts.html).
    if (opts.expireDays !== undefined) {
      lifecycleRules.push({ id: 'expire-captures', expiration: Duration.days(opts.expireDays), noncurrentVersionExpiration: Duration.days(1) });
    }
    if (opts.resultsDays !== undefined) {
      lifecycleRules.push({
        id: 'expire-query-results',
        prefix: QUERY_RESULTS_PREFIX,
        expiration: Duration.days(opts.resultsDays),
        noncurrentVersionExpiration: Duration.days(1),
      });
    }

    const bucket = new s3.Bucket(this, zoneName, {
      bucketName: opts.prefix ? `${opts.prefix}-${zoneName}` : undefined,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.encryptionKey,
      bucketKeyEnabled: true,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: `${zoneName}/`,
      lifecycleRules,
      objectLockEnabled: opts.lockDays !== undefined && !opts.lockOnExisting ? true : undefined,
      objectLockDefaultRetention: opts.lockDays !== undefined
        ? s3.ObjectLockRetention.governance(Duration.days(opts.lockDays))
        : undefined,
      removalPolicy: opts.removalPolicy,
      autoDeleteObjects: opts.removalPolicy === RemovalPolicy.DESTROY,
    });
    if (opts.lockDays !== undefined && opts.lockOnExisting) {
      // ObjectLockEnabled is create-only (changing it replaces the bucket); ObjectLockConfiguration updates in place and, with
      // ObjectLockEnabled 'Enabled' in it, turns Object Lock on for the existing versioned bucket
      // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-configure.html#object-lock-configure-existing-bucket).
      (bucket.node.defaultChild as s3.CfnBucket).objectLockEnabled = undefined;
      Validations.of(bucket).acknowledge({
        id: 'cdk-validator-cfnguard::s3_bucket_object_lock_enabled_check',
        reason: 'Object Lock is on: it is enabled on the existing bucket through ObjectLockConfiguration (ObjectLockEnabled: Enabled, '
          + 'default retention set), not through the create-only top-level property, which would replace the bucket.',
      });
    }
    enableEventBridge(bucket);
    acknowledgeSharedRule(bucket, 'S3BucketReplicationEnabled', REPLICATION_REASON);
    if (opts.lockDays === undefined) {
      Validations.of(bucket).acknowledge({ id: 'cdk-validator-cfnguard::s3_bucket_object_lock_enabled_check', reason: OBJECT_LOCK_REASON });
    }
    return bucket;
  }
}

// https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html: "You can use default bucket encryption on
// the destination bucket only if you use server-side encryption with Amazon S3 managed keys (SSE-S3)".
const SSE_S3_REASON = 'S3 server access logs are delivered only to buckets encrypted with SSE-S3, not SSE-KMS.';
const REPLICATION_REASON = 'The bucket is versioned and retained; replication needs a destination bucket in another Region or account '
  + 'that the user owns, so it is opt-in (tracking: a DataLake replication option, #12 item 4).';
const OBJECT_LOCK_REASON = 'Object Lock cannot be turned off once on, and lake data must stay deletable by lifecycle expiry and '
  + 'erasure requests; it is opt-in for the raw zone (rawObjectLockRetention).';

/**
 * Sends the bucket's object events to EventBridge, with one mechanism at a time. Without other notifications, natively (the L1
 * property; the L2's `eventBridgeEnabled` would add a custom-resource Lambda). Once `bucket.addEventNotification(...)` is called,
 * CDK's notifications resource writes the bucket's whole notification configuration, which would drop the L1's EventBridge
 * delivery: EventBridge then moves into that resource, next to the other notifications, and the L1 property is left out.
 */
function enableEventBridge(bucket: s3.Bucket): void {
  const cfnBucket = bucket.node.defaultChild as s3.CfnBucket;
  cfnBucket.notificationConfiguration = Lazy.any({
    produce: () => (hasNotifications(bucket) ? undefined : { eventBridgeConfiguration: { eventBridgeEnabled: true } }),
  });
  bucket.node.addValidation({
    validate: () => {
      if (hasNotifications(bucket)) {
        bucket.enableEventBridgeNotification();
      }
      return [];
    },
  });
}

function hasNotifications(bucket: s3.Bucket): boolean {
  return bucket.node.tryFindChild('Notifications') !== undefined;
}

interface ZoneBucketOptions {
  readonly prefix?: string;
  readonly removalPolicy: RemovalPolicy;
  readonly noncurrentDays: number;
  readonly tiering?: number;
  readonly expireDays?: number;
  readonly resultsDays?: number;
  readonly lockDays?: number;
  readonly lockOnExisting: boolean;
}

class ImportedDataLake extends Construct implements IDataLake {
  public readonly zoneNames: string[];
  public readonly encryptionKey?: kms.IKey;
  public readonly databaseName?: string;
  private readonly zones = new Map<string, LakeZoneView>();

  constructor(scope: Construct, id: string, attrs: DataLakeAttributes) {
    super(scope, id);
    const errors = new InputErrors(this, 'DataLake.fromAttributes');
    this.zoneNames = Object.keys(attrs.zoneBucketNames);
    validateZones(errors, this.zoneNames);
    errors.throwIfAny();
    this.encryptionKey = attrs.encryptionKey;
    this.databaseName = attrs.databaseName;
    for (const [zoneName, bucketName] of Object.entries(attrs.zoneBucketNames)) {
      const bucket = s3.Bucket.fromBucketAttributes(this, zoneName, { bucketName, encryptionKey: attrs.encryptionKey });
      this.zones.set(zoneName, new LakeZoneView(zoneName, bucket, attrs.encryptionKey));
    }
  }

  public zone(name: string): ILakeZone {
    const zone = this.zones.get(name);
    if (!zone) {
      throw new Error(`DataLake ${this.node.path}: no zone '${name}'; the zones are ${describe(this.zoneNames)}`);
    }
    return zone;
  }
}

function validateZones(errors: InputErrors, zones: string[]): void {
  if (zones.length === 0 || zones.length > MAX_ZONES) {
    errors.add('zones', zones, `a list of 1 to ${MAX_ZONES} zone names`);
  }
  const seen = new Set<string>();
  zones.forEach((zone, i) => {
    if (Token.isUnresolved(zone) || !ZONE_NAME.test(zone)) {
      errors.add(`zones[${i}]`, zone, '1-20 lowercase letters, digits and hyphens, starting with a letter (zone names are construct ids and bucket-name suffixes, so they cannot be tokens)');
    }
    if (seen.has(zone)) {
      errors.add(`zones[${i}]`, zone, 'unique, but it is listed twice');
    }
    seen.add(zone);
  });
}

/**
 * Checks `<prefix>-<zone>` and `<prefix>-access-logs` against the S3 bucket naming rules
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html).
 */
function validateBucketNamePrefix(errors: InputErrors, prefix: string, zones: string[]): void {
  const allowed = 'lowercase letters, digits, hyphens and periods, starting with a letter or digit, without "..", ".-" or "-.", '
    + 'not an IP address, not starting with "xn--", "sthree-" or "amzn-s3-demo-", and short enough that "<prefix>-<zone>" is at most 63 characters';
  const longest = Math.max('access-logs'.length, ...zones.map((z) => z.length));
  const ok = /^[a-z0-9][a-z0-9.-]*$/.test(prefix)
    && !/\.\.|\.-|-\./.test(prefix)
    && !prefix.endsWith('.')
    && !/^\d+\.\d+\.\d+\.\d+/.test(prefix)
    && !/^(xn--|sthree-|amzn-s3-demo-)/.test(prefix)
    && prefix.length >= 1
    && prefix.length + 1 + longest <= 63;
  if (!ok) {
    errors.add('bucketNamePrefix', prefix, allowed);
  }
  zones.forEach((zone, i) => {
    const name = `${prefix}-${zone}`;
    const suffix = RESERVED_BUCKET_SUFFIXES.find((x) => name.endsWith(x));
    if (suffix) {
      errors.add(`zones[${i}]`, zone, 'a zone name that does not make its bucket name end with a suffix S3 reserves '
        + `(${RESERVED_BUCKET_SUFFIXES.join(', ')}), but the bucket '${name}' would end with '${suffix}'`);
    } else if (name.endsWith('-')) {
      errors.add(`zones[${i}]`, zone, `a zone name that ends with a letter or digit, as bucket names must, but the bucket '${name}' would end with '-'`);
    }
  });
}

/** Suffixes S3 reserves for aliases and other bucket types: a bucket named so fails at deploy (the S3 naming rules above). */
const RESERVED_BUCKET_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3'];

/** A Glue database name from the construct path: lowercase letters, digits and underscores. */
function catalogName(scope: Construct): string {
  return Names.uniqueResourceName(scope, { maxLength: 200, separator: '_' }).toLowerCase().replace(/[^a-z0-9_]/g, '_');
}
