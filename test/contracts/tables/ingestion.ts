import { App } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import { buildReferenceApp } from '../../../bin/reference-app';
import { IDataLake } from '../../../lib/data-lake';
import { StreamIngestion } from '../../../lib/processing';
import { fullIngestion, ingestionFixture, minimalIngestion } from '../../processing/ingestion-fixtures';
import { testApp } from '../../util';
import { ContractApp, pathOf } from '../harness/apps';
import { ACCOUNT, REGION } from '../harness/cfn';
import { CallRow, PrincipalContract } from '../harness/iam';

/** What an ingestion app under contract is: the stream, its lake, and a producer granted put. */
export interface IngestionAppSpec {
  readonly app: App;
  readonly ingestion: StreamIngestion;
  readonly lake: IDataLake;
  readonly producer?: iam.IRole;
  readonly source?: kinesis.IStream;
  /** The name of the Glue table of the Parquet schema, if the stream converts. */
  readonly table?: string;
}

/** The apps the ingestion table runs over: the reference app, and the minimal and full configuration of the construct. */
export const INGESTION_APPS: Record<string, () => IngestionAppSpec> = {
  'reference app': () => {
    const app = testApp();
    const stacks = buildReferenceApp(app);
    return { app, ingestion: stacks.data.ingestion, lake: stacks.data.lake };
  },
  'minimal stream (direct PUT)': () => {
    const f = ingestionFixture();
    const ingestion = minimalIngestion(f);
    const producer = new iam.Role(f.stack, 'Producer', { assumedBy: new iam.AccountRootPrincipal() });
    ingestion.grantPutRecords(producer);
    return { app: f.app, ingestion, lake: f.lake, producer };
  },
  'full stream (Kinesis source, dynamic partitioning, Parquet)': () => {
    const f = ingestionFixture();
    const full = fullIngestion(f);
    return { app: f.app, ingestion: full.ingestion, lake: f.lake, producer: full.producer, source: full.source, table: 'orders' };
  },
};

/** The concrete values the rows are written in, resolved from one synthesized app. */
export interface IngestionSubject {
  readonly spec: IngestionAppSpec;
  readonly roleArn: string;
  readonly streamArn: string;
  readonly bucketArn: string;
  readonly keyArn?: string;
  /** The zone's prefix of this stream (`events/clicks/`). */
  readonly folder: string;
  readonly dataPrefix: string;
  readonly errorPrefix: string;
  readonly otherZoneBucketArn: string;
  readonly logStreamArn: string;
  readonly sourceArn?: string;
  readonly sourceKeyArn?: string;
  readonly producerRoleArn?: string;
  readonly databaseName?: string;
}

