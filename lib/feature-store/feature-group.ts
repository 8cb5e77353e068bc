import { Annotations, ArnFormat, IResource, RemovalPolicy, Resource, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct, IConstruct } from 'constructs';
import {
  FeatureDefinition, FeatureGroupThroughput, FeatureGroupWriteOptions, OfflineStoreLocation, OfflineStoreOptions, OfflineTableFormat,
  OnlineStoreOptions,
} from './feature-group-options';
import {
  OFFLINE_BUCKET_ACL_ACTIONS, OFFLINE_OBJECT_ACL_ACTIONS, OFFLINE_TABLE_ACTIONS, OFFLINE_TABLE_READ_ACTIONS, ONLINE_KEY_ACTIONS,
  RECORD_DELETE_ACTIONS, RECORD_READ_ACTIONS, RECORD_WRITE_ACTIONS,
} from './perms';
import { checkFeatureGroup } from './private-feature-group-checks';
import { groupNameBase, settingsHashToken } from './private-feature-group-name';
import { acknowledgeInlinePolicy } from '../private/nag';
import { MlopsValidationError, requireProps } from '../private/validation';

/**
 * A SageMaker Feature Store feature group, defined here (`FeatureGroup`) or imported.
 */
export interface IFeatureGroup extends IResource {
  /** The feature group's name. A derived one is a token, rendered at synthesis: its settings hash covers tags that `Tags.of()` adds later. */
  readonly featureGroupName: string;

  /** The feature group's ARN. */
  readonly featureGroupArn: string;

  /** The customer-managed key of the online store, if it has one. */
  readonly onlineStoreEncryptionKey?: kms.IKey;

  /** Where the offline store is, if the group has one (and, for an imported group, it was given). */
  readonly offlineStore?: OfflineStoreLocation;

  /** Grants reading records of the online store: GetRecord, BatchGetRecord (and kms:Decrypt on the online store's key). */
  grantRead(grantee: iam.IGrantable): iam.Grant;

  /** Grants writing records: PutRecord, DeleteRecord if `options.allowDelete` (and kms:Decrypt on the online store's key). */
  grantWrite(grantee: iam.IGrantable, options?: FeatureGroupWriteOptions): iam.Grant;

  /**
   * Grants reading the offline store, for training and batch inference: its table in the Glue catalog, and the zone's read grant
   * on its folder. Querying through Athena also needs the lake's workgroup.
   *
   * @throws if the group has no offline store (or an imported group was given none)
   */
  grantReadOfflineStore(grantee: iam.IGrantable): iam.Grant;
}

/**
 * Attributes of a feature group defined elsewhere.
 */
export interface FeatureGroupAttributes {
  /** The feature group's name (lowercase, as the library defines them). */
  readonly featureGroupName: string;

  /**
   * The customer-managed key of the online store.
   *
   * @default - an AWS owned key: readers and writers need no key grant
   */
  readonly onlineStoreEncryptionKey?: kms.IKey;

  /**
   * Where the offline store is.
   *
   * @default - not known: `grantReadOfflineStore` throws
   */
  readonly offlineStore?: OfflineStoreLocation;
}

/**
 * Properties of a `FeatureGroup`.
 */
export interface FeatureGroupProps {
  /** The features, at most 2,500; the record identifier and the event time are two of them. */
  readonly features: FeatureDefinition[];

  /** The name of the feature that identifies a record: the online store keeps the latest record of each identifier. */
  readonly recordIdentifier: string;

  /** The name of the feature that holds a record's event time: a String (ISO-8601) or Fractional (Unix seconds) feature. */
  readonly eventTime: string;

  /**
   * The feature group's name: 1-64 lowercase letters, digits, hyphens and underscores, starting and ending with a letter or digit.
   * The name is then yours: CloudFormation cannot replace a group with a given name, so a change that requires replacement (the
   * record identifier, the event time, the description, the tags, the online store on or off, its tier or key, any setting of the
   * offline store) fails the stack update unless the name changes with it.
   *
   * @default - derived from the construct path and a hash of the settings that require replacement, so that such a change
   * defines a new group (the old one is retained)
   */
  readonly featureGroupName?: string;

  /**
   * A description of the group: at most 128 characters.
   *
   * @default - none
   */
  readonly description?: string;

  /**
   * The online store.
   *
   * @default - a Standard online store, encrypted with an AWS owned key, whose records do not expire
   */
  readonly onlineStore?: OnlineStoreOptions;

  /**
   * The offline store, in a zone of the lake.
   *
   * @default - no offline store
   */
  readonly offlineStore?: OfflineStoreOptions;

