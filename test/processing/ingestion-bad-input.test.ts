import { Duration, Size, Stack } from 'aws-cdk-lib';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import { ingestionFixture } from './ingestion-fixtures';
import { DataLake } from '../../lib/data-lake';
import { StreamIngestion, StreamIngestionProps } from '../../lib/processing';
import { TEST_ENV, testApp } from '../util';

// Bad input fails at synth, naming the construct path, the prop, the value and what is allowed; each bound on both sides.
const f = ingestionFixture();
let n = 0;
function make(props: Partial<StreamIngestionProps>): () => StreamIngestion {
  return () => new StreamIngestion(f.stack, `S${n++}`, { lake: f.lake, prefix: 'events/clicks/', ...props } as StreamIngestionProps);
}
const dp = { dynamicPartitioning: true, partitionKeys: [{ name: 'customer', query: '.customer_id' }] };
const parquet = { parquet: { tableName: 'clicks' } };

describe('buffer size (1-128 MiB; at least 64 MiB with dynamic partitioning or Parquet)', () => {
  test.each([1, 5, 128])('%d MiB is accepted', (mib) => expect(make({ bufferSize: Size.mebibytes(mib) })).not.toThrow());
  test.each([0, 129, 256])('fails with %d MiB', (mib) => expect(make({ bufferSize: Size.mebibytes(mib) }))
    .toThrow(new RegExp(`^StreamIngestion Data/S\\d+: bufferSize must be a whole number of MiB from 1 to 128, got '${mib} MiB'$`)));
  test('fails with a fraction of a MiB', () => expect(make({ bufferSize: Size.kibibytes(1536) })).toThrow(/bufferSize must be a whole number of MiB from 1 to 128, got '1.5 MiB'/));
  test('fails with a number instead of a Size (JavaScript)', () => expect(make({ bufferSize: 5 as any })).toThrow(/bufferSize must be a Size \(a whole number of MiB from 1 to 128\), got 5/));
  test.each([['dynamic partitioning', dp], ['Parquet', parquet]])('with %s, 64 and 128 MiB are accepted', (_l, opts) => {
    expect(make({ ...opts, bufferSize: Size.mebibytes(64) })).not.toThrow();
    expect(make({ ...opts, bufferSize: Size.mebibytes(128) })).not.toThrow();
  });
  test.each([['dynamic partitioning', dp], ['Parquet', parquet]])('with %s, fails with 63 and 129 MiB', (_l, opts) => {
    for (const mib of [63, 129]) {
      expect(make({ ...opts, bufferSize: Size.mebibytes(mib) }))
        .toThrow(`bufferSize must be a whole number of MiB from 64 to 128 with dynamic partitioning or Parquet conversion, got '${mib} MiB'`);
    }
  });
});

describe('buffer interval (0-900 s; at least 60 s with dynamic partitioning)', () => {
  test.each([0, 60, 900])('%d s is accepted', (s) => expect(make({ bufferInterval: Duration.seconds(s) })).not.toThrow());
  test('fails with 901 s', () => expect(make({ bufferInterval: Duration.seconds(901) }))
    .toThrow(/bufferInterval must be a whole number of seconds from 0 to 900, got 15 minutes 1 second/));
  test('fails with a fraction of a second', () => expect(make({ bufferInterval: Duration.millis(1500) })).toThrow(/bufferInterval must be a whole number of seconds from 0 to 900/));
  test('with dynamic partitioning, 60 and 900 s are accepted', () => {
    expect(make({ ...dp, bufferInterval: Duration.seconds(60) })).not.toThrow();
    expect(make({ ...dp, bufferInterval: Duration.seconds(900) })).not.toThrow();
  });
  test.each([0, 59, 901])('with dynamic partitioning, fails with %d s', (s) => expect(make({ ...dp, bufferInterval: Duration.seconds(s) }))
    .toThrow(/bufferInterval must be a whole number of seconds from 60 to 900 with dynamic partitioning \(it has no zero buffering\)/));
});

