import { Duration, Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IDataLake, ILakeZone } from '../data-lake';
import { MlopsValidationError } from '../private/validation';

/** The value types of Feature Store. */
const FEATURE_TYPE_NAMES = ['String', 'Integral', 'Fractional'];

/**
 * The value type of a feature, as Feature Store stores it
 * (https://docs.aws.amazon.com/sagemaker/latest/dg/feature-store-quotas.html#feature-store-data-types).
 *
 * Collection types (list, set, vector) are not offered: Feature Store supports them only on an `InMemory` online store, and the
 * CloudFormation resource `AWS::SageMaker::FeatureGroup` has no `CollectionType` in its feature definitions.
 */
export class FeatureValueType {
  /** A UTF-8 string. An event-time feature of this type holds ISO-8601 times (`yyyy-MM-dd'T'HH:mm:ssZ` or `...ss.SSSZ`). */
  public static readonly STRING = FeatureValueType.of('String');
  /** A 64-bit signed integer. */
  public static readonly INTEGRAL = FeatureValueType.of('Integral');
  /** An IEEE 754 double. An event-time feature of this type holds Unix times in seconds. */
  public static readonly FRACTIONAL = FeatureValueType.of('Fractional');

  /** A feature type by its Feature Store name (`String`, `Integral` or `Fractional`); a token is passed as given. */
  public static of(name: string): FeatureValueType {
    return new FeatureValueType(name);
  }

  /** The Feature Store name of the type: `String`, `Integral` or `Fractional` (or a token). */
  public readonly name: string;

  private constructor(name: string) {
    this.name = name;
    if (!Token.isUnresolved(name) && !FEATURE_TYPE_NAMES.includes(name)) {
      throw new MlopsValidationError(`FeatureValueType: name must be one of ${FEATURE_TYPE_NAMES.map((n) => `'${n}'`).join(', ')}, got '${name}'`);
    }
  }
}

/**
 * One feature of a feature group.
 */
export interface FeatureDefinition {
  /**
   * The feature's name: 1-64 letters, digits, hyphens and underscores, starting and ending with a letter or digit; not
   * `is_deleted`, `write_time` or `api_invocation_time`, which Feature Store reserves for the offline store's own columns.
   */
  readonly name: string;

  /** The feature's value type. */
  readonly featureType: FeatureValueType;
}

/**
 * The storage tier of an online store (https://docs.aws.amazon.com/sagemaker/latest/dg/feature-store-storage-configurations-online-store.html).
 */
export enum OnlineStoreTier {
  /** The default managed low-latency store. */
  STANDARD = 'Standard',
  /** An in-memory store (ElastiCache for Redis OSS) for very low latency reads; it takes 10-15 minutes to provision. */
  IN_MEMORY = 'InMemory',
}

/**
 * The online store of a feature group: the latest record of each identifier, for real-time inference.
 */
export interface OnlineStoreOptions {
  /**
   * Whether the group has an online store. Without one it is an offline-only group (for training and batch inference).
   *
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * The storage tier.
   *
   * @default OnlineStoreTier.STANDARD
   */
  readonly tier?: OnlineStoreTier;

  /**
   * How long a record stays in the online store after its event time before Feature Store hard-deletes it there
   * (`ExpiresAt = EventTime + TtlDuration`); the record stays in the offline store. At least 1 second, in whole seconds.
   *
   * @default - records stay until they are overwritten
   */
  readonly ttl?: Duration;

  /**
   * A customer-managed key that encrypts the online store. Every caller of PutRecord, GetRecord and DeleteRecord then needs
   * `kms:Decrypt` on it, which the group's grants add: use a key dedicated to the online store, not the lake's key.
   *
   * @default - an AWS owned key
   */
  readonly encryptionKey?: kms.IKey;
}

/**
 * The table format of an offline store (https://docs.aws.amazon.com/sagemaker/latest/dg/feature-store-storage-configurations-offline-store.html).
 */
export enum OfflineTableFormat {
  /** A Glue table over Parquet files (the Feature Store default). */
  GLUE = 'Glue',
  /** An Apache Iceberg table, whose small files can be compacted; the event-time feature must then be a String. */
  ICEBERG = 'Iceberg',
}

/**
 * The offline store of a feature group: every record ever written, in a folder of a lake zone, catalogued in the lake's Glue
 * database, for training and batch inference.
 */
export interface OfflineStoreOptions {
  /** The lake whose zone holds the records and whose Glue database holds the table. */
  readonly lake: IDataLake;

  /**
   * The zone of the records.
   *
   * @default 'features'
   */
  readonly zone?: string;

  /**
   * The folder in the zone under which Feature Store writes
   * (`<prefix><account>/sagemaker/<region>/offline-store/<group>-<creation time>/data/...`).
   *
   * @default - 'feature-store/<featureGroupName>/', or with a derived name 'feature-store/<the name without its settings hash>/'
   * (a group that replaces it writes beside it, under its own `<group>-<creation time>` folder)
   */
  readonly prefix?: string;

  /**
   * The name of the Glue table that Feature Store defines in the lake's database: 1-255 lowercase letters, digits and underscores.
   *
   * @default - the feature group name with hyphens as underscores (a new name, a new table)
   */
  readonly tableName?: string;

  /**
   * The table format.
   *
   * @default OfflineTableFormat.GLUE
   */
  readonly tableFormat?: OfflineTableFormat;
}

/**
 * Where the offline store of a feature group is: what a reader of its records needs.
 */
export interface OfflineStoreLocation {
  /** The zone of the records. */
  readonly zone: ILakeZone;
  /** The folder of the records in the zone, ending with `/`. */
  readonly prefix: string;
  /** The Glue database of the table. */
  readonly databaseName: string;
  /** The Glue table. */
  readonly tableName: string;
}

/**
 * How a feature group is billed for reads and writes (https://docs.aws.amazon.com/sagemaker/latest/dg/feature-store-throughput-mode.html).
 */
export class FeatureGroupThroughput {
  /** Billed per request; Feature Store scales with the load. */
  public static onDemand(): FeatureGroupThroughput {
    return new FeatureGroupThroughput('OnDemand');
  }

  /**
   * Billed for the capacity provisioned; requests beyond it are throttled. Only for offline-only groups and the `Standard`
   * online store tier.
   */
  public static provisioned(options: ProvisionedThroughputOptions): FeatureGroupThroughput {
    return new FeatureGroupThroughput('Provisioned', options.readCapacityUnits, options.writeCapacityUnits);
  }

  private constructor(
    /** `OnDemand` or `Provisioned`. */
    public readonly mode: string,
    /** The read capacity units of a provisioned group. */
    public readonly readCapacityUnits?: number,
    /** The write capacity units of a provisioned group. */
    public readonly writeCapacityUnits?: number,
  ) {}
}

/**
 * The capacity of a provisioned feature group (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ThroughputConfig.html).
 */
export interface ProvisionedThroughputOptions {
  /**
   * Read capacity units: 0 to 10,000,000; only for a group with an online store.
   *
   * @default - none provisioned
   */
  readonly readCapacityUnits?: number;

  /** Write capacity units: 0 to 10,000,000. */
  readonly writeCapacityUnits: number;
}

/**
 * What a write grant on a feature group allows beyond PutRecord.
 */
export interface FeatureGroupWriteOptions {
  /**
   * Allow DeleteRecord (a soft or hard delete of a record in the online store, with a deletion marker in the offline store), for
   * erasure requests.
   *
   * @default false
   */
  readonly allowDelete?: boolean;
}