export function ingestionSubject(app: ContractApp, spec: IngestionAppSpec): IngestionSubject {
  const i = spec.ingestion;
  const zone = i.zone;
  const otherZone = spec.lake.zoneNames.find((z) => z !== zone.zoneName)!;
  return {
    spec,
    roleArn: app.value(i, i.role.roleArn),
    streamArn: app.value(i, i.deliveryStreamArn),
    bucketArn: app.value(zone.bucket, zone.bucket.bucketArn),
    keyArn: zone.encryptionKey && app.value(zone.encryptionKey, zone.encryptionKey.keyArn),
    folder: i.dataPrefix.replace(/data\/$/, ''),
    dataPrefix: i.dataPrefix,
    errorPrefix: i.errorPrefix,
    otherZoneBucketArn: app.value(spec.lake.zone(otherZone).bucket, spec.lake.zone(otherZone).bucket.bucketArn),
    // https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatchlogs.html (log-stream resource)
    logStreamArn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${app.value(i, i.logGroup.logGroupName)}:log-stream:${app.value(i, i.logStream.logStreamName)}`,
    sourceArn: spec.source && app.value(spec.source, spec.source.streamArn),
    sourceKeyArn: spec.source?.encryptionKey && app.value(spec.source.encryptionKey, spec.source.encryptionKey.keyArn),
    producerRoleArn: spec.producer && app.value(spec.producer, spec.producer.roleArn),
    databaseName: spec.lake.databaseName && app.value(spec.lake as any, spec.lake.databaseName),
  };
}

const S3_DESTINATION = 'https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html#using-iam-s3';
const ASSUME_ROLE = 'https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html#firehose-assume-role';
const GLUE_ACCESS = 'https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html#using-iam-glue';
const PRODUCER_ACCESS = 'https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html#access-to-firehose';
const KINESIS_SOURCE = 'https://docs.aws.amazon.com/firehose/latest/dev/writing-with-kinesis-streams.html';
const KINESIS_KMS = 'https://docs.aws.amazon.com/streams/latest/dev/permissions-user-key-KMS.html';
const S3_PREFIXES = 'https://docs.aws.amazon.com/firehose/latest/dev/s3-prefixes.html';
const KMS_VIA_SERVICE = 'https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service';
const VERSIONING = 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/DeletingObjectVersions.html';
const CONFUSED_DEPUTY = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html';

const object = (bucketArn: string, key: string) => `${bucketArn}/${key}`;
/** What S3 sends KMS for an SSE-KMS object of a bucket with an S3 Bucket Key (see tables/training.ts). */
const viaS3 = (bucketArn: string) => ({ 'kms:ViaService': `s3.${REGION}.amazonaws.com`, 'kms:EncryptionContext:aws:s3:arn': bucketArn });
/** What Kinesis sends KMS for a record of a stream encrypted with a customer-managed key. */
const viaKinesis = (streamArn: string) => ({ 'kms:ViaService': `kinesis.${REGION}.amazonaws.com`, 'kms:EncryptionContext:aws:kinesis:arn': streamArn });
const OTHER_STREAM = `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/other`;

/** The calls of the ingestion capability's principals. Add a row where a principal gains or loses a call. */
export const INGESTION_CONTRACT: PrincipalContract<IngestionSubject>[] = [
  {
    principal: 'the Firehose delivery role',
    who: (s) => ({ role: { path: pathOf(s.spec.ingestion.role) } }),
    calls: (s) => {
      const delivered = object(s.bucketArn, `${s.dataPrefix}year=2026/month=12/day=02/stream-1-2026-12-02-08-00-00-0b6f9c62.gz`);
      const failed = object(s.bucketArn, `${s.errorPrefix}format-conversion-failed/year=2026/month=12/day=02/stream-1-2026-12-02-08-00-00-0b6f9c62`);
      const rows: CallRow[] = [
        { call: 'delivers an object under its data prefix', action: 's3:PutObject', resource: delivered, expect: 'allowed', source: S3_DESTINATION },
        { call: 'delivers failed records under its error prefix', action: 's3:PutObject', resource: failed, expect: 'allowed', source: S3_PREFIXES },
        { call: 'abandons a multipart upload', action: 's3:AbortMultipartUpload', resource: delivered, expect: 'allowed', source: S3_DESTINATION },
        { call: 'reads back what it delivered', action: 's3:GetObject', resource: delivered, expect: 'allowed', source: S3_DESTINATION },
        { call: 'lists its folder', action: 's3:ListBucket', resource: s.bucketArn, context: { 's3:prefix': s.dataPrefix }, expect: 'allowed', source: S3_DESTINATION },
        { call: 'reads the bucket\'s Region', action: 's3:GetBucketLocation', resource: s.bucketArn, expect: 'allowed', source: S3_DESTINATION },
        { call: 'lists unfinished multipart uploads', action: 's3:ListBucketMultipartUploads', resource: s.bucketArn, expect: 'allowed', source: S3_DESTINATION },
        { call: 'logs a delivery error', action: 'logs:PutLogEvents', resource: s.logStreamArn, expect: 'allowed', source: S3_DESTINATION },
        // Must not:
        { call: 'writes elsewhere in the zone', action: 's3:PutObject', resource: object(s.bucketArn, 'datasets/churn/part-0.csv'), expect: 'denied', source: S3_DESTINATION },
        {
          call: `writes a sibling folder (${s.folder.replace(/\/$/, '')}-pii/)`, action: 's3:PutObject',
          resource: object(s.bucketArn, `${s.folder.replace(/\/$/, '')}-pii/data/x`), expect: 'denied', source: S3_DESTINATION,
        },
        { call: 'writes another zone', action: 's3:PutObject', resource: object(s.otherZoneBucketArn, `${s.dataPrefix}x`), expect: 'denied', source: S3_DESTINATION },
        { call: 'reads another zone', action: 's3:GetObject', resource: object(s.otherZoneBucketArn, 'datasets/x'), expect: 'denied', source: S3_DESTINATION },
        { call: 'lists outside its folder', action: 's3:ListBucket', resource: s.bucketArn, context: { 's3:prefix': 'datasets/' }, expect: 'denied', source: S3_DESTINATION },
        { call: 'deletes what it delivered', action: 's3:DeleteObject', resource: delivered, expect: 'denied', source: VERSIONING },
        { call: 'deletes a version for good', action: 's3:DeleteObjectVersion', resource: delivered, expect: 'denied', source: VERSIONING },
        { call: 'puts records into its own stream', action: 'firehose:PutRecord', resource: s.streamArn, expect: 'denied', source: PRODUCER_ACCESS },
        {
          call: 'logs into another log group', action: 'logs:PutLogEvents',
          resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/kinesisfirehose/other:log-stream:DestinationDelivery`, expect: 'denied', source: S3_DESTINATION,
        },
        { call: 'reads a Kinesis stream it does not deliver', action: 'kinesis:GetRecords', resource: OTHER_STREAM, expect: 'denied', source: S3_DESTINATION },
      ];
      if (s.keyArn) {
        rows.push(
          { call: 'S3 encrypts a delivered object with the lake key', action: 'kms:GenerateDataKey', resource: s.keyArn, context: viaS3(s.bucketArn), expect: 'allowed', source: S3_DESTINATION },
          { call: 'S3 decrypts for a multipart upload', action: 'kms:Decrypt', resource: s.keyArn, context: viaS3(s.bucketArn), expect: 'allowed', source: S3_DESTINATION },
          { call: 'uses the lake key directly, not through S3', action: 'kms:GenerateDataKey', resource: s.keyArn, expect: 'denied', source: KMS_VIA_SERVICE },
          {
            call: 'uses the lake key through S3 for another zone', action: 'kms:Decrypt', resource: s.keyArn, context: viaS3(s.otherZoneBucketArn),
            expect: 'denied', source: KMS_VIA_SERVICE,
          },
        );
      }
      if (s.sourceArn) {
        rows.push(
          ...['kinesis:DescribeStream', 'kinesis:GetShardIterator', 'kinesis:GetRecords', 'kinesis:ListShards'].map((action): CallRow => ({
            call: `reads its source stream (${action})`, action, resource: s.sourceArn!, expect: 'allowed', source: S3_DESTINATION,
          })),
          { call: 'writes into its source stream', action: 'kinesis:PutRecord', resource: s.sourceArn, expect: 'denied', source: KINESIS_SOURCE },
          { call: 'describes another stream', action: 'kinesis:DescribeStream', resource: OTHER_STREAM, expect: 'denied', source: S3_DESTINATION },
        );
      }
      if (s.sourceKeyArn) {
        rows.push(
          { call: 'Kinesis decrypts the source records', action: 'kms:Decrypt', resource: s.sourceKeyArn, context: viaKinesis(s.sourceArn!), expect: 'allowed', source: KINESIS_KMS },
          { call: 'decrypts with the source key directly', action: 'kms:Decrypt', resource: s.sourceKeyArn, expect: 'denied', source: KINESIS_KMS },
          {
            call: 'Kinesis decrypts records of another stream on the same key', action: 'kms:Decrypt', resource: s.sourceKeyArn, context: viaKinesis(OTHER_STREAM),
            expect: 'denied', source: KINESIS_KMS,
          },
        );
      }
      if (s.spec.table && s.databaseName) {
        const table = (name: string) => `arn:aws:glue:${REGION}:${ACCOUNT}:table/${s.databaseName}/${name}`;
        rows.push(
          ...['glue:GetTable', 'glue:GetTableVersion', 'glue:GetTableVersions'].map((action): CallRow => ({
            call: `reads the schema of the Parquet table (${action})`, action, resource: table(s.spec.table!), expect: 'allowed', source: GLUE_ACCESS,
          })),
          { call: 'reads another table', action: 'glue:GetTable', resource: table('payments'), expect: 'denied', source: GLUE_ACCESS },
          { call: 'changes the table', action: 'glue:UpdateTable', resource: table(s.spec.table), expect: 'denied', source: GLUE_ACCESS },
        );
      }
      return rows;
    },
  },
  {
    principal: 'Firehose, assuming the delivery role',
    who: () => ({ service: 'firehose.amazonaws.com' }),
    calls: (s) => [
      { call: 'for this account (external id)', action: 'sts:AssumeRole', resource: s.roleArn, context: { 'sts:ExternalId': ACCOUNT }, expect: 'allowed', source: ASSUME_ROLE },
      { call: 'for another account', action: 'sts:AssumeRole', resource: s.roleArn, context: { 'sts:ExternalId': '210987654321' }, expect: 'denied', source: CONFUSED_DEPUTY },
      { call: 'without an external id', action: 'sts:AssumeRole', resource: s.roleArn, expect: 'denied', source: CONFUSED_DEPUTY },
    ],
  },
  {
    principal: 'a producer granted put (direct PUT)',
    when: (s) => s.producerRoleArn !== undefined && s.sourceArn === undefined,
    who: (s) => ({ role: { path: pathOf(s.spec.producer!) } }),
    calls: (s) => [
      { action: 'firehose:PutRecord', resource: s.streamArn, expect: 'allowed', source: PRODUCER_ACCESS },
      { action: 'firehose:PutRecordBatch', resource: s.streamArn, expect: 'allowed', source: PRODUCER_ACCESS },
      { call: 'puts into another Firehose stream', action: 'firehose:PutRecord', resource: `arn:aws:firehose:${REGION}:${ACCOUNT}:deliverystream/other`, expect: 'denied', source: PRODUCER_ACCESS },
      { call: 'changes the destination', action: 'firehose:UpdateDestination', resource: s.streamArn, expect: 'denied', source: PRODUCER_ACCESS },
      { call: 'deletes the stream', action: 'firehose:DeleteDeliveryStream', resource: s.streamArn, expect: 'denied', source: PRODUCER_ACCESS },
      { call: 'writes the zone directly', action: 's3:PutObject', resource: object(s.bucketArn, `${s.dataPrefix}x`), expect: 'denied', source: S3_DESTINATION },
    ],
  },
  {
    principal: 'a producer granted put (Kinesis source)',
    when: (s) => s.producerRoleArn !== undefined && s.sourceArn !== undefined,
    who: (s) => ({ role: { path: pathOf(s.spec.producer!) } }),
    calls: (s) => {
      const rows: CallRow[] = [
        { action: 'kinesis:PutRecord', resource: s.sourceArn!, expect: 'allowed', source: KINESIS_KMS },
        { action: 'kinesis:PutRecords', resource: s.sourceArn!, expect: 'allowed', source: KINESIS_KMS },
        { call: 'reads the stream', action: 'kinesis:GetRecords', resource: s.sourceArn!, expect: 'denied', source: KINESIS_KMS },
        { call: 'puts into another stream', action: 'kinesis:PutRecord', resource: OTHER_STREAM, expect: 'denied', source: KINESIS_KMS },
        { call: 'puts into the Firehose stream (disabled with a Kinesis source)', action: 'firehose:PutRecord', resource: s.streamArn, expect: 'denied', source: KINESIS_SOURCE },
      ];
      if (s.sourceKeyArn) {
        rows.push(
          { call: 'Kinesis encrypts its records', action: 'kms:GenerateDataKey', resource: s.sourceKeyArn, context: viaKinesis(s.sourceArn!), expect: 'allowed', source: KINESIS_KMS },
          { call: 'uses the key directly', action: 'kms:GenerateDataKey', resource: s.sourceKeyArn, expect: 'denied', source: KMS_VIA_SERVICE },
          { call: 'decrypts records', action: 'kms:Decrypt', resource: s.sourceKeyArn, context: viaKinesis(s.sourceArn!), expect: 'denied', source: KINESIS_KMS },
        );
      }
      return rows;
    },
  },
];