describe('dynamic partitioning and its keys', () => {
  test('fails with dynamic partitioning without a partition key', () => {
    expect(make({ dynamicPartitioning: true })).toThrow(/partitionKeys must be at least one partition key with dynamicPartitioning, .* got \[\]/);
    expect(make({ dynamicPartitioning: true, partitionKeys: [] })).toThrow(/partitionKeys must be at least one partition key with dynamicPartitioning/);
  });
  test('accepts dynamic partitioning with one key', () => expect(make(dp)).not.toThrow());
  test('fails with partition keys without dynamic partitioning', () => {
    expect(make({ partitionKeys: dp.partitionKeys })).toThrow(/partitionKeys need dynamicPartitioning: true/);
    expect(make({ partitionKeys: dp.partitionKeys, dynamicPartitioning: false })).toThrow(/partitionKeys need dynamicPartitioning: true/);
  });
  test('accepts key names of 1 and 64 characters, starting with a letter or underscore', () => {
    expect(make({ dynamicPartitioning: true, partitionKeys: [{ name: 'a', query: '.a' }, { name: `_${'b'.repeat(63)}`, query: '.b' }] })).not.toThrow();
  });
  test.each(['', '1st', 'a-b', 'a.b', 'x'.repeat(65)])('fails with the key name %j', (name) => {
    expect(make({ dynamicPartitioning: true, partitionKeys: [{ name, query: '.a' }] }))
      .toThrow(/partitionKeys\[0\]\.name must be 1-64 letters, digits and underscores, starting with a letter or underscore/);
  });
  test('fails with a key listed twice, and with an empty query', () => {
    expect(make({ dynamicPartitioning: true, partitionKeys: [{ name: 'a', query: '.a' }, { name: 'a', query: '.b' }] }))
      .toThrow(/partitionKeys\[1\]\.name must be unique, but it is listed twice, got 'a'/);
    expect(make({ dynamicPartitioning: true, partitionKeys: [{ name: 'a', query: ' ' }] }))
      .toThrow(/partitionKeys\[0\]\.query must be a jq expression such as '.customer_id', got ' '/);
  });
  test('fails with partition keys that are not a list (JavaScript)', () => {
    expect(make({ dynamicPartitioning: true, partitionKeys: 'customer' as any })).toThrow(/partitionKeys must be a list of \{ name, query \}/);
  });
});

