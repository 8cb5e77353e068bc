import { CfnParameter, Duration, Size, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as logs from 'aws-cdk-lib/aws-logs';
import { fullIngestion, ingestionFixture, minimalIngestion } from './ingestion-fixtures';
import { DataLake } from '../../lib/data-lake';
import { StreamIngestion } from '../../lib/processing';
import { Readable } from '../exact';
import { TEST_ENV, testApp } from '../util';

const DATE = 'year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/';
const viaS3 = (objects: string) => ({
  StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' },
  StringLike: { 'kms:EncryptionContext:aws:s3:arn': ['<Data/Lake/raw.Arn>', `<Data/Lake/raw.Arn>/${objects}`] },
});

describe('StreamIngestion, minimal (direct PUT)', () => {
  const f = ingestionFixture();
  const ingestion = minimalIngestion(f);
  const producer = new iam.Role(f.stack, 'Producer', { assumedBy: new iam.AccountRootPrincipal() });
  ingestion.grantPutRecords(producer);
  const r = Readable.of(f.stack);

  test('defines a direct-PUT Firehose stream into raw/events/clicks/, encrypted with the lake key inside Firehose and in S3', () => {
    expect(r.resources('AWS::KinesisFirehose::DeliveryStream')).toEqual({
      'Data/Clicks': {
        DeliveryStreamType: 'DirectPut',
        DeliveryStreamEncryptionConfigurationInput: { KeyType: 'CUSTOMER_MANAGED_CMK', KeyARN: '<Data/Lake/Key.Arn>' },
        ExtendedS3DestinationConfiguration: {
          BucketARN: '<Data/Lake/raw.Arn>',
          RoleARN: '<Data/Clicks/Role.Arn>',
          Prefix: `events/clicks/data/${DATE}`,
          ErrorOutputPrefix: `events/clicks/errors/!{firehose:error-output-type}/${DATE}`,
          BufferingHints: { IntervalInSeconds: 300, SizeInMBs: 5 },
          CompressionFormat: 'GZIP',
          EncryptionConfiguration: { KMSEncryptionConfig: { AWSKMSKeyARN: '<Data/Lake/Key.Arn>' } },
          CloudWatchLoggingOptions: { Enabled: true, LogGroupName: '<Data/Clicks/Logs>', LogStreamName: '<Data/Clicks/DeliveryErrors>' },
          S3BackupMode: 'Disabled',
        },
      },
    });
    expect(ingestion.dataPrefix).toBe('events/clicks/data/');
    expect(ingestion.errorPrefix).toBe('events/clicks/errors/');
    expect([ingestion.bufferIntervalSeconds, ingestion.bufferSizeMiB]).toEqual([300, 5]);
  });

  test('the delivery role\'s whole policy: its folder of the raw zone, the bucket reads Firehose makes, the lake key through S3, its log stream', () => {
    expect(r.rolePolicy('Data/Clicks/Role')).toEqual({
      statements: [
        { Action: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'], Effect: 'Allow', Resource: '<Data/Lake/raw.Arn>/events/clicks/*' },
        { Action: 's3:ListBucket', Condition: { StringLike: { 's3:prefix': ['events/clicks/*'] } }, Effect: 'Allow', Resource: '<Data/Lake/raw.Arn>' },
        { Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Condition: viaS3('events/clicks/*'), Effect: 'Allow', Resource: '<Data/Lake/Key.Arn>' },
        { Action: ['s3:GetBucketLocation', 's3:ListBucketMultipartUploads'], Effect: 'Allow', Resource: '<Data/Lake/raw.Arn>' },
        {
          Action: 'logs:PutLogEvents', Effect: 'Allow',
          Resource: 'arn:aws:logs:us-east-1:123456789012:log-group:<Data/Clicks/Logs>:log-stream:<Data/Clicks/DeliveryErrors>',
        },
      ],
      managedPolicyArns: [],
    });
  });

  test('only Firehose of this account assumes the role (the account as external id)', () => {
    expect(r.resources('AWS::IAM::Role')['Data/Clicks/Role'].AssumeRolePolicyDocument).toEqual({
      Statement: [{
        Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': '123456789012' } }, Effect: 'Allow',
        Principal: { Service: 'firehose.amazonaws.com' },
      }],
      Version: '2012-10-17',
    });
  });

  test('the stream waits for the role\'s policy (Firehose checks its access on creation)', () => {
    const [stream] = Object.values<any>(r.template.Resources).filter((x) => x.Type === 'AWS::KinesisFirehose::DeliveryStream');
    expect(stream.DependsOn.map((d: string) => r.pathOf(d)).sort()).toEqual(['Data/Clicks/Role', 'Data/Clicks/Role/DefaultPolicy']);
  });

  test('delivery errors go to a retained log group kept a year and encrypted with a key CloudWatch Logs may use', () => {
    expect(r.resources('AWS::Logs::LogGroup')['Data/Clicks/Logs']).toEqual({ KmsKeyId: '<Data/Clicks/LogsKey.Arn>', RetentionInDays: 365 });
    const [group] = Object.values<any>(r.template.Resources).filter((x) => x.Type === 'AWS::Logs::LogGroup');
    expect([group.DeletionPolicy, group.UpdateReplacePolicy]).toEqual(['Retain', 'Retain']);
    const key = r.resources('AWS::KMS::Key')['Data/Clicks/LogsKey'];
    expect(key.EnableKeyRotation).toBe(true);
    expect(key.KeyPolicy.Statement.map((s: any) => s.Sid ?? s.Principal)).toEqual([
      { AWS: 'arn:aws:iam::123456789012:root' }, 'CloudWatchLogs', 'DenyGrantsNotForAwsResources',
    ]);
  });

  test('a producer is granted PutRecord and PutRecordBatch on this stream only', () => {
    expect(r.rolePolicy('Data/Producer').statements).toEqual([
      { Action: ['firehose:PutRecord', 'firehose:PutRecordBatch'], Effect: 'Allow', Resource: '<Data/Clicks.Arn>' },
    ]);
  });

  test('alarms on failed deliveries (Success < 1) and on stale data (freshness above 3 x the interval, at least 15 minutes)', () => {
    expect(r.alarms()).toEqual({
      'Data/Clicks/DeliveryFailed': {
        namespace: 'AWS/Firehose', metric: 'DeliveryToS3.Success', dimensions: { DeliveryStreamName: '<Data/Clicks>' }, statistic: 'Average',
        period: 300, comparison: 'LessThanThreshold', threshold: 1, evaluationPeriods: 3, datapointsToAlarm: 2, treatMissingData: 'notBreaching',
      },
      'Data/Clicks/DataFreshness': {
        namespace: 'AWS/Firehose', metric: 'DeliveryToS3.DataFreshness', dimensions: { DeliveryStreamName: '<Data/Clicks>' },
        statistic: 'Maximum', period: 300, comparison: 'GreaterThanThreshold', threshold: 900, evaluationPeriods: 2, datapointsToAlarm: 2,
        treatMissingData: 'notBreaching',
      },
    });
    const alarms = r.resources('AWS::CloudWatch::Alarm');
    expect(alarms['Data/Clicks/DeliveryFailed'].AlarmDescription).toMatch(/^\[CRITICAL\] Firehose stream Data\/Clicks failed to put records into raw\/events\/clicks\/data\//);
    expect(alarms['Data/Clicks/DataFreshness'].AlarmDescription).toBe('[WARNING] Records of Firehose stream Data/Clicks wait more than 900 s to '
      + 'reach raw/events/clicks/data/ (buffer interval 300 s).');
    // No alert topics: no actions, no names (CloudFormation generates them).
    expect(alarms['Data/Clicks/DeliveryFailed'].AlarmActions).toBeUndefined();
    expect(alarms['Data/Clicks/DeliveryFailed'].AlarmName).toBeUndefined();
  });
});

describe('StreamIngestion, full (Kinesis source, dynamic partitioning, Parquet, alerts)', () => {
  const f = ingestionFixture();
  const { ingestion } = fullIngestion(f);
  const r = Readable.of(f.stack);

  test('reads the Kinesis stream, partitions by the jq key then the arrival date, converts to Parquet against the lake\'s table', () => {
    expect(r.resources('AWS::KinesisFirehose::DeliveryStream')['Data/Orders']).toEqual({
      DeliveryStreamName: 'orders',
      DeliveryStreamType: 'KinesisStreamAsSource',
      KinesisStreamSourceConfiguration: { KinesisStreamARN: '<Data/Source.Arn>', RoleARN: '<Data/Orders/Role.Arn>' },
      ExtendedS3DestinationConfiguration: {
        BucketARN: '<Data/Lake/raw.Arn>',
        RoleARN: '<Data/Orders/Role.Arn>',
        Prefix: `events/orders/data/customer=!{partitionKeyFromQuery:customer}/${DATE}`,
        ErrorOutputPrefix: `events/orders/errors/!{firehose:error-output-type}/${DATE}`,
        BufferingHints: { IntervalInSeconds: 120, SizeInMBs: 64 },
        CompressionFormat: 'UNCOMPRESSED',
        EncryptionConfiguration: { KMSEncryptionConfig: { AWSKMSKeyARN: '<Data/Lake/Key.Arn>' } },
        CloudWatchLoggingOptions: { Enabled: true, LogGroupName: '<Data/Orders/Logs>', LogStreamName: '<Data/Orders/DeliveryErrors>' },
        DynamicPartitioningConfiguration: { Enabled: true, RetryOptions: { DurationInSeconds: 300 } },
        ProcessingConfiguration: {
          Enabled: true,
          Processors: [{
            Type: 'MetadataExtraction',
            Parameters: [
              { ParameterName: 'MetadataExtractionQuery', ParameterValue: '{customer:.customer_id}' },
              { ParameterName: 'JsonParsingEngine', ParameterValue: 'JQ-1.6' },
            ],
          }],
        },
        DataFormatConversionConfiguration: {
          Enabled: true,
          InputFormatConfiguration: { Deserializer: { OpenXJsonSerDe: {} } },
          OutputFormatConfiguration: { Serializer: { ParquetSerDe: {} } },
          SchemaConfiguration: {
            CatalogId: '${AWS::AccountId}', DatabaseName: 'lake', TableName: 'orders', Region: '${AWS::Region}',
            RoleARN: '<Data/Orders/Role.Arn>', VersionId: 'LATEST',
          },
        },
        S3BackupMode: 'Disabled',
      },
    });
  });

  test('the delivery role also reads the source stream (its key only through Kinesis, for this stream) and the Glue table', () => {
    const statements = r.rolePolicy('Data/Orders/Role').statements;
    expect(statements.slice(5)).toEqual([
      {
        Action: ['kinesis:DescribeStream', 'kinesis:GetRecords', 'kinesis:GetShardIterator', 'kinesis:ListShards'],
        Effect: 'Allow', Resource: '<Data/Source.Arn>',
      },
      {
        Action: 'kms:Decrypt', Effect: 'Allow', Resource: '<Data/SourceKey.Arn>',
        Condition: { StringEquals: { 'kms:ViaService': 'kinesis.us-east-1.amazonaws.com', 'kms:EncryptionContext:aws:kinesis:arn': '<Data/Source.Arn>' } },
      },
      {
        Action: ['glue:GetTable', 'glue:GetTableVersion', 'glue:GetTableVersions'], Effect: 'Allow',
        Resource: ['arn:aws:glue:us-east-1:123456789012:catalog', 'arn:aws:glue:us-east-1:123456789012:database/lake',
          'arn:aws:glue:us-east-1:123456789012:table/lake/orders'],
      },
    ]);
    expect(statements).toHaveLength(8);
  });

  test('a producer is granted writing the source stream, and its key only through Kinesis for this stream', () => {
    expect(r.rolePolicy('Data/Producer').statements).toEqual([
      { Action: ['kinesis:PutRecord', 'kinesis:PutRecords'], Effect: 'Allow', Resource: '<Data/Source.Arn>' },
      {
        Action: 'kms:GenerateDataKey', Effect: 'Allow', Resource: '<Data/SourceKey.Arn>',
        Condition: { StringEquals: { 'kms:ViaService': 'kinesis.us-east-1.amazonaws.com', 'kms:EncryptionContext:aws:kinesis:arn': '<Data/Source.Arn>' } },
      },
    ]);
  });

  test('named alarms route to the alert topics: failed deliveries critical, stale data warning', () => {
    const alarms = r.resources('AWS::CloudWatch::Alarm');
    expect(alarms['Data/Orders/DeliveryFailed']).toMatchObject({
      AlarmName: 'orders-delivery-failed', AlarmActions: ['<Data/Alerts/Critical>'], OKActions: ['<Data/Alerts/Critical>'],
    });
    expect(alarms['Data/Orders/DataFreshness']).toMatchObject({
      AlarmName: 'orders-data-freshness', AlarmActions: ['<Data/Alerts/Warning>'], OKActions: ['<Data/Alerts/Warning>'], Threshold: 900,
    });
    expect(ingestion.metricIncomingRecords().metricName).toBe('DataReadFromKinesisStream.Records');
  });
});

describe('StreamIngestion options', () => {
  test('dynamic partitioning of JSON appends a newline to each record and defaults to 128 MiB buffers', () => {
    const f = ingestionFixture();
    new StreamIngestion(f.stack, 'Clicks', {
      lake: f.lake, prefix: 'events/clicks/', dynamicPartitioning: true,
      partitionKeys: [{ name: 'country', query: '.geo.country' }, { name: 'device', query: '.device' }],
    });
    const s3 = Readable.of(f.stack).resources('AWS::KinesisFirehose::DeliveryStream')['Data/Clicks'].ExtendedS3DestinationConfiguration;
    expect(s3.Prefix).toBe(`events/clicks/data/country=!{partitionKeyFromQuery:country}/device=!{partitionKeyFromQuery:device}/${DATE}`);
    expect(s3.BufferingHints).toEqual({ IntervalInSeconds: 300, SizeInMBs: 128 });
    expect(s3.CompressionFormat).toBe('GZIP');
    expect(s3.ProcessingConfiguration.Processors).toEqual([
      {
        Type: 'MetadataExtraction',
        Parameters: [
          { ParameterName: 'MetadataExtractionQuery', ParameterValue: '{country:.geo.country,device:.device}' },
          { ParameterName: 'JsonParsingEngine', ParameterValue: 'JQ-1.6' },
        ],
      },
      { Type: 'AppendDelimiterToRecord', Parameters: [] },
    ]);
  });

  test('the freshness threshold follows the buffer interval (3 x 900 s) or is given; a custom zone and log retention', () => {
    const f = ingestionFixture();
    const a = new StreamIngestion(f.stack, 'Slow', { lake: f.lake, prefix: 'slow/', bufferInterval: Duration.minutes(15), zone: 'curated' });
    new StreamIngestion(f.stack, 'Fast', { lake: f.lake, prefix: 'fast/', bufferInterval: Duration.seconds(0), freshnessThreshold: Duration.minutes(2) });
    const r = Readable.of(f.stack);
    expect(r.alarms()['Data/Slow/DataFreshness'].threshold).toBe(2700);
    expect(r.alarms()['Data/Fast/DataFreshness'].threshold).toBe(120);
    expect(r.resources('AWS::KinesisFirehose::DeliveryStream')['Data/Slow'].ExtendedS3DestinationConfiguration.BucketARN).toBe('<Data/Lake/curated.Arn>');
    expect(a.zone.zoneName).toBe('curated');
  });

  test('a direct-PUT stream of a lake without a key uses an AWS-owned key and the bucket\'s default encryption', () => {
    const app = testApp();
    const stack = new Stack(app, 'Data', { env: TEST_ENV });
    const lake = DataLake.fromAttributes(stack, 'Lake', { zoneBucketNames: { raw: 'raw-bucket' } });
    new StreamIngestion(stack, 'Clicks', { lake, prefix: 'clicks/', logRetention: logs.RetentionDays.ONE_MONTH });
    const r = Readable.of(stack);
    const stream = r.resources('AWS::KinesisFirehose::DeliveryStream')['Data/Clicks'];
    expect(stream.DeliveryStreamEncryptionConfigurationInput).toEqual({ KeyType: 'AWS_OWNED_CMK' });
    expect(stream.ExtendedS3DestinationConfiguration.EncryptionConfiguration).toBeUndefined();
    expect(r.resources('AWS::Logs::LogGroup')['Data/Clicks/Logs'].RetentionInDays).toBe(30);
  });

  test('tokens are let through: prefix, stream name, buffer size and interval, freshness threshold', () => {
    const f = ingestionFixture();
    const token = (name: string) => new CfnParameter(f.stack, name, { type: 'Number' }).valueAsNumber;
    const text = (name: string) => new CfnParameter(f.stack, name).valueAsString;
    expect(() => new StreamIngestion(f.stack, 'Tokens', {
      lake: f.lake,
      prefix: text('Prefix'),
      deliveryStreamName: text('Name'),
      bufferSize: Size.mebibytes(token('Size')),
      bufferInterval: Duration.seconds(token('Interval')),
      freshnessThreshold: Duration.seconds(token('Fresh')),
      dynamicPartitioning: true,
      partitionKeys: [{ name: 'k', query: text('Query') }],
    })).not.toThrow();
    const s3 = Readable.of(f.stack).resources('AWS::KinesisFirehose::DeliveryStream')['Data/Tokens'].ExtendedS3DestinationConfiguration;
    expect(s3.BufferingHints).toEqual({ IntervalInSeconds: '<Data/Interval>', SizeInMBs: '<Data/Size>' });
  });

  test('a stream from a Kinesis source without a customer key grants no key use', () => {
    const f = ingestionFixture();
    const source = new kinesis.Stream(f.stack, 'Source', { encryption: kinesis.StreamEncryption.MANAGED });
    new StreamIngestion(f.stack, 'Clicks', { lake: f.lake, prefix: 'clicks/', sourceStream: source });
    const r = Readable.of(f.stack);
    const actions = r.rolePolicy('Data/Clicks/Role').statements.map((s: any) => s.Action).flat();
    expect(actions.filter((a: string) => a.startsWith('kms:'))).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    expect(r.resources('AWS::KinesisFirehose::DeliveryStream')['Data/Clicks'].DeliveryStreamEncryptionConfigurationInput).toBeUndefined();
  });
});