  /**
   * How reads and writes are billed.
   *
   * @default - on demand
   */
  readonly throughput?: FeatureGroupThroughput;

  /**
   * What happens to the feature group (and its stores) when it is removed from the stack. The offline store's objects stay in the
   * lake either way.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

abstract class FeatureGroupBase extends Resource implements IFeatureGroup {
  public abstract readonly featureGroupName: string;
  public abstract readonly featureGroupArn: string;
  public abstract readonly onlineStoreEncryptionKey?: kms.IKey;
  public abstract readonly offlineStore?: OfflineStoreLocation;

  public grantRead(grantee: iam.IGrantable): iam.Grant {
    // A serving model with network isolation (IServingModel.networkIsolation) has no network: its containers cannot call
    // GetRecord whatever its role may do.
    const isolated = (grantee as { networkIsolation?: unknown }).networkIsolation === true;
    if (isolated && isConstruct(grantee)) {
      Annotations.of(grantee).addWarningV2('cdk-mlops:feature-group-reader-isolated', `${grantee.node.path} may read the feature group `
        + `${this.node.path}, but its containers run with network isolation and cannot reach the Feature Store runtime: set `
        + 'networkIsolation: false on the model (and, in a VPC without internet access, an interface VPC endpoint of the Feature Store runtime).');
    }
    return this.grantRecords(grantee, RECORD_READ_ACTIONS);
  }

  public grantWrite(grantee: iam.IGrantable, options: FeatureGroupWriteOptions = {}): iam.Grant {
    return this.grantRecords(grantee, [...RECORD_WRITE_ACTIONS, ...(options.allowDelete ? RECORD_DELETE_ACTIONS : [])]);
  }

  public grantReadOfflineStore(grantee: iam.IGrantable): iam.Grant {
    const offline = this.offlineStore;
    if (!offline) {
      throw new MlopsValidationError(`FeatureGroup ${this.node.path}: grantReadOfflineStore needs an offline store, but this group has none `
        + '(or was imported without offlineStore)');
    }
    const grant = iam.Grant.addToPrincipal({ grantee, actions: OFFLINE_TABLE_READ_ACTIONS, resourceArns: catalogArns(this, offline) });
    return grant.combine(offline.zone.grantRead(grantee, offline.prefix));
  }

  private grantRecords(grantee: iam.IGrantable, actions: string[]): iam.Grant {
    const grant = iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [this.featureGroupArn] });
    const key = this.onlineStoreEncryptionKey;
    return key ? grant.combine(iam.Grant.addToPrincipal({ grantee, actions: ONLINE_KEY_ACTIONS, resourceArns: [key.keyArn] })) : grant;
  }
}

/**
 * A SageMaker Feature Store feature group: typed features, a record identifier and an event time; an online store for real-time
 * inference (the latest record of each identifier) and an offline store in a lake zone, catalogued in the lake's Glue database,
 * for training. Retained by default. The offline store is written by a role of its own that may write only the store's folder
 * (with the lake key, through S3) and update only the store's table.
 *
 * @example
 * const features = new FeatureGroup(this, 'Customers', {
 *   features: [
 *     { name: 'customer_id', featureType: FeatureValueType.STRING },
 *     { name: 'event_time', featureType: FeatureValueType.STRING },
 *     { name: 'orders_30d', featureType: FeatureValueType.INTEGRAL },
 *   ],
 *   recordIdentifier: 'customer_id',
 *   eventTime: 'event_time',
 *   offlineStore: { lake },
 * });
 * features.grantRead(servingModel);
 */
export class FeatureGroup extends FeatureGroupBase {
  /** Imports a feature group of this account and region by name. */
  public static fromFeatureGroupName(scope: Construct, id: string, featureGroupName: string): IFeatureGroup {
    return FeatureGroup.fromFeatureGroupAttributes(scope, id, { featureGroupName });
  }

  /** Imports a feature group of this account and region, with its online store's key and where its offline store is. */
  public static fromFeatureGroupAttributes(scope: Construct, id: string, attrs: FeatureGroupAttributes): IFeatureGroup {
    class Import extends FeatureGroupBase {
      public readonly featureGroupName = attrs.featureGroupName;
      public readonly featureGroupArn = featureGroupArn(scope, attrs.featureGroupName);
      public readonly onlineStoreEncryptionKey = attrs.onlineStoreEncryptionKey;
      public readonly offlineStore = attrs.offlineStore;
    }
    return new Import(scope, id);
  }

