import { App, Duration, Size, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import { DataLake } from '../../lib/data-lake';
import { AlertTopics } from '../../lib/monitoring';
import { StreamIngestion, StreamIngestionProps } from '../../lib/processing';
import { denyGrantsNotForAwsResources } from '../../lib/private/kms';
import { TEST_ENV, testApp } from '../util';

/** A stack with a lake, in which ingestion streams are defined. */
export interface IngestionFixture {
  readonly app: App;
  readonly stack: Stack;
  readonly lake: DataLake;
}

export function ingestionFixture(app: App = testApp()): IngestionFixture {
  const stack = new Stack(app, 'Data', { env: TEST_ENV });
  const lake = new DataLake(stack, 'Lake', { databaseName: 'lake' });
  return { app, stack, lake };
}

/** The minimal stream: direct PUT into raw/events/clicks/. */
export function minimalIngestion(f: IngestionFixture): StreamIngestion {
  return new StreamIngestion(f.stack, 'Clicks', { lake: f.lake, prefix: 'events/clicks/' });
}

/** What the full stream is given, for tests that look at it. */
export interface FullIngestion {
  readonly ingestion: StreamIngestion;
  readonly source: kinesis.Stream;
  readonly sourceKey: kms.Key;
  readonly producer: iam.Role;
  readonly alerts: AlertTopics;
}

/** Every option: a KMS-encrypted Kinesis source, dynamic partitioning by a jq key, Parquet, alerts, tuned alarms. */
export function fullIngestion(f: IngestionFixture, overrides: Partial<StreamIngestionProps> = {}): FullIngestion {
  const sourceKey = new kms.Key(f.stack, 'SourceKey', { enableKeyRotation: true });
  sourceKey.addToResourcePolicy(denyGrantsNotForAwsResources());
  const source = new kinesis.Stream(f.stack, 'Source', { encryption: kinesis.StreamEncryption.KMS, encryptionKey: sourceKey });
  const alerts = new AlertTopics(f.stack, 'Alerts');
  const ingestion = new StreamIngestion(f.stack, 'Orders', {
    lake: f.lake,
    prefix: 'events/orders',
    sourceStream: source,
    deliveryStreamName: 'orders',
    dynamicPartitioning: true,
    partitionKeys: [{ name: 'customer', query: '.customer_id' }],
    parquet: { tableName: 'orders' },
    bufferSize: Size.mebibytes(64),
    bufferInterval: Duration.seconds(120),
    alerts,
    ...overrides,
  });
  const producer = new iam.Role(f.stack, 'Producer', { assumedBy: new iam.AccountRootPrincipal() });
  ingestion.grantPutRecords(producer);
  return { ingestion, source, sourceKey, producer, alerts };
}
