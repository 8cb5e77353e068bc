import { App, Token } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { buildReferenceApp } from '../../../bin/reference-app';
import { IDataLake } from '../../../lib/data-lake';
import { FeatureGroup, FeatureIngestion } from '../../../lib/feature-store';
import { featureStoreFixture, fullFeatureGroup, fullIngestion, minimalFeatureGroup, minimalIngestion } from '../../feature-store/fixtures';
import { imageModel } from '../../serving/fixtures';
import { testApp } from '../../util';
import { ContractApp, pathOf } from '../harness/apps';
import { ACCOUNT, REGION } from '../harness/cfn';
import { CallRow, PrincipalContract } from '../harness/iam';

/** What a feature-store app under contract is: its feature group, its lake, and who is granted what on it. */
export interface FeatureStoreAppSpec {
  readonly app: App;
  readonly group: FeatureGroup;
  readonly lake: IDataLake;
  /** Granted `grantRead` (online records): a role, or a serving model's role. */
  readonly reader?: iam.IRole;
  /** Granted `grantWrite`, with `allowDelete` when `writerMayDelete`. */
  readonly writer?: iam.IRole;
  readonly writerMayDelete?: boolean;
  /** Granted `grantReadOfflineStore`. */
  readonly trainer?: iam.IRole;
  /** A stream ingestion into the group. */
  readonly ingestion?: FeatureIngestion;
}