  public readonly featureGroupName: string;
  public readonly featureGroupArn: string;
  public readonly onlineStoreEncryptionKey?: kms.IKey;
  public readonly offlineStore?: OfflineStoreLocation;
  /** Whether the group has an online store. */
  public readonly onlineStoreEnabled: boolean;
  /** The role Feature Store writes the offline store with, if the group has one. */
  public readonly offlineStoreRole?: iam.Role;
  /** The underlying CloudFormation resource. */
  public readonly resource: sagemaker.CfnFeatureGroup;

  constructor(scope: Construct, id: string, props: FeatureGroupProps) {
    super(scope, id);
    requireProps(this, 'FeatureGroup', props, {
      features: 'a list of { name, featureType }', recordIdentifier: "the name of a feature, e.g. 'customer_id'",
      eventTime: "the name of a String or Fractional feature, e.g. 'event_time'",
    }, { features: 'a list of { name, featureType }' });
    // A derived name ends with a hash of the settings whose change CloudFormation can only make by replacing the group: such a
    // change is then a new group under a new name, beside the retained old one, rather than a failed update (see
    // private-feature-group-name.ts). An explicit name is the user's, kept verbatim.
    const base = props.featureGroupName ?? groupNameBase(this);
    const hash = props.featureGroupName === undefined ? settingsHashToken(this, () => this.replacementSettings(props)) : undefined;
    const name = hash === undefined ? base : `${base}-${hash}`;
    const checked = checkFeatureGroup(this, { ...props, featureGroupName: name }, `feature-store/${base}/`);

    this.featureGroupName = name;
    this.featureGroupArn = featureGroupArn(this, name);
    this.onlineStoreEnabled = checked.online;
    this.onlineStoreEncryptionKey = checked.online ? props.onlineStore?.encryptionKey : undefined;

    let offlineStoreConfig: Record<string, unknown> | undefined;
    if (props.offlineStore) {
      const o = props.offlineStore;
      const zone = o.lake.zone(o.zone ?? 'features');
      this.offlineStore = {
        zone, prefix: checked.offlinePrefix!, databaseName: o.lake.databaseName!,
        // A new group needs a table of its own: the retained old group keeps its table.
        tableName: o.tableName ?? (hash === undefined ? base.replace(/-/g, '_') : `${base.replace(/-/g, '_')}_${hash}`),
      };
      this.offlineStoreRole = this.defineOfflineStoreRole(this.offlineStore);
      offlineStoreConfig = {
        S3StorageConfig: { S3Uri: zone.s3Uri(this.offlineStore.prefix), KmsKeyId: zone.encryptionKey?.keyArn },
        DisableGlueTableCreation: false,
        DataCatalogConfig: { Catalog: 'AwsDataCatalog', Database: this.offlineStore.databaseName, TableName: this.offlineStore.tableName },
        TableFormat: o.tableFormat ?? OfflineTableFormat.GLUE,
      };
    }

    // OnlineStoreConfig and OfflineStoreConfig are untyped in the L1 (`any`): CloudFormation's own property names.
    this.resource = new sagemaker.CfnFeatureGroup(this, 'Resource', {
      featureGroupName: name,
      description: props.description,
      recordIdentifierFeatureName: props.recordIdentifier,
      eventTimeFeatureName: props.eventTime,
      featureDefinitions: props.features.map((f) => ({ featureName: f.name, featureType: f.featureType.name })),
      onlineStoreConfig: checked.online ? {
        EnableOnlineStore: true,
        StorageType: checked.tier,
        TtlDuration: checked.ttl ? { Unit: checked.ttl.unit, Value: checked.ttl.value } : undefined,
        SecurityConfig: this.onlineStoreEncryptionKey ? { KmsKeyId: this.onlineStoreEncryptionKey.keyArn } : undefined,
      } : undefined,
      offlineStoreConfig,
      roleArn: this.offlineStoreRole?.roleArn,
      throughputConfig: props.throughput ? {
        throughputMode: props.throughput.mode,
        provisionedReadCapacityUnits: props.throughput.readCapacityUnits,
        provisionedWriteCapacityUnits: props.throughput.writeCapacityUnits,
      } : undefined,
    });
    // The records outlive a stack change: kept unless the user opts out.
    this.resource.applyRemovalPolicy(props.removalPolicy ?? RemovalPolicy.RETAIN);
    if (this.offlineStoreRole) {
      // Feature Store writes the offline store with the role as soon as records arrive: the group waits for its policy.
      this.resource.node.addDependency(this.offlineStoreRole);
    }
  }

