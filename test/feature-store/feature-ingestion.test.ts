import { CfnParameter, Duration } from 'aws-cdk-lib';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import { featureStoreFixture, fullIngestion, minimalFeatureGroup, minimalIngestion } from './fixtures';
import { FeatureGroup, FeatureIngestion, FeatureIngestionProps, IngestionTargetStore } from '../../lib/feature-store';
import { Readable } from '../exact';

describe('FeatureIngestion', () => {
  const f = featureStoreFixture();
  const minimal = minimalIngestion(f);
  const full = fullIngestion(f);
  const r = Readable.of(f.stack);
  const mappings = r.resources('AWS::Lambda::EventSourceMapping');
  const functions = r.resources('AWS::Lambda::Function');
  const queues = r.resources('AWS::SQS::Queue');
  const raw = (path: string) => Object.entries<any>(r.template.Resources).find(([id]) => r.pathOf(id) === path)![1];
  const alarms = r.alarms();
  const alarmProps = r.resources('AWS::CloudWatch::Alarm');

  test('a minimal ingestion maps the stream to its own function with partial batch responses, bisection, bounded retries and age', () => {
    expect(mappings['Features/Ingest/Mapping']).toEqual({
      FunctionName: '<Features/Ingest/Handler/Function>',
      EventSourceArn: '<Features/Stream.Arn>',
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 100,
      MaximumRetryAttempts: 3,
      MaximumRecordAgeInSeconds: 86400,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: '<Features/Ingest/FailedRecords.Arn>' } },
    });
    expect(raw('Features/Ingest/Mapping').DependsOn.map((id: string) => r.pathOf(id))).toEqual(expect.arrayContaining([
      'Features/Ingest/Handler/Role', 'Features/Ingest/Handler/Role/DefaultPolicy',
    ]));
  });

  test('the function runs the feature-ingest bundle on ARM with the group name and the failed-records queue, and no stores or TTL', () => {
    const fn = functions['Features/Ingest/Handler/Function'];
    expect([fn.Runtime, fn.Architectures, fn.MemorySize, fn.Timeout, fn.Handler]).toEqual(['nodejs24.x', ['arm64'], 256, 120, 'index.handler']);
    expect(fn.Environment.Variables).toEqual({
      NODE_OPTIONS: '--enable-source-maps', FEATURE_GROUP_NAME: 'features-customers-e4916267-3327ed42', REJECTED_QUEUE_URL: '<Features/Ingest/FailedRecords>',
    });
  });

  test('the failed-records queue is encrypted, TLS only, kept 14 days and retained', () => {
    expect(queues['Features/Ingest/FailedRecords']).toEqual({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 });
    const q = raw('Features/Ingest/FailedRecords');
    expect([q.DeletionPolicy, q.UpdateReplacePolicy]).toEqual(['Retain', 'Retain']);
    const policy = Object.values<any>(r.resources('AWS::SQS::QueuePolicy')).find((p) => p.Queues[0] === '<Features/Ingest/FailedRecords>');
    expect(policy.PolicyDocument.Statement[0]).toMatchObject({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
  });

  test('the role may write and describe only its group, read only its stream and send only to its queue', () => {
    expect(r.rolePolicy('Features/Ingest/Handler/Role').statements).toEqual([
      { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: '<Features/Ingest/Handler/Logs.Arn>' },
      // The function's own dead-letter queue (HandlerFunction's, for asynchronous invocations) and the failed-records queue.
      { Action: 'sqs:SendMessage', Effect: 'Allow', Resource: ['<Features/Ingest/FailedRecords.Arn>', '<Features/Ingest/Handler/DeadLetters.Arn>'] },
      {
        Action: ['sagemaker:DescribeFeatureGroup', 'sagemaker:PutRecord'], Effect: 'Allow',
        Resource: 'arn:aws:sagemaker:us-east-1:123456789012:feature-group/features-customers-e4916267-3327ed42',
      },
      {
        Action: ['kinesis:DescribeStream', 'kinesis:DescribeStreamSummary', 'kinesis:GetRecords', 'kinesis:GetShardIterator', 'kinesis:ListShards'],
        Effect: 'Allow', Resource: '<Features/Stream.Arn>',
      },
    ]);
  });

  test('alarms on the iterator age (5 minutes by default) and the failed-records queue', () => {
    expect(alarms['Features/Ingest/IteratorAgeAlarm']).toMatchObject({
      namespace: 'AWS/Lambda', metric: 'IteratorAge', statistic: 'Maximum', period: 300, dimensions: { FunctionName: '<Features/Ingest/Handler/Function>' },
      threshold: 300_000, comparison: 'GreaterThanThreshold', evaluationPeriods: 2, datapointsToAlarm: 2,
    });
    expect(alarms['Features/Ingest/FailedRecordsAlarm']).toMatchObject({
      namespace: 'AWS/SQS', metric: 'ApproximateNumberOfMessagesVisible', statistic: 'Maximum', threshold: 1, comparison: 'GreaterThanOrEqualToThreshold',
    });
    expect(alarmProps['Features/Ingest/IteratorAgeAlarm'].AlarmDescription).toMatch(/^\[WARNING\] .*features-customers-e4916267-3327ed42 more than 300 s late/);
  });

  test('a full ingestion passes every mapping option, the stores and the TTL, and decrypts the stream only through Kinesis', () => {
    expect(mappings['Features/FreshFeatures/Mapping']).toMatchObject({
      StartingPosition: 'LATEST', BatchSize: 500, MaximumBatchingWindowInSeconds: 5, MaximumRetryAttempts: 5, MaximumRecordAgeInSeconds: 21600,
      BisectBatchOnFunctionError: false, ParallelizationFactor: 2, FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    expect(functions['Features/FreshFeatures/Handler/Function'].Environment.Variables).toMatchObject({
      FEATURE_GROUP_NAME: 'churn-customers', TARGET_STORES: 'OnlineStore', RECORD_TTL: 'Hours:12',
    });
    const statements = r.rolePolicy('Features/FreshFeatures/Handler/Role').statements;
    expect(statements).toEqual(expect.arrayContaining([
      { Action: 'kms:Decrypt', Effect: 'Allow', Resource: '<Features/OnlineKey.Arn>' },
      {
        Action: 'kms:Decrypt', Effect: 'Allow', Resource: '<Features/StreamKey.Arn>',
        Condition: { StringEquals: { 'kms:ViaService': 'kinesis.us-east-1.amazonaws.com', 'kms:EncryptionContext:aws:kinesis:arn': '<Features/FeatureStream.Arn>' } },
      },
    ]));
    expect(alarms['Features/FreshFeatures/IteratorAgeAlarm']).toMatchObject({ threshold: 120_000, evaluationPeriods: 3, datapointsToAlarm: 2 });
    expect(alarmProps['Features/FreshFeatures/FailedRecordsAlarm'].AlarmDescription).toMatch(/^\[CRITICAL\]/);
    expect(alarmProps['Features/FreshFeatures/FailedRecordsAlarm'].AlarmActions).toEqual(['<Features/Alerts/Critical>']);
  });

  test('each ingestion has its own function (its role reaches only its group)', () => {
    expect(Object.keys(functions).filter((p) => p.endsWith('/Handler/Function')).sort())
      .toEqual(['Features/FreshFeatures/Handler/Function', 'Features/Ingest/Handler/Function']);
    expect(minimal.ingestion.function).not.toBe(full.ingestion.function);
  });
});

describe('FeatureIngestion with an imported group and stream', () => {
  test('grants on the imported group\'s and stream\'s names', () => {
    const f = featureStoreFixture();
    const group = FeatureGroup.fromFeatureGroupName(f.stack, 'Shared', 'shared-customers');
    const stream = kinesis.Stream.fromStreamArn(f.stack, 'Imported', 'arn:aws:kinesis:us-east-1:123456789012:stream/features');
    new FeatureIngestion(f.stack, 'Ingest', {
      featureGroup: group, stream, batchSize: 100, maxRecordAge: Duration.hours(1),
    });
    const r = Readable.of(f.stack);
    expect(r.rolePolicy('Features/Ingest/Handler/Role').statements).toEqual(expect.arrayContaining([
      {
        Action: ['sagemaker:DescribeFeatureGroup', 'sagemaker:PutRecord'], Effect: 'Allow',
        Resource: 'arn:aws:sagemaker:us-east-1:123456789012:feature-group/shared-customers',
      },
      expect.objectContaining({ Resource: 'arn:aws:kinesis:us-east-1:123456789012:stream/features' }),
    ]));
  });

  test('tokens pass the checks and reach the template', () => {
    const f = featureStoreFixture();
    const group = minimalFeatureGroup(f);
    const stream = new kinesis.Stream(f.stack, 'S', { encryption: kinesis.StreamEncryption.MANAGED });
    const batch = new CfnParameter(f.stack, 'Batch', { type: 'Number' }).valueAsNumber;
    // (A token maxRecordAge is refused by the CDK's EventSourceMapping itself, which compares it with its range.)
    new FeatureIngestion(f.stack, 'Ingest', { featureGroup: group, stream, batchSize: batch, retryAttempts: batch, parallelizationFactor: batch });
    const mapping = Readable.of(f.stack).resources('AWS::Lambda::EventSourceMapping')['Features/Ingest/Mapping'];
    expect([mapping.BatchSize, mapping.MaximumRetryAttempts, mapping.ParallelizationFactor]).toEqual(['<Features/Batch>', '<Features/Batch>', '<Features/Batch>']);
  });
});

describe('FeatureIngestion bad input', () => {
  const f = featureStoreFixture();
  const group = minimalFeatureGroup(f);
  const stream = new kinesis.Stream(f.stack, 'Stream', { encryption: kinesis.StreamEncryption.MANAGED });
  let n = 0;
  const make = (p: Partial<FeatureIngestionProps>) => () => new FeatureIngestion(f.stack, `Bad${n++}`, { featureGroup: group, stream, ...p });

  test('fails when the group or the stream is missing', () => {
    expect(() => new FeatureIngestion(f.stack, 'NoStream', { featureGroup: group } as never))
      .toThrow(/^FeatureIngestion Features\/NoStream: stream must be a kinesis\.IStream, got undefined/);
  });

  test('fails on a batch size outside 1-10,000, naming the path, the prop, the value and the range', () => {
    expect(make({ batchSize: 0 })).toThrow(/^FeatureIngestion Features\/Bad\d+: batchSize must be a whole number from 1 to 10000 \(Lambda's limit for Kinesis\), got 0$/);
    expect(make({ batchSize: 10_001 })).toThrow(/batchSize must be .*, got 10001/);
    expect(make({ batchSize: 2.5 })).toThrow(/batchSize must be/);
  });

  test('fails on retry attempts, record age, batching window and parallelization outside Lambda\'s ranges', () => {
    expect(make({ retryAttempts: -1 })).toThrow(/retryAttempts must be .*, got -1/);
    expect(make({ retryAttempts: 10_001 })).toThrow(/retryAttempts must be/);
    expect(make({ maxRecordAge: Duration.seconds(59) })).toThrow(/maxRecordAge must be a whole number of seconds from 60 to 604800 \(7 days\), got 59 seconds/);
    expect(make({ maxRecordAge: Duration.days(8) })).toThrow(/maxRecordAge must be/);
    expect(make({ maxBatchingWindow: Duration.minutes(6) })).toThrow(/maxBatchingWindow must be/);
    expect(make({ parallelizationFactor: 11 })).toThrow(/parallelizationFactor must be .*, got 11/);
  });

  test('fails on target stores that are empty, repeated or unknown, and on a TTL for offline-only writes', () => {
    expect(make({ targetStores: [] })).toThrow(/targetStores must be one or both of IngestionTargetStore.ONLINE_STORE/);
    expect(make({ targetStores: [IngestionTargetStore.ONLINE_STORE, IngestionTargetStore.ONLINE_STORE] })).toThrow(/targetStores must be/);
    expect(make({ targetStores: ['Both' as IngestionTargetStore] })).toThrow(/targetStores must be/);
    expect(make({ targetStores: [IngestionTargetStore.OFFLINE_STORE], recordTtl: Duration.days(1) }))
      .toThrow(/recordTtl must be left out when the records go to the offline store only/);
    expect(make({ recordTtl: Duration.millis(1500) })).toThrow(/recordTtl must be/);
  });

  test('fails on an iterator-age threshold that is not below the record age (the records would be discarded first)', () => {
    expect(make({ maxRecordAge: Duration.minutes(10), iteratorAgeThreshold: Duration.minutes(10) }))
      .toThrow(/iteratorAgeThreshold must be a whole number of seconds above 0 and below maxRecordAge \(600 s\)/);
    expect(make({ iteratorAgeThreshold: Duration.hours(25) })).toThrow(/below maxRecordAge \(86400 s\)/);
  });

  test('collects every problem of one call and throws once', () => {
    expect(make({ batchSize: 0, retryAttempts: -2, iteratorAgeAlarm: { datapointsToAlarm: 3 } }))
      .toThrow(/: 3 problems:\n {2}- batchSize must be[^\n]*\n {2}- retryAttempts must be[^\n]*\n {2}- iteratorAgeAlarm.datapointsToAlarm must be/);
  });

  test('takes a record TTL in the largest whole unit', () => {
    const g = featureStoreFixture();
    const grp = minimalFeatureGroup(g);
    const s = new kinesis.Stream(g.stack, 'S', { encryption: kinesis.StreamEncryption.MANAGED });
    const ttls = [Duration.days(14), Duration.minutes(90), Duration.seconds(61)].map((ttl, i) => {
      const ing = new FeatureIngestion(g.stack, `T${i}`, { featureGroup: grp, stream: s, recordTtl: ttl });
      return g.stack.resolve((ing.function.node.defaultChild as any).environment).variables.RECORD_TTL;
    });
    expect(ttls).toEqual(['Weeks:2', 'Minutes:90', 'Seconds:61']);
  });
});