/** The apps the feature-store table runs over: the minimal group (online only) and the full group (both stores, keys). */
export const FEATURE_STORE_APPS: Record<string, () => FeatureStoreAppSpec> = {
  'reference app (the ETL\'s Spark job writes, the training role reads the offline store)': () => {
    const app = testApp();
    const { data, training } = buildReferenceApp(app);
    return { app, group: data.customerFeatures, lake: data.lake, writer: data.features.role, trainer: training.pipeline.trainingRole };
  },
  'minimal feature group (Standard online store, a reader and a writer)': () => {
    const f = featureStoreFixture();
    const group = minimalFeatureGroup(f);
    const reader = new iam.Role(f.stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    const writer = new iam.Role(f.stack, 'Writer', { assumedBy: new iam.AccountRootPrincipal() });
    group.grantRead(reader);
    group.grantWrite(writer);
    return { app: f.app, group, lake: f.lake, reader, writer };
  },
  'a serving model granted read of the online store': () => {
    const f = featureStoreFixture();
    const group = minimalFeatureGroup(f);
    // Without network isolation: the container calls GetRecord to enrich a request by its customer id.
    const model = imageModel(f.stack, 'Model', {
      repo: ecr.Repository.fromRepositoryName(f.stack, 'Repo', 'churn-inference'), lake: f.lake, key: 'churn/v3/model.tar.gz', networkIsolation: false,
    });
    group.grantRead(model);
    return { app: f.app, group, lake: f.lake, reader: model.role as iam.IRole };
  },
  'full feature group (online key and TTL, Iceberg offline store, provisioned, a reader, a deleting writer, a trainer)': () => {
    const f = featureStoreFixture();
    const full = fullFeatureGroup(f);
    return { app: f.app, group: full.group, lake: f.lake, reader: full.reader, writer: full.writer, writerMayDelete: true, trainer: full.trainer };
  },
  'an offline store under a derived name (a reader, a writer, a trainer: the hashed group name and its table)': () => {
    const f = featureStoreFixture();
    const group = minimalFeatureGroup(f, { offlineStore: { lake: f.lake } });
    const reader = new iam.Role(f.stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    const writer = new iam.Role(f.stack, 'Writer', { assumedBy: new iam.AccountRootPrincipal() });
    const trainer = new iam.Role(f.stack, 'Trainer', { assumedBy: new iam.AccountRootPrincipal() });
    group.grantRead(reader);
    group.grantWrite(writer);
    group.grantReadOfflineStore(trainer);
    return { app: f.app, group, lake: f.lake, reader, writer, trainer };
  },
  'minimal stream ingestion (a stream with an AWS managed key into the minimal group)': () => {
    const f = featureStoreFixture();
    const { ingestion, group } = minimalIngestion(f);
    return { app: f.app, group, lake: f.lake, ingestion };
  },
  'full stream ingestion (a stream with a customer-managed key into the full group, online store only, alerts)': () => {
    const f = featureStoreFixture();
    const { ingestion, full } = fullIngestion(f);
    return { app: f.app, group: full.group, lake: f.lake, ingestion };
  },
};

/** The concrete values the rows are written in, resolved from one synthesized app. */
export interface FeatureStoreSubject {
  readonly spec: FeatureStoreAppSpec;
  readonly groupArn: string;
  readonly otherGroupArn: string;
  /** With a derived name: the group that a replacing change left behind (the same path, other settings, another hash). */
  readonly replacedGroupArn?: string;
  readonly onlineKeyArn?: string;
  readonly offlineRoleArn?: string;
  readonly bucketArn?: string;
  readonly prefix?: string;
  readonly keyArn?: string;
  readonly otherZoneBucketArn: string;
  readonly tableArn?: string;
  readonly otherTableArn?: string;
  /** An object Feature Store writes (`<prefix><account>/sagemaker/<region>/offline-store/<group>-<time>/data/...`). */
  readonly recordObject?: string;
  readonly ingestionRoleArn?: string;
  readonly streamArn?: string;
  readonly streamKeyArn?: string;
  readonly failedQueueArn?: string;
}

export function featureStoreSubject(app: ContractApp, spec: FeatureStoreAppSpec): FeatureStoreSubject {
  const g = spec.group;
  const offline = g.offlineStore;
  const other = spec.lake.zone('curated').bucket;
  const bucketArn = offline && app.value(offline.zone.bucket, offline.zone.bucket.bucketArn);
  const name = app.value(g, g.featureGroupName);
  // A derived name (path, hyphen, settings hash) is rendered at synthesis; the table's default name follows it.
  const derived = Token.isUnresolved(g.featureGroupName);
  const tableName = offline && app.value(g, offline.tableName);
  return {
    spec,
    groupArn: app.value(g, g.featureGroupArn),
    otherGroupArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:feature-group/other-features`,
    replacedGroupArn: derived ? `arn:aws:sagemaker:${REGION}:${ACCOUNT}:feature-group/${name.replace(/-[0-9a-f]{8}$/, '-00000000')}` : undefined,
    onlineKeyArn: g.onlineStoreEncryptionKey && app.value(g.onlineStoreEncryptionKey, g.onlineStoreEncryptionKey.keyArn),
    offlineRoleArn: g.offlineStoreRole && app.value(g.offlineStoreRole, g.offlineStoreRole.roleArn),
    bucketArn,
    prefix: offline?.prefix,
    keyArn: offline?.zone.encryptionKey && app.value(offline.zone.encryptionKey, offline.zone.encryptionKey.keyArn),
    otherZoneBucketArn: app.value(other, other.bucketArn),
    tableArn: offline && `arn:aws:glue:${REGION}:${ACCOUNT}:table/${offline.databaseName}/${tableName}`,
    otherTableArn: offline && `arn:aws:glue:${REGION}:${ACCOUNT}:table/${offline.databaseName}/churn_events`,
    recordObject: offline && `${bucketArn}/${offline.prefix}${ACCOUNT}/sagemaker/${REGION}/offline-store/${name}-1764748800/data/`
      + 'year=2026/month=12/day=03/hour=08/20261203T080000Z_0a1b2c3d.parquet',
    ...ingestionSubject(app, spec.ingestion),
  };
}

function ingestionSubject(app: ContractApp, ing: FeatureIngestion | undefined): Partial<FeatureStoreSubject> {
  if (!ing) {
    return {};
  }
  const mapping = ing.eventSourceMapping;
  const streamArn = app.value(mapping, (mapping.node.defaultChild as lambda.CfnEventSourceMapping).eventSourceArn!);
  const key = ing.node.scope!.node.tryFindChild('StreamKey') as kms.IKey | undefined;
  return {
    ingestionRoleArn: app.value(ing.role, ing.role.roleArn),
    streamArn,
    streamKeyArn: key && app.value(key, key.keyArn),
    failedQueueArn: app.value(ing.failedRecordsQueue, ing.failedRecordsQueue.queueArn),
  };
}

const ACTIONS = 'https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html';
const GET_RECORD = 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_feature_store_GetRecord.html';
const BATCH_GET_RECORD = 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_feature_store_BatchGetRecord.html';
const PUT_RECORD = 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_feature_store_PutRecord.html';
const DELETE_RECORD = 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_feature_store_DeleteRecord.html';
const ONLINE_KEY = 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_OnlineStoreSecurityConfig.html';
const ROLE_ARN = 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateFeatureGroup.html#sagemaker-CreateFeatureGroup-request-RoleArn';
const OFFLINE_POLICY = 'https://docs.aws.amazon.com/sagemaker/latest/dg/security-iam-awsmanpol-feature-store.html';
const OFFLINE_KMS = 'https://docs.aws.amazon.com/sagemaker/latest/dg/feature-store-cross-account-access-offline-store.html';
const OFFLINE_STORE = 'https://docs.aws.amazon.com/sagemaker/latest/dg/feature-store-storage-configurations-offline-store.html';
const GLUE_ARNS = 'https://docs.aws.amazon.com/glue/latest/dg/glue-specifying-resource-arns.html';
const KMS_VIA_SERVICE = 'https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service';
const VERSIONING = 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/DeletingObjectVersions.html';
const CONFUSED_DEPUTY = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html';
const DESCRIBE_GROUP = 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeFeatureGroup.html';
const KINESIS_MAPPING = 'https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-create.html';
const KINESIS_DESTINATION = 'https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html';
const KINESIS_KMS = 'https://docs.aws.amazon.com/streams/latest/dev/permissions-user-key-KMS.html';
const SEND_MESSAGE = 'https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html';
const LAMBDA_TRUST = 'https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html';
const KINESIS_ACTIONS = 'https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonkinesis.html';
const OTHER_STREAM = `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/other-features`;
const OTHER_QUEUE = `arn:aws:sqs:${REGION}:${ACCOUNT}:other-queue`;
const SAGEMAKER_CONFUSED_DEPUTY = 'https://docs.aws.amazon.com/sagemaker/latest/dg/security-confused-deputy-prevention.html';

/** What S3 sends KMS for an SSE-KMS object of a bucket with an S3 Bucket Key (see tables/training.ts). */
const viaS3 = (bucketArn: string) => ({ 'kms:ViaService': `s3.${REGION}.amazonaws.com`, 'kms:EncryptionContext:aws:s3:arn': bucketArn });

/** The rows every principal that reads or writes records has on the online store's key. */
function onlineKeyRows(s: FeatureStoreSubject): CallRow[] {
  return s.onlineKeyArn
    ? [{ call: 'uses the online store key in a runtime call', action: 'kms:Decrypt', resource: s.onlineKeyArn, expect: 'allowed', source: ONLINE_KEY }]
    : [];
}

/** With a derived name, the grants name the group of the current settings only, not the group a replacing change left behind. */
function replacedGroupRows(s: FeatureStoreSubject, action: string): CallRow[] {
  return s.replacedGroupArn
    ? [{ call: 'uses the group a replacing change left behind', action, resource: s.replacedGroupArn, expect: 'denied', source: ACTIONS }]
    : [];
}

/** The calls of the feature-store principals. Add a row where a principal gains or loses a call. */
export const FEATURE_STORE_CONTRACT: PrincipalContract<FeatureStoreSubject>[] = [
  {
    principal: 'the offline store role',
    when: (s) => s.offlineRoleArn !== undefined,
    who: (s) => ({ role: { path: pathOf(s.spec.group.offlineStoreRole!) } }),
    calls: (s) => {
      const object = s.recordObject!;
      const metadata = `${s.bucketArn}/${s.prefix}${ACCOUNT}/sagemaker/${REGION}/offline-store/metadata/manifest.json`;
      const rows: CallRow[] = [
        { call: 'writes a record file under its folder', action: 's3:PutObject', resource: object, expect: 'allowed', source: OFFLINE_POLICY },
        { call: 'sets the object ACL of a record file', action: 's3:PutObjectAcl', resource: object, expect: 'allowed', source: OFFLINE_POLICY },
        { call: 'reads a manifest of its metadata folder', action: 's3:GetObject', resource: metadata, expect: 'allowed', source: OFFLINE_POLICY },
        { call: 'reads the bucket ACL', action: 's3:GetBucketAcl', resource: s.bucketArn!, expect: 'allowed', source: OFFLINE_POLICY },
        { call: 'reads its table', action: 'glue:GetTable', resource: s.tableArn!, expect: 'allowed', source: OFFLINE_POLICY },
        { call: 'updates its table', action: 'glue:UpdateTable', resource: s.tableArn!, expect: 'allowed', source: OFFLINE_POLICY },
        { call: 'S3 encrypts a record file with the lake key', action: 'kms:GenerateDataKey', resource: s.keyArn!, context: viaS3(s.bucketArn!), expect: 'allowed', source: OFFLINE_KMS },
        // Must not:
        { call: 'writes elsewhere in the zone', action: 's3:PutObject', resource: `${s.bucketArn}/datasets/churn/part-0.parquet`, expect: 'denied', source: OFFLINE_STORE },
        {
          call: 'writes a sibling folder', action: 's3:PutObject', resource: `${s.bucketArn}/${s.prefix!.replace(/\/$/, '')}-pii/x.parquet`,
          expect: 'denied', source: OFFLINE_STORE,
        },
        { call: 'writes another zone', action: 's3:PutObject', resource: `${s.otherZoneBucketArn}/${s.prefix}x.parquet`, expect: 'denied', source: OFFLINE_STORE },
        { call: 'sets the ACL of another zone\'s object', action: 's3:PutObjectAcl', resource: `${s.otherZoneBucketArn}/x`, expect: 'denied', source: OFFLINE_POLICY },
        { call: 'deletes a record file', action: 's3:DeleteObject', resource: object, expect: 'denied', source: VERSIONING },
        { call: 'deletes a version for good', action: 's3:DeleteObjectVersion', resource: object, expect: 'denied', source: VERSIONING },
        { call: 'updates another table', action: 'glue:UpdateTable', resource: s.otherTableArn!, expect: 'denied', source: GLUE_ARNS },
        { call: 'deletes its table', action: 'glue:DeleteTable', resource: s.tableArn!, expect: 'denied', source: GLUE_ARNS },
        { call: 'uses the lake key directly, not through S3', action: 'kms:GenerateDataKey', resource: s.keyArn!, expect: 'denied', source: KMS_VIA_SERVICE },
        {
          call: 'uses the lake key through S3 for another zone', action: 'kms:GenerateDataKey', resource: s.keyArn!, context: viaS3(s.otherZoneBucketArn),
          expect: 'denied', source: KMS_VIA_SERVICE,
        },
        { call: 'puts records into the group', action: 'sagemaker:PutRecord', resource: s.groupArn, expect: 'denied', source: ROLE_ARN },
      ];
      return rows;
    },
  },
  {
    principal: 'SageMaker, assuming the offline store role',
    when: (s) => s.offlineRoleArn !== undefined,
    who: () => ({ service: 'sagemaker.amazonaws.com' }),
    calls: (s) => [
      { call: 'for this account', action: 'sts:AssumeRole', resource: s.offlineRoleArn!, context: { 'aws:SourceAccount': ACCOUNT }, expect: 'allowed', source: ROLE_ARN },
      {
        call: 'for another account', action: 'sts:AssumeRole', resource: s.offlineRoleArn!, context: { 'aws:SourceAccount': '210987654321' },
        expect: 'denied', source: CONFUSED_DEPUTY,
      },
      // SageMaker's confused-deputy page does not list Feature Store among the features that send aws:SourceAccount: the trust must
      // not depend on it (StringEqualsIfExists).
      { call: 'without a source account', action: 'sts:AssumeRole', resource: s.offlineRoleArn!, expect: 'allowed', source: SAGEMAKER_CONFUSED_DEPUTY },
    ],
  },
  {
    principal: 'a reader granted grantRead',
    when: (s) => s.spec.reader !== undefined,
    who: (s) => ({ role: { path: pathOf(s.spec.reader!) } }),
    calls: (s) => [
      { action: 'sagemaker:GetRecord', resource: s.groupArn, expect: 'allowed', source: GET_RECORD },
      { action: 'sagemaker:BatchGetRecord', resource: s.groupArn, expect: 'allowed', source: BATCH_GET_RECORD },
      ...onlineKeyRows(s),
      { call: 'reads another group', action: 'sagemaker:GetRecord', resource: s.otherGroupArn, expect: 'denied', source: ACTIONS },
      ...replacedGroupRows(s, 'sagemaker:GetRecord'),
      { call: 'writes a record', action: 'sagemaker:PutRecord', resource: s.groupArn, expect: 'denied', source: PUT_RECORD },
      { call: 'deletes a record', action: 'sagemaker:DeleteRecord', resource: s.groupArn, expect: 'denied', source: DELETE_RECORD },
      { call: 'deletes the group', action: 'sagemaker:DeleteFeatureGroup', resource: s.groupArn, expect: 'denied', source: ACTIONS },
    ],
  },
  {
    principal: 'a writer granted grantWrite',
    when: (s) => s.spec.writer !== undefined,
    who: (s) => ({ role: { path: pathOf(s.spec.writer!) } }),
    calls: (s) => [
      { action: 'sagemaker:PutRecord', resource: s.groupArn, expect: 'allowed', source: PUT_RECORD },
      {
        call: s.spec.writerMayDelete ? 'deletes a record (allowDelete)' : 'deletes a record (no allowDelete)', action: 'sagemaker:DeleteRecord',
        resource: s.groupArn, expect: s.spec.writerMayDelete ? 'allowed' : 'denied', source: DELETE_RECORD,
      },
      ...onlineKeyRows(s),
      { call: 'reads a record', action: 'sagemaker:GetRecord', resource: s.groupArn, expect: 'denied', source: GET_RECORD },
      { call: 'writes another group', action: 'sagemaker:PutRecord', resource: s.otherGroupArn, expect: 'denied', source: ACTIONS },
      ...replacedGroupRows(s, 'sagemaker:PutRecord'),
      { call: 'changes the group', action: 'sagemaker:UpdateFeatureGroup', resource: s.groupArn, expect: 'denied', source: ACTIONS },
    ],
  },
  {
    principal: 'a trainer granted grantReadOfflineStore',
    when: (s) => s.spec.trainer !== undefined,
    who: (s) => ({ role: { path: pathOf(s.spec.trainer!) } }),
    calls: (s) => [
      { call: 'reads the table definition', action: 'glue:GetTable', resource: s.tableArn!, expect: 'allowed', source: GLUE_ARNS },
      { call: 'reads the table partitions', action: 'glue:GetPartitions', resource: s.tableArn!, expect: 'allowed', source: GLUE_ARNS },
      { call: 'reads a record file', action: 's3:GetObject', resource: s.recordObject!, expect: 'allowed', source: OFFLINE_STORE },
      { call: 'lists the folder', action: 's3:ListBucket', resource: s.bucketArn!, context: { 's3:prefix': s.prefix! }, expect: 'allowed', source: OFFLINE_STORE },
      { call: 'S3 decrypts a record file', action: 'kms:Decrypt', resource: s.keyArn!, context: viaS3(s.bucketArn!), expect: 'allowed', source: OFFLINE_KMS },
      // Must not:
      { call: 'writes the folder', action: 's3:PutObject', resource: s.recordObject!, expect: 'denied', source: OFFLINE_STORE },
      { call: 'reads elsewhere in the zone', action: 's3:GetObject', resource: `${s.bucketArn}/datasets/x`, expect: 'denied', source: OFFLINE_STORE },
      { call: 'lists outside the folder', action: 's3:ListBucket', resource: s.bucketArn!, context: { 's3:prefix': 'datasets/' }, expect: 'denied', source: OFFLINE_STORE },
      { call: 'updates the table', action: 'glue:UpdateTable', resource: s.tableArn!, expect: 'denied', source: GLUE_ARNS },
      { call: 'reads another table', action: 'glue:GetTable', resource: s.otherTableArn!, expect: 'denied', source: GLUE_ARNS },
      { call: 'reads the online store', action: 'sagemaker:GetRecord', resource: s.groupArn, expect: 'denied', source: GET_RECORD },
      { call: 'decrypts with the lake key directly', action: 'kms:Decrypt', resource: s.keyArn!, expect: 'denied', source: KMS_VIA_SERVICE },
    ],
  },
  {
    principal: 'the stream ingestion function role',
    when: (s) => s.ingestionRoleArn !== undefined,
    who: (s) => ({ role: { path: pathOf(s.spec.ingestion!.role) } }),
    calls: (s) => {
      const rows: CallRow[] = [
        { call: 'writes a record into its group', action: 'sagemaker:PutRecord', resource: s.groupArn, expect: 'allowed', source: PUT_RECORD },
        { call: 'describes its group (the feature types)', action: 'sagemaker:DescribeFeatureGroup', resource: s.groupArn, expect: 'allowed', source: DESCRIBE_GROUP },
        ...['kinesis:DescribeStream', 'kinesis:DescribeStreamSummary', 'kinesis:GetRecords', 'kinesis:GetShardIterator', 'kinesis:ListShards'].map((action): CallRow => ({ call: 'Lambda reads the stream', action, resource: s.streamArn!, expect: 'allowed', source: KINESIS_MAPPING })),
        { call: 'sends a rejected record or a discarded batch to its queue', action: 'sqs:SendMessage', resource: s.failedQueueArn!, expect: 'allowed', source: KINESIS_DESTINATION },
        ...onlineKeyRows(s),
        // Must not:
        { call: 'writes another group', action: 'sagemaker:PutRecord', resource: s.otherGroupArn, expect: 'denied', source: ACTIONS },
        { call: 'reads a record', action: 'sagemaker:GetRecord', resource: s.groupArn, expect: 'denied', source: GET_RECORD },
        { call: 'deletes a record', action: 'sagemaker:DeleteRecord', resource: s.groupArn, expect: 'denied', source: DELETE_RECORD },
        { call: 'changes the group', action: 'sagemaker:UpdateFeatureGroup', resource: s.groupArn, expect: 'denied', source: ACTIONS },
        { call: 'writes into its stream', action: 'kinesis:PutRecord', resource: s.streamArn!, expect: 'denied', source: KINESIS_MAPPING },
        { call: 'reads another stream', action: 'kinesis:GetRecords', resource: OTHER_STREAM, expect: 'denied', source: KINESIS_MAPPING },
        {
          call: 'subscribes to a consumer of its stream (no enhanced fan-out)', action: 'kinesis:SubscribeToShard', resource: `${s.streamArn}/consumer/fanout:1764748800`,
          expect: 'denied', source: KINESIS_ACTIONS,
        },
        { call: 'receives from its queue (only senders)', action: 'sqs:ReceiveMessage', resource: s.failedQueueArn!, expect: 'denied', source: SEND_MESSAGE },
        { call: 'sends to another queue', action: 'sqs:SendMessage', resource: OTHER_QUEUE, expect: 'denied', source: SEND_MESSAGE },
      ];
      if (s.streamKeyArn) {
        rows.push(
          {
            call: 'Kinesis decrypts the stream\'s records', action: 'kms:Decrypt', resource: s.streamKeyArn,
            context: { 'kms:ViaService': `kinesis.${REGION}.amazonaws.com`, 'kms:EncryptionContext:aws:kinesis:arn': s.streamArn! }, expect: 'allowed', source: KINESIS_KMS,
          },
          { call: 'uses the stream key directly, not through Kinesis', action: 'kms:Decrypt', resource: s.streamKeyArn, expect: 'denied', source: KMS_VIA_SERVICE },
          {
            call: 'uses the stream key through Kinesis for another stream', action: 'kms:Decrypt', resource: s.streamKeyArn,
            context: { 'kms:ViaService': `kinesis.${REGION}.amazonaws.com`, 'kms:EncryptionContext:aws:kinesis:arn': OTHER_STREAM }, expect: 'denied', source: KMS_VIA_SERVICE,
          },
        );
      }
      return rows;
    },
  },
  {
    principal: 'Lambda assuming the stream ingestion function role',
    when: (s) => s.ingestionRoleArn !== undefined,
    who: () => ({ service: 'lambda.amazonaws.com' }),
    calls: (s) => [
      { action: 'sts:AssumeRole', resource: s.ingestionRoleArn!, expect: 'allowed', source: LAMBDA_TRUST },
      {
        call: 'the offline store role is SageMaker\'s, not Lambda\'s', action: 'sts:AssumeRole', resource: s.offlineRoleArn ?? s.ingestionRoleArn!.replace(/[^/]+$/, 'other'),
        expect: 'denied', source: LAMBDA_TRUST,
      },
    ],
  },
];