  /**
   * The properties of the group that CloudFormation can change only by replacing it, as the template renders them: a derived name
   * hashes them. The table name counts only when it is given (the default one follows the name); the folder of the records is in
   * the S3 URI. FeatureDefinitions, TtlDuration and ThroughputConfig update in place and are left out.
   */
  private replacementSettings(props: FeatureGroupProps): Record<string, unknown> {
    const r = this.resource;
    const online = r.onlineStoreConfig as Record<string, unknown> | undefined;
    const offline = r.offlineStoreConfig as Record<string, Record<string, unknown>> | undefined;
    return {
      RecordIdentifierFeatureName: r.recordIdentifierFeatureName,
      EventTimeFeatureName: r.eventTimeFeatureName,
      Description: r.description,
      RoleArn: r.roleArn,
      Tags: r.tags.renderTags(),
      OnlineStoreConfig: online && {
        EnableOnlineStore: online.EnableOnlineStore, StorageType: online.StorageType, SecurityConfig: online.SecurityConfig,
      },
      OfflineStoreConfig: offline && {
        ...offline,
        DataCatalogConfig: { ...offline.DataCatalogConfig, TableName: props.offlineStore?.tableName },
      },
    };
  }

  /**
   * Grants reading records of the online store. On an offline-only group GetRecord has nothing to read: a synth warning says
   * so (read the offline store with `grantReadOfflineStore`).
   */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    if (!this.onlineStoreEnabled) {
      Annotations.of(this).addWarningV2('cdk-mlops:feature-group-read-offline-only', 'grantRead on the offline-only feature group '
        + `${this.node.path}: it has no online store for GetRecord to read; use grantReadOfflineStore for its records in the lake.`);
    }
    return super.grantRead(grantee);
  }

  /**
   * The offline store's role: writes (and reads back the manifests of) exactly the store's folder, with the lake key through S3,
   * with the object ACL Feature Store sets; reads the bucket's ACL; reads and updates exactly the store's table.
   */
  private defineOfflineStoreRole(offline: OfflineStoreLocation): iam.Role {
    const stack = Stack.of(this);
    // Confused-deputy protection where the key is sent, without breaking the store where it is not: SageMaker's confused-deputy page
    // (https://docs.aws.amazon.com/sagemaker/latest/dg/security-confused-deputy-prevention.html) lists the features that send
    // aws:SourceAccount / aws:SourceArn when they assume a role (Edge Manager, Images, Inference, Batch Transform, Marketplace, Neo,
    // Pipelines, Processing, Studio, Training), and Feature Store is not among them, nor do the Feature Store pages show a trust
    // condition. A plain StringEquals on a key that is not sent denies the AssumeRole, and Feature Store stops writing the offline
    // store. IfExists keeps the check whenever SageMaker sends the key; another account cannot pass this role in any case
    // (iam:PassRole is same-account: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html).
    const role = new iam.Role(this, 'OfflineStoreRole', {
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com', {
        conditions: { StringEqualsIfExists: { 'aws:SourceAccount': stack.account } },
      }),
      description: `Writes the offline store of the feature group ${this.node.path}`,
    });
    acknowledgeInlinePolicy(role);
    offline.zone.grantReadWrite(role, offline.prefix, { allowDelete: false });
    const bucket = offline.zone.bucket;
    iam.Grant.addToPrincipal({ grantee: role, actions: OFFLINE_OBJECT_ACL_ACTIONS, resourceArns: [bucket.arnForObjects(`${offline.prefix}*`)] });
    iam.Grant.addToPrincipal({ grantee: role, actions: OFFLINE_BUCKET_ACL_ACTIONS, resourceArns: [bucket.bucketArn] });
    iam.Grant.addToPrincipal({ grantee: role, actions: OFFLINE_TABLE_ACTIONS, resourceArns: catalogArns(this, offline) });
    return role;
  }
}

function isConstruct(x: unknown): x is IConstruct {
  return typeof (x as IConstruct)?.node?.path === 'string';
}

/** The feature group's ARN (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html). */
function featureGroupArn(scope: Construct, name: string): string {
  return Stack.of(scope).formatArn({ service: 'sagemaker', resource: 'feature-group', resourceName: name, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
}

/** The catalog, the database and the table of an offline store, as Glue authorizes table calls. */
function catalogArns(scope: Construct, offline: OfflineStoreLocation): string[] {
  const stack = Stack.of(scope);
  return [
    stack.formatArn({ service: 'glue', resource: 'catalog' }),
    stack.formatArn({ service: 'glue', resource: 'database', resourceName: offline.databaseName }),
    stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${offline.databaseName}/${offline.tableName}` }),
  ];
}