describe('prefix, zone, name and keys', () => {
  test.each(['', '/events/', 'events//clicks/', 'events/*', 'events/!{timestamp:yyyy}/'])('fails with the prefix %j', (prefix) => {
    expect(make({ prefix })).toThrow(/StreamIngestion Data\/S\d+: prefix must be a/);
  });
  test('accepts a prefix of 400 characters and fails with 401', () => {
    expect(make({ prefix: `${'p'.repeat(399)}/` })).not.toThrow();
    expect(make({ prefix: `${'p'.repeat(400)}/` })).toThrow(/prefix must be a folder without Firehose expressions \('!\{'\), at most 400 characters/);
  });
  test('normalises a prefix without a trailing slash', () => expect(make({ prefix: 'events/orders' })().dataPrefix).toBe('events/orders/data/'));
  test('fails with a zone the lake does not have', () => {
    expect(make({ zone: 'bronze' })).toThrow(/zone must be one of the lake's zones \['raw', 'curated', 'features', 'models', 'monitoring'\], got 'bronze'/);
  });
  test('accepts a stream name of 64 characters and fails with 65 or a space', () => {
    expect(make({ deliveryStreamName: 'a'.repeat(64) })).not.toThrow();
    expect(make({ deliveryStreamName: 'a'.repeat(65) })).toThrow(/deliveryStreamName must be 1-64 letters, digits, underscores, periods and hyphens/);
    expect(make({ deliveryStreamName: 'my stream' })).toThrow(/deliveryStreamName must be 1-64 letters, digits, underscores, periods and hyphens, got 'my stream'/);
  });
  test('fails with an encryption key for a stream with a Kinesis source (server-side encryption is for direct PUT)', () => {
    const stack = new Stack(f.app, `Src${n++}`, { env: TEST_ENV });
    const sourceStream = new kinesis.Stream(stack, 'Source');
    expect(make({ sourceStream, encryptionKey: new kms.Key(stack, 'Key') })).toThrow(/encryptionKey applies to direct PUT only/);
  });
  test('fails without a lake or a prefix (JavaScript)', () => {
    expect(() => new StreamIngestion(f.stack, `S${n++}`, { prefix: 'a/' } as any)).toThrow(/lake must be an IDataLake, got undefined/);
    expect(() => new StreamIngestion(f.stack, `S${n++}`, { lake: f.lake } as any)).toThrow(/prefix must be a folder of the zone/);
  });
});

describe('Parquet conversion', () => {
  test('fails for a lake without a Glue database unless the database is named', () => {
    const app = testApp();
    const stack = new Stack(app, 'Imported', { env: TEST_ENV });
    const lake = DataLake.fromAttributes(stack, 'Lake', { zoneBucketNames: { raw: 'raw-bucket' } });
    expect(() => new StreamIngestion(stack, 'A', { lake, prefix: 'a/', parquet: { tableName: 'clicks' } }))
      .toThrow(/parquet needs a Glue database: the lake has none, so set parquet.databaseName/);
    expect(() => new StreamIngestion(stack, 'B', { lake, prefix: 'a/', parquet: { tableName: 'clicks', databaseName: 'events' } })).not.toThrow();
  });
  test.each(['Clicks', 'my-table', ''])('fails with the table name %j', (tableName) => {
    expect(make({ parquet: { tableName } })).toThrow(/parquet.tableName must be 1-255 lowercase letters, digits and underscores/);
  });
});

describe('alarms', () => {
  test('the freshness threshold must exceed the buffer interval (1.5 times it with dynamic partitioning)', () => {
    expect(make({ bufferInterval: Duration.seconds(120), freshnessThreshold: Duration.seconds(120) }))
      .toThrow(/freshnessThreshold must be a whole number of seconds above 120 \(the buffer interval: records wait that long by design\), got 2 minutes/);
    expect(make({ bufferInterval: Duration.seconds(120), freshnessThreshold: Duration.seconds(121) })).not.toThrow();
    expect(make({ ...dp, bufferInterval: Duration.seconds(120), freshnessThreshold: Duration.seconds(180) }))
      .toThrow(/freshnessThreshold must be a whole number of seconds above 180 \(the buffer interval x 1.5 with dynamic partitioning/);
    expect(make({ ...dp, bufferInterval: Duration.seconds(120), freshnessThreshold: Duration.seconds(181) })).not.toThrow();
  });
  test('a tuning CloudWatch refuses fails, and one alarm can be switched off', () => {
    expect(make({ deliveryFailedAlarm: { period: Duration.seconds(45) } })).toThrow(/deliveryFailedAlarm.period must be 10 seconds, 30 seconds or a whole number of minutes/);
    expect(make({ dataFreshnessAlarm: { evaluationPeriods: 2, datapointsToAlarm: 3 } })).toThrow(/dataFreshnessAlarm.datapointsToAlarm must be a whole number from 1 to evaluationPeriods \(2\), got 3/);
    const s = make({ dataFreshnessAlarm: { enabled: false } })();
    expect([s.dataFreshnessAlarm, s.deliveryFailedAlarm !== undefined]).toEqual([undefined, true]);
  });
  test('reports every problem of one call at once', () => {
    expect(make({ dynamicPartitioning: true, bufferSize: Size.mebibytes(200), bufferInterval: Duration.seconds(30) }))
      .toThrow(/StreamIngestion Data\/S\d+: 3 problems:\n {2}- partitionKeys .*\n {2}- bufferInterval .*\n {2}- bufferSize /);
  });
});
