import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';

/**
 * What a write grant on a lake zone allows beyond writing objects (PutObject, AbortMultipartUpload).
 */
export interface LakeWriteOptions {
  /**
   * Allow deleting the current version of objects (`s3:DeleteObject`). In the lake's versioned buckets this adds a
   * delete marker: the data stays as a noncurrent version until `noncurrentVersionRetention`.
   *
   * @default true
   */
  readonly allowDelete?: boolean;

  /**
   * Allow deleting object versions for good (`s3:DeleteObjectVersion`), which defeats versioning.
   *
   * @default false
   */
  readonly allowVersionDeletion?: boolean;

  /**
   * Allow setting Object Lock retention on objects (`s3:PutObjectRetention`).
   *
   * @default false
   */
  readonly allowRetention?: boolean;

  /**
   * Allow setting Object Lock legal holds on objects (`s3:PutObjectLegalHold`).
   *
   * @default false
   */
  readonly allowLegalHold?: boolean;
}

/**
 * One zone of a data lake: a bucket and the grants on it.
 *
 * Every grant covers exactly the objects it names. A prefix is a folder: `datasets/churn` means `datasets/churn/` (so that it
 * does not also cover `datasets/churn-pii/`); a leading `/`, `//`, `*` and `?` are refused. Listing is allowed only under the
 * prefix (an `s3:prefix` condition), and the zone's key may be used only by S3, for this zone's bucket
 * (`kms:ViaService` and `kms:EncryptionContext:aws:s3:arn` conditions), never directly.
 */
export interface ILakeZone {
  /** The zone's name, e.g. `raw`. */
  readonly zoneName: string;

  /** The zone's bucket. */
  readonly bucket: s3.IBucket;

  /** The key that encrypts the zone's objects, if it is a customer-managed key. */
  readonly encryptionKey?: kms.IKey;

  /**
   * After how long the zone's lifecycle expires every object (the `monitoring` zone of a `DataLake`), if it does.
   * Nothing that must outlive it (a baseline profile, a model) belongs in such a zone.
   *
   * @default - objects do not expire, or it is not known (an imported lake)
   */
  readonly objectExpiration?: Duration;

  /**
   * The `s3://bucket/prefix` URI of a prefix in this zone.
   *
   * @param prefix a key prefix such as `datasets/churn/` (normalised to end with `/`); empty for the bucket's root
   */
  s3Uri(prefix?: string): string;

  /**
   * A key prefix as every grant and handler of the library uses it: `''` for the whole zone, otherwise ending with `/`.
   *
   * @throws if the prefix starts with `/`, has an empty segment or an IAM wildcard (`*`, `?`)
   */
  normalizePrefix(prefix?: string): string;

  /**
   * Grants reading the objects under `prefix` (all objects by default): `s3:GetObject` on them, `s3:ListBucket` only for
   * keys under the prefix, and `kms:Decrypt` through S3 for this zone.
   */
  grantRead(grantee: iam.IGrantable, prefix?: string): iam.Grant;

  /**
   * Grants writing the objects under `prefix` (all objects by default): `s3:PutObject`, `s3:AbortMultipartUpload`,
   * `s3:DeleteObject` (unless `allowDelete` is false), what `options` opts into, and `kms:GenerateDataKey` / `kms:Decrypt`
   * through S3 for this zone.
   */
  grantWrite(grantee: iam.IGrantable, prefix?: string, options?: LakeWriteOptions): iam.Grant;

  /**
   * Grants `grantRead` and `grantWrite` on the objects under `prefix` (all objects by default).
   */
  grantReadWrite(grantee: iam.IGrantable, prefix?: string, options?: LakeWriteOptions): iam.Grant;

  /**
   * Grants reading one object (`s3:GetObject` on exactly `key`, and `kms:Decrypt` through S3 for this zone).
   *
   * @param key an object key such as `baselines/churn.profile.json`
   */
  grantObjectRead(grantee: iam.IGrantable, key: string): iam.Grant;

  /**
   * Grants writing one object (`s3:PutObject`, `s3:AbortMultipartUpload` on exactly `key`, and `kms:GenerateDataKey` /
   * `kms:Decrypt` through S3 for this zone).
   *
   * @param key an object key such as `baselines/churn.profile.json`
   */
  grantObjectWrite(grantee: iam.IGrantable, key: string): iam.Grant;
}
