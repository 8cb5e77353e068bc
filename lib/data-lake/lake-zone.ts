import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';

/**
 * One zone of a data lake: a bucket and the grants on it.
 */
export interface ILakeZone {
  /** The zone's name, e.g. `raw`. */
  readonly zoneName: string;

  /** The zone's bucket. */
  readonly bucket: s3.IBucket;

  /** The key that encrypts the zone's objects, if it is a customer-managed key. */
  readonly encryptionKey?: kms.IKey;

  /**
   * The `s3://bucket/prefix` URI of a prefix in this zone.
   *
   * @param prefix a key prefix such as `datasets/churn/`; empty for the bucket's root
   */
  s3Uri(prefix?: string): string;

  /**
   * Grants read access to the objects under `prefix` (all objects by default), including `kms:Decrypt`.
   */
  grantRead(grantee: iam.IGrantable, prefix?: string): iam.Grant;

  /**
   * Grants write access to the objects under `prefix` (all objects by default), including the KMS permissions.
   */
  grantWrite(grantee: iam.IGrantable, prefix?: string): iam.Grant;

  /**
   * Grants read and write access to the objects under `prefix` (all objects by default), including the KMS permissions.
   */
  grantReadWrite(grantee: iam.IGrantable, prefix?: string): iam.Grant;
}
