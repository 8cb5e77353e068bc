import { App, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { DataLake, DataLakeProps } from '../../../lib/data-lake';
import { TEST_ENV, testApp } from '../../util';
import { ContractApp, pathOf } from '../harness/apps';
import { REGION } from '../harness/cfn';
import { CallRow, PrincipalContract } from '../harness/iam';

/** The folder every grant of this table names. */
export const PREFIX = 'datasets/churn/';

/** What a lake app under contract is: a lake, the zone the grants are on, and who is granted what under `PREFIX`. */
export interface DataLakeAppSpec {
  readonly app: App;
  readonly lake: DataLake;
  /** The zone the grants are on. */
  readonly zoneName: string;
  /** Another zone of the same lake (same key): grants on `zoneName` must not reach it. */
  readonly otherZoneName: string;
  /** Whether the zone's bucket has Object Lock (governance mode, default retention). */
  readonly objectLock: boolean;
  /** Granted `zone.grantRead(reader, PREFIX)`. */
  readonly reader: iam.IRole;
  /** Granted `zone.grantWrite(writer, PREFIX)` (the defaults: delete the current version, nothing of Object Lock). */
  readonly writer: iam.IRole;
  /** Granted `zone.grantWrite(keeper, PREFIX, { allowDelete: false })`. */
  readonly keeper?: iam.IRole;
  /** Granted `zone.grantWrite(custodian, PREFIX, { allowVersionDeletion, allowRetention, allowLegalHold })`. */
  readonly custodian?: iam.IRole;
}

function lakeApp(props: DataLakeProps, zoneName: string, otherZoneName: string, optIns: boolean): DataLakeAppSpec {
  const app = testApp();
  const stack = new Stack(app, 'Data', { env: TEST_ENV });
  const lake = new DataLake(stack, 'Lake', props);
  const role = (id: string) => new iam.Role(stack, id, { assumedBy: new iam.AccountRootPrincipal() });
  const zone = lake.zone(zoneName);
  const reader = role('Reader');
  const writer = role('Writer');
  zone.grantRead(reader, PREFIX);
  zone.grantWrite(writer, PREFIX);
  let keeper: iam.IRole | undefined;
  let custodian: iam.IRole | undefined;
  if (optIns) {
    keeper = role('Keeper');
    custodian = role('Custodian');
    zone.grantWrite(keeper, PREFIX, { allowDelete: false });
    zone.grantWrite(custodian, PREFIX, { allowVersionDeletion: true, allowRetention: true, allowLegalHold: true });
  }
  return { app, lake, zoneName, otherZoneName, objectLock: props.rawObjectLockRetention !== undefined && zoneName === 'raw', reader, writer, keeper, custodian };
}

/** The apps the lake table runs over: the minimal lake and a full one (bucket-name prefix, Object Lock on raw, opt-in grants). */
export const DATA_LAKE_APPS: Record<string, () => DataLakeAppSpec> = {
  'minimal lake (generated bucket names; a reader and a writer on the curated zone)': () => lakeApp({}, 'curated', 'raw', false),
  'full lake (bucket-name prefix, Object Lock on raw; a reader, a writer, a writer without delete and one that opted into version deletion, retention and legal holds, on raw)':
    () => lakeApp({
      bucketNamePrefix: 'acme-ml-123456789012-us-east-1',
      rawObjectLockRetention: Duration.days(30),
      noncurrentVersionRetention: Duration.days(30),
    }, 'raw', 'curated', true),
};

/** The concrete values the rows are written in, resolved from one synthesized app. */
export interface DataLakeSubject {
  readonly spec: DataLakeAppSpec;
  readonly bucketArn: string;
  readonly otherZoneBucketArn: string;
  readonly keyArn: string;
  /** An object under `PREFIX`. */
  readonly object: string;
  /** An object in the sibling folder `datasets/churn-pii/`, which a grant on `datasets/churn/` must not cover. */
  readonly siblingObject: string;
  /** An object under `pii/`. */
  readonly piiObject: string;
  /** A bucket outside the lake, in the same account. */
  readonly foreignBucketArn: string;
}

export function dataLakeSubject(app: ContractApp, spec: DataLakeAppSpec): DataLakeSubject {
  const bucket = spec.lake.zone(spec.zoneName).bucket;
  const other = spec.lake.zone(spec.otherZoneName).bucket;
  const key = spec.lake.encryptionKey!;
  const bucketArn = app.value(bucket, bucket.bucketArn);
  return {
    spec,
    bucketArn,
    otherZoneBucketArn: app.value(other, other.bucketArn),
    keyArn: app.value(key, key.keyArn),
    object: `${bucketArn}/${PREFIX}2026/12/03/part-00000.parquet`,
    siblingObject: `${bucketArn}/datasets/churn-pii/part-00000.parquet`,
    piiObject: `${bucketArn}/pii/customers.parquet`,
    foreignBucketArn: 'arn:aws:s3:::acme-other-team-data',
  };
}

// The actions, resources and condition keys of S3 (s3:prefix, s3:TlsVersion; which action each API call needs).
const S3_ACTIONS = 'https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html';
const S3_CONDITION_KEYS = 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/amazon-s3-condition-keys.html';
const GET_OBJECT = 'https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html';
const PUT_OBJECT = 'https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html';
const MULTIPART = 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html#mpuAndPermissions';
const LIST_OBJECTS = 'https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html';
const LIST_VERSIONS = 'https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectVersions.html';
const GET_BUCKET_POLICY = 'https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketPolicy.html';
const DELETE_VERSIONS = 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/DeletingObjectVersions.html';
const OBJECT_LOCK = 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html';
const OBJECT_LOCK_MANAGING = 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-managing.html';
const HTTPS_ONLY = 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html';
const SSE_KMS = 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html';
const S3_ENCRYPTION_CONTEXT = 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#encryption-context';
const KMS_VIA_SERVICE = 'https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service';
const KMS_ENCRYPTION_CONTEXT = 'https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-encryption-context';
const KMS_GRANTS = 'https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-grant-is-for-aws-resource';

const VIA_S3 = { 'kms:ViaService': `s3.${REGION}.amazonaws.com` };
/** What S3 sends KMS for an SSE-KMS object of a bucket with an S3 Bucket Key (the context is the bucket ARN). */
const viaS3 = (bucketArn: string) => ({ ...VIA_S3, 'kms:EncryptionContext:aws:s3:arn': bucketArn });

/** What no grant under `PREFIX` may do, reader or writer: other folders, other buckets, bucket administration, the key directly. */
function boundaryRows(s: DataLakeSubject, action: 's3:GetObject' | 's3:PutObject'): CallRow[] {
  const kmsAction = action === 's3:GetObject' ? 'kms:Decrypt' : 'kms:GenerateDataKey';
  return [
    { call: 'on the sibling folder datasets/churn-pii/', action, resource: s.siblingObject, expect: 'denied', source: S3_ACTIONS },
    { call: 'on pii/', action, resource: s.piiObject, expect: 'denied', source: S3_ACTIONS },
    { call: 'on the same folder in another zone', action, resource: `${s.otherZoneBucketArn}/${PREFIX}x.parquet`, expect: 'denied', source: S3_ACTIONS },
    { call: 'on another bucket\'s objects', action, resource: `${s.foreignBucketArn}/${PREFIX}x.parquet`, expect: 'denied', source: S3_ACTIONS },
    {
      call: 'under its folder, without TLS (the bucket policy denies it)', action, resource: s.object, context: { 'aws:SecureTransport': 'false' },
      expect: 'denied', source: HTTPS_ONLY,
    },
    {
      call: 'under its folder, over TLS 1.1 (the bucket policy wants 1.2)', action, resource: s.object, context: { 's3:TlsVersion': '1.1' },
      expect: 'denied', source: S3_CONDITION_KEYS,
    },
    { call: 'lists pii/', action: 's3:ListBucket', resource: s.bucketArn, context: { 's3:prefix': 'pii/' }, expect: 'denied', source: LIST_OBJECTS },
    { call: 'lists the whole bucket (no prefix)', action: 's3:ListBucket', resource: s.bucketArn, expect: 'denied', source: S3_CONDITION_KEYS },
    {
      call: 'lists datasets/churn, which also covers datasets/churn-pii/', action: 's3:ListBucket', resource: s.bucketArn, context: { 's3:prefix': 'datasets/churn' },
      expect: 'denied', source: S3_CONDITION_KEYS,
    },
    {
      call: 'lists its folder in another zone', action: 's3:ListBucket', resource: s.otherZoneBucketArn, context: { 's3:prefix': PREFIX },
      expect: 'denied', source: LIST_OBJECTS,
    },
    { call: 'lists object versions', action: 's3:ListBucketVersions', resource: s.bucketArn, context: { 's3:prefix': PREFIX }, expect: 'denied', source: LIST_VERSIONS },
    { call: 'reads the bucket policy', action: 's3:GetBucketPolicy', resource: s.bucketArn, expect: 'denied', source: GET_BUCKET_POLICY },
    { call: 'changes the bucket policy', action: 's3:PutBucketPolicy', resource: s.bucketArn, expect: 'denied', source: S3_ACTIONS },
    { call: 'deletes a version for good', action: 's3:DeleteObjectVersion', resource: s.object, expect: 'denied', source: DELETE_VERSIONS },
    { call: 'sets Object Lock retention', action: 's3:PutObjectRetention', resource: s.object, expect: 'denied', source: OBJECT_LOCK_MANAGING },
    { call: 'sets a legal hold', action: 's3:PutObjectLegalHold', resource: s.object, expect: 'denied', source: OBJECT_LOCK_MANAGING },
    { call: 'bypasses governance retention', action: 's3:BypassGovernanceRetention', resource: s.object, expect: 'denied', source: OBJECT_LOCK },
    { call: 'uses the lake key directly (no kms:ViaService)', action: 'kms:Decrypt', resource: s.keyArn, expect: 'denied', source: KMS_VIA_SERVICE },
    {
      call: 'uses the lake key directly with the zone\'s encryption context', action: kmsAction, resource: s.keyArn,
      context: { 'kms:EncryptionContext:aws:s3:arn': s.bucketArn }, expect: 'denied', source: KMS_VIA_SERVICE,
    },
    { call: 'uses the lake key through S3 for another zone', action: kmsAction, resource: s.keyArn, context: viaS3(s.otherZoneBucketArn), expect: 'denied', source: KMS_ENCRYPTION_CONTEXT },
    { call: 'uses the lake key through S3 for another bucket', action: kmsAction, resource: s.keyArn, context: viaS3(s.foreignBucketArn), expect: 'denied', source: KMS_ENCRYPTION_CONTEXT },
    { call: 'uses the lake key through S3 without an encryption context', action: kmsAction, resource: s.keyArn, context: VIA_S3, expect: 'denied', source: S3_ENCRYPTION_CONTEXT },
    { call: 'creates a grant on the lake key', action: 'kms:CreateGrant', resource: s.keyArn, context: VIA_S3, expect: 'denied', source: KMS_GRANTS },
  ];
}

/** What a write grant allows: put, multipart, and the key through S3 for this zone (Decrypt for multipart uploads). */
function writeRows(s: DataLakeSubject): CallRow[] {
  return [
    { call: 'writes an object under its folder', action: 's3:PutObject', resource: s.object, expect: 'allowed', source: PUT_OBJECT },
    { call: 'abandons a multipart upload under its folder', action: 's3:AbortMultipartUpload', resource: s.object, expect: 'allowed', source: MULTIPART },
    { call: 'S3 encrypts an object with the lake key', action: 'kms:GenerateDataKey', resource: s.keyArn, context: viaS3(s.bucketArn), expect: 'allowed', source: SSE_KMS },
    {
      call: 'S3 encrypts an object without the Bucket Key (the object\'s ARN as context)', action: 'kms:GenerateDataKey', resource: s.keyArn,
      context: viaS3(s.object), expect: 'allowed', source: S3_ENCRYPTION_CONTEXT,
    },
    { call: 'S3 decrypts the data key of a multipart upload', action: 'kms:Decrypt', resource: s.keyArn, context: viaS3(s.bucketArn), expect: 'allowed', source: MULTIPART },
    { call: 'reads an object (a write grant does not read)', action: 's3:GetObject', resource: s.object, expect: 'denied', source: GET_OBJECT },
    { call: 'lists its folder (a write grant does not list)', action: 's3:ListBucket', resource: s.bucketArn, context: { 's3:prefix': PREFIX }, expect: 'denied', source: LIST_OBJECTS },
  ];
}

/** The calls of the principals granted on a lake zone under a prefix. Add a row where a grant gains or loses a call. */
export const DATA_LAKE_CONTRACT: PrincipalContract<DataLakeSubject>[] = [
  {
    principal: `a reader granted zone.grantRead(role, '${PREFIX}')`,
    who: (s) => ({ role: { path: pathOf(s.spec.reader) } }),
    calls: (s) => [
      { call: 'reads an object under its folder', action: 's3:GetObject', resource: s.object, expect: 'allowed', source: GET_OBJECT },
      { call: 'lists its folder', action: 's3:ListBucket', resource: s.bucketArn, context: { 's3:prefix': PREFIX }, expect: 'allowed', source: LIST_OBJECTS },
      {
        call: 'lists a subfolder of its folder', action: 's3:ListBucket', resource: s.bucketArn, context: { 's3:prefix': `${PREFIX}2026/12/` },
        expect: 'allowed', source: S3_CONDITION_KEYS,
      },
      { call: 'S3 decrypts an object with the lake key', action: 'kms:Decrypt', resource: s.keyArn, context: viaS3(s.bucketArn), expect: 'allowed', source: SSE_KMS },
      {
        call: 'S3 decrypts an object written without the Bucket Key', action: 'kms:Decrypt', resource: s.keyArn, context: viaS3(s.object),
        expect: 'allowed', source: S3_ENCRYPTION_CONTEXT,
      },
      // Must not:
      { call: 'reads a noncurrent version (restoring is not reading)', action: 's3:GetObjectVersion', resource: s.object, expect: 'denied', source: S3_ACTIONS },
      { call: 'writes under its folder', action: 's3:PutObject', resource: s.object, expect: 'denied', source: PUT_OBJECT },
      { call: 'deletes under its folder', action: 's3:DeleteObject', resource: s.object, expect: 'denied', source: DELETE_VERSIONS },
      { call: 'S3 encrypts with the lake key (a reader does not write)', action: 'kms:GenerateDataKey', resource: s.keyArn, context: viaS3(s.bucketArn), expect: 'denied', source: SSE_KMS },
      ...boundaryRows(s, 's3:GetObject'),
    ],
  },
  {
    principal: `a writer granted zone.grantWrite(role, '${PREFIX}')`,
    who: (s) => ({ role: { path: pathOf(s.spec.writer) } }),
    calls: (s) => [
      ...writeRows(s),
      {
        call: 'deletes the current version under its folder (a delete marker)', action: 's3:DeleteObject', resource: s.object, expect: 'allowed',
        source: DELETE_VERSIONS,
      },
      { call: 'deletes in the sibling folder datasets/churn-pii/', action: 's3:DeleteObject', resource: s.siblingObject, expect: 'denied', source: S3_ACTIONS },
      { call: 'deletes in pii/', action: 's3:DeleteObject', resource: s.piiObject, expect: 'denied', source: S3_ACTIONS },
      { call: 'abandons an upload in pii/', action: 's3:AbortMultipartUpload', resource: s.piiObject, expect: 'denied', source: MULTIPART },
      ...boundaryRows(s, 's3:PutObject'),
    ],
  },
  {
    principal: `a writer granted zone.grantWrite(role, '${PREFIX}', { allowDelete: false })`,
    when: (s) => s.spec.keeper !== undefined,
    who: (s) => ({ role: { path: pathOf(s.spec.keeper!) } }),
    calls: (s) => [
      ...writeRows(s),
      { call: 'deletes the current version under its folder', action: 's3:DeleteObject', resource: s.object, expect: 'denied', source: DELETE_VERSIONS },
      { call: 'deletes a version for good', action: 's3:DeleteObjectVersion', resource: s.object, expect: 'denied', source: DELETE_VERSIONS },
    ],
  },
  {
    principal: `a custodian granted zone.grantWrite(role, '${PREFIX}', { allowVersionDeletion, allowRetention, allowLegalHold })`,
    when: (s) => s.spec.custodian !== undefined,
    who: (s) => ({ role: { path: pathOf(s.spec.custodian!) } }),
    calls: (s) => [
      ...writeRows(s),
      { call: 'deletes the current version under its folder', action: 's3:DeleteObject', resource: s.object, expect: 'allowed', source: DELETE_VERSIONS },
      { call: 'deletes a version under its folder for good (opted in)', action: 's3:DeleteObjectVersion', resource: s.object, expect: 'allowed', source: DELETE_VERSIONS },
      { call: 'sets Object Lock retention under its folder (opted in)', action: 's3:PutObjectRetention', resource: s.object, expect: 'allowed', source: OBJECT_LOCK_MANAGING },
      { call: 'sets a legal hold under its folder (opted in)', action: 's3:PutObjectLegalHold', resource: s.object, expect: 'allowed', source: OBJECT_LOCK_MANAGING },
      // Must not: the opt-ins stay in the folder, and none of them bypasses governance retention.
      { call: 'deletes a version in pii/ for good', action: 's3:DeleteObjectVersion', resource: s.piiObject, expect: 'denied', source: DELETE_VERSIONS },
      { call: 'sets retention in the sibling folder', action: 's3:PutObjectRetention', resource: s.siblingObject, expect: 'denied', source: OBJECT_LOCK_MANAGING },
      { call: 'sets a legal hold in another zone', action: 's3:PutObjectLegalHold', resource: `${s.otherZoneBucketArn}/${PREFIX}x`, expect: 'denied', source: OBJECT_LOCK_MANAGING },
      { call: 'bypasses governance retention under its folder', action: 's3:BypassGovernanceRetention', resource: s.object, expect: 'denied', source: OBJECT_LOCK },
      { call: 'reads the bucket\'s Object Lock configuration', action: 's3:GetBucketObjectLockConfiguration', resource: s.bucketArn, expect: 'denied', source: OBJECT_LOCK_MANAGING },
      {
        call: 'deletes a version for good, without TLS', action: 's3:DeleteObjectVersion', resource: s.object, context: { 'aws:SecureTransport': 'false' },
        expect: 'denied', source: HTTPS_ONLY,
      },
      { call: 'uses the lake key directly', action: 'kms:GenerateDataKey', resource: s.keyArn, expect: 'denied', source: KMS_VIA_SERVICE },
    ],
  },
];
