import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { acknowledgeWildcardResources } from './nag';

/*
 * The S3 and KMS building blocks of every grant on lake objects: one list of actions, one statement shape. Sources:
 * - actions and condition keys: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
 * - ListObjectsV2 needs s3:ListBucket, whose `s3:prefix` condition is the request's Prefix:
 *   https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html,
 *   https://docs.aws.amazon.com/AmazonS3/latest/userguide/amazon-s3-policy-keys.html
 * - in a versioned bucket, DeleteObject without a version id only adds a delete marker; deleting a version needs
 *   s3:DeleteObjectVersion: https://docs.aws.amazon.com/AmazonS3/latest/userguide/DeletingObjectVersions.html
 * - SSE-KMS: GetObject needs kms:Decrypt, PutObject kms:GenerateDataKey, a multipart upload also kms:Decrypt:
 *   https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html,
 *   https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html#mpuAndPermissions
 * - S3 calls KMS with `kms:ViaService` = `s3.<region>.amazonaws.com` and the encryption context `aws:s3:arn`, which is the
 *   object ARN, or the bucket ARN when an S3 Bucket Key is enabled (as in the lake):
 *   https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service,
 *   https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#encryption-context,
 *   https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html
 */

/** Reading an object. */
export const S3_GET_OBJECT_ACTIONS = ['s3:GetObject'];
/** Listing keys (only under a prefix, with the `s3:prefix` condition). */
export const S3_LIST_ACTIONS = ['s3:ListBucket'];
/** Writing an object, in one request or by multipart upload (and abandoning an upload). */
export const S3_PUT_OBJECT_ACTIONS = ['s3:PutObject', 's3:AbortMultipartUpload'];
/** Deleting the current version (in a versioned bucket: a delete marker, the data stays). */
export const S3_DELETE_OBJECT_ACTIONS = ['s3:DeleteObject'];
/** Deleting a version for good: defeats versioning, so only on explicit opt-in. */
export const S3_DELETE_VERSION_ACTIONS = ['s3:DeleteObjectVersion'];
/** Setting Object Lock retention on an object: only on explicit opt-in. */
export const S3_RETENTION_ACTIONS = ['s3:PutObjectRetention'];
/** Setting an Object Lock legal hold on an object: only on explicit opt-in. */
export const S3_LEGAL_HOLD_ACTIONS = ['s3:PutObjectLegalHold'];
/** Decrypting objects read through S3. */
export const KMS_DECRYPT_ACTIONS = ['kms:Decrypt'];
/** Encrypting objects written through S3 (Decrypt for multipart uploads). */
export const KMS_ENCRYPT_ACTIONS = ['kms:Decrypt', 'kms:GenerateDataKey'];

/** What a grant on lake objects allows. */
export interface ObjectAccess {
  /** GetObject (and ListBucket under a prefix). */
  readonly read?: boolean;
  /** PutObject, AbortMultipartUpload. */
  readonly write?: boolean;
  /** DeleteObject: the current version only. */
  readonly delete?: boolean;
  /** DeleteObjectVersion. */
  readonly deleteVersions?: boolean;
  /** PutObjectRetention. */
  readonly retention?: boolean;
  /** PutObjectLegalHold. */
  readonly legalHold?: boolean;
}

/** Which objects a grant covers: every key under a normalised prefix (`''` for all), or one exact key. */
export interface ObjectScope {
  readonly bucket: s3.IBucket;
  readonly encryptionKey?: kms.IKey;
  /** A normalised prefix (see `normalizePrefix`); ignored when `objectKey` is given. */
  readonly prefix?: string;
  /** One exact object key. */
  readonly objectKey?: string;
  /** Why the grant covers keys named at run time (for the compliance acknowledgment of the `<prefix>*` resource). */
  readonly reason?: string;
}

/**
 * Grants exactly `access` on the objects of `scope` to `grantee`: ListBucket only with an `s3:prefix` condition, object actions
 * on `<prefix>*` (or the one key), and the key's actions only when S3 calls KMS for this bucket.
 */
export function grantObjects(grantee: iam.IGrantable, scope: ObjectScope, access: ObjectAccess): iam.Grant {
  const bucket = scope.bucket;
  const pattern = scope.objectKey ?? `${scope.prefix ?? ''}*`;
  const objects = bucket.arnForObjects(pattern);
  const actions = [
    ...(access.read ? S3_GET_OBJECT_ACTIONS : []),
    ...(access.write ? S3_PUT_OBJECT_ACTIONS : []),
    ...(access.delete ? S3_DELETE_OBJECT_ACTIONS : []),
    ...(access.deleteVersions ? S3_DELETE_VERSION_ACTIONS : []),
    ...(access.retention ? S3_RETENTION_ACTIONS : []),
    ...(access.legalHold ? S3_LEGAL_HOLD_ACTIONS : []),
  ];
  let grant = iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [objects] });
  if (access.read && scope.objectKey === undefined) {
    grant = grant.combine(iam.Grant.addToPrincipal({
      grantee,
      actions: S3_LIST_ACTIONS,
      resourceArns: [bucket.bucketArn],
      conditions: scope.prefix ? { StringLike: { 's3:prefix': [`${scope.prefix}*`] } } : undefined,
    }));
  }
  const key = scope.encryptionKey ?? bucket.encryptionKey;
  if (key && (access.read || access.write)) {
    grant = grant.combine(iam.Grant.addToPrincipal({
      grantee,
      actions: access.write ? KMS_ENCRYPT_ACTIONS : KMS_DECRYPT_ACTIONS,
      resourceArns: [key.keyArn],
      conditions: kmsThroughS3(bucket, pattern),
    }));
  }
  const principal = grantee.grantPrincipal;
  const policy = principal instanceof iam.Role ? principal.node.tryFindChild('DefaultPolicy') : undefined;
  if (policy && scope.objectKey === undefined) {
    acknowledgeWildcardResources(policy, [objects], `${scope.reason ?? 'Objects under a key prefix of a lake zone are named at run time'}: `
      + `the grant is ${actions.join(', ')} only, on exactly the objects under that prefix.`);
  }
  return grant;
}

/**
 * The conditions that let a principal use the lake key only when S3 calls KMS for objects of this bucket: never to decrypt or
 * encrypt directly, never for another bucket on the same key.
 */
export function kmsThroughS3(bucket: s3.IBucket, objectPattern: string): Record<string, Record<string, unknown>> {
  return {
    StringEquals: { 'kms:ViaService': `s3.${bucket.env.region}.amazonaws.com` },
    // With an S3 Bucket Key the context is the bucket ARN; objects written without one carry their own ARN.
    StringLike: { 'kms:EncryptionContext:aws:s3:arn': [bucket.bucketArn, bucket.arnForObjects(objectPattern)] },
  };
}
