import { DescribeFeatureGroupCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { PutRecordCommand, SageMakerFeatureStoreRuntimeClient, ValidationError } from '@aws-sdk/client-sagemaker-featurestore-runtime';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { handler, ingest, IngestIo } from '../../../lambda/feature-ingest';
import {
  configFrom, FeatureSchema, isRecordRejection, mapRecord, MAX_VALUE_LENGTH, parseRecord, rejectionMessage, schemaFrom, sourceItems, SourceItem,
} from '../../../lambda/feature-ingest/mapping';

const DESCRIPTION = {
  RecordIdentifierFeatureName: 'customer_id',
  EventTimeFeatureName: 'event_time',
  FeatureDefinitions: [
    { FeatureName: 'customer_id', FeatureType: 'String' },
    { FeatureName: 'event_time', FeatureType: 'String' },
    { FeatureName: 'orders_30d', FeatureType: 'Integral' },
    { FeatureName: 'spend_30d', FeatureType: 'Fractional' },
  ],
};
const schema: FeatureSchema = schemaFrom(DESCRIPTION);
const fractionalTime: FeatureSchema = schemaFrom({
  ...DESCRIPTION, FeatureDefinitions: [DESCRIPTION.FeatureDefinitions[0], { FeatureName: 'event_time', FeatureType: 'Fractional' }],
});
const good = { customer_id: 'c-1', event_time: '2026-12-03T08:00:00Z', orders_30d: 3, spend_30d: 12.5 };

function problemsOf(o: Record<string, unknown>, s = schema): string[] {
  const m = mapRecord(s, o);
  return m.ok ? [] : m.problems;
}

describe('feature record mapping', () => {
  test('maps every feature to its ValueAsString, with the record identifier and event time', () => {
    expect(mapRecord(schema, good)).toEqual({
      ok: true, recordId: 'c-1', eventTime: '2026-12-03T08:00:00Z',
      record: [
        { FeatureName: 'customer_id', ValueAsString: 'c-1' },
        { FeatureName: 'event_time', ValueAsString: '2026-12-03T08:00:00Z' },
        { FeatureName: 'orders_30d', ValueAsString: '3' },
        { FeatureName: 'spend_30d', ValueAsString: '12.5' },
      ],
    });
  });

  test('leaves out null and missing features other than the identifier and event time', () => {
    const m = mapRecord(schema, { customer_id: 'c-1', event_time: '2026-12-03T08:00:00.123Z', orders_30d: null });
    expect(m.ok && m.record.map((f) => f.FeatureName)).toEqual(['customer_id', 'event_time']);
  });

  test('accepts digit strings for Integral features within 64 bits and numeric strings for Fractional ones', () => {
    const m = mapRecord(schema, { ...good, orders_30d: '9223372036854775807', spend_30d: '-1.5e3' });
    expect(m.ok && m.record.slice(2).map((f) => f.ValueAsString)).toEqual(['9223372036854775807', '-1.5e3']);
  });

  test('fails when the record identifier or the event time is missing', () => {
    expect(problemsOf({ event_time: good.event_time })).toEqual(["'customer_id' is missing: every record needs its record identifier"]);
    expect(problemsOf({ customer_id: 'c-1', event_time: null })).toEqual(["'event_time' is missing: every record needs its event time"]);
    expect(problemsOf({ ...good, customer_id: '' })).toEqual(["'customer_id' is empty: a record identifier needs at least one character"]);
  });

  test('fails on values of the wrong type, naming the feature, its type and what it got', () => {
    expect(problemsOf({ ...good, customer_id: 42 })).toEqual(["'customer_id' (String): a JSON string, got number 42"]);
    expect(problemsOf({ ...good, orders_30d: 2.5 })).toEqual(["'orders_30d' (Integral): a whole number (a string of digits beyond 2^53), got 2.5"]);
    expect(problemsOf({ ...good, orders_30d: '9223372036854775808' })).toEqual([
      "'orders_30d' (Integral): a whole number within 64 bits, got '9223372036854775808'",
    ]);
    expect(problemsOf({ ...good, orders_30d: true })).toEqual(["'orders_30d' (Integral): a whole number within 64 bits, got boolean true"]);
    expect(problemsOf({ ...good, spend_30d: 'NaN' })).toEqual(["'spend_30d' (Fractional): a finite number, got 'NaN'"]);
    expect(problemsOf({ ...good, spend_30d: [1] })).toEqual(["'spend_30d' (Fractional): a finite number, got an array"]);
  });

  test('fails on event times Feature Store does not accept', () => {
    for (const t of ['2026-12-03 08:00:00Z', '2026-12-03T08:00:00+01:00', '2026-12-03T08:00:00.12Z', 1764748800]) {
      expect(problemsOf({ ...good, event_time: t })).toHaveLength(1);
    }
    expect(problemsOf({ ...good, event_time: '2026-02-30T08:00:00Z' })).toEqual(["'event_time' (String event time): a calendar time, got '2026-02-30T08:00:00Z'"]);
    expect(problemsOf({ customer_id: 'c', event_time: 1764748800.25 }, fractionalTime)).toEqual([]);
    expect(problemsOf({ customer_id: 'c', event_time: '1764748800' }, fractionalTime)).toEqual([
      "'event_time' (Fractional event time): Unix seconds (a number >= 0), got '1764748800'",
    ]);
    expect(problemsOf({ customer_id: 'c', event_time: -1 }, fractionalTime)).toHaveLength(1);
  });

  test('fails on a feature the group does not define, and on values over the FeatureValue length limit', () => {
    expect(problemsOf({ ...good, churned: 1 })).toEqual(["'churned' is not a feature of the group"]);
    expect(problemsOf({ ...good, customer_id: 'x'.repeat(MAX_VALUE_LENGTH + 1) })).toEqual([
      `'customer_id': a value of at most ${MAX_VALUE_LENGTH} characters, got ${MAX_VALUE_LENGTH + 1}`,
    ]);
  });

  test('names a long string by its length, never its content', () => {
    expect(problemsOf({ ...good, orders_30d: 'secret-'.repeat(10) })[0]).toMatch(/got a string of 70 characters$/);
  });

  test('parses only JSON objects', () => {
    expect(parseRecord('{"a":1}')).toEqual({ value: { a: 1 } });
    expect(parseRecord('[1]').problem).toMatch(/a JSON object of feature values, got an array/);
    expect(parseRecord('null').problem).toMatch(/got null/);
    expect(parseRecord('{oops').problem).toMatch(/^the record is not JSON/);
  });

  test('reads the schema from DescribeFeatureGroup, and refuses collection types and incomplete descriptions', () => {
    expect(schema.features.get('orders_30d')).toBe('Integral');
    expect(() => schemaFrom({ ...DESCRIPTION, FeatureDefinitions: [...DESCRIPTION.FeatureDefinitions, { FeatureName: 'v', FeatureType: 'Fractional', CollectionType: 'Vector' }] }))
      .toThrow(/collection types are not supported/);
    expect(() => schemaFrom({ ...DESCRIPTION, EventTimeFeatureName: 'nope' })).toThrow(/lacks its record identifier or event time/);
    expect(() => schemaFrom({ FeatureDefinitions: [{ FeatureName: 'x', FeatureType: 'Boolean' }] })).toThrow(/not understood/);
  });
});

describe('event records', () => {
  test('reads Kinesis records (base64 data, sequence number) and SQS records (body, message id)', () => {
    const items = sourceItems({
      Records: [
        {
          eventSource: 'aws:kinesis', eventSourceARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/s',
          kinesis: { data: Buffer.from('{"a":1}').toString('base64'), sequenceNumber: '49590338271490256608559692538361571095921575989136588898', partitionKey: 'c-1' },
        },
        { eventSource: 'aws:sqs', eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:q', messageId: 'm-1', body: '{"b":2}' },
      ],
    });
    expect(items.map((i) => [i.itemIdentifier, i.data])).toEqual([['49590338271490256608559692538361571095921575989136588898', '{"a":1}'], ['m-1', '{"b":2}']]);
    expect(items[0].source.partitionKey).toBe('c-1');
  });

  test('fails on an event that is neither', () => {
    expect(() => sourceItems({} as never)).toThrow(/no Records/);
    expect(() => sourceItems({ Records: [{ eventSource: 'aws:dynamodb' }] })).toThrow(/record 0 is neither/);
  });
});

describe('configuration and rejections', () => {
  test('reads the environment the construct sets, and fails naming the variable', () => {
    expect(configFrom({ FEATURE_GROUP_NAME: 'g', REJECTED_QUEUE_URL: 'q', TARGET_STORES: 'OnlineStore', RECORD_TTL: 'Hours:12' })).toEqual({
      featureGroupName: 'g', rejectedQueueUrl: 'q', targetStores: ['OnlineStore'], ttl: { Unit: 'Hours', Value: 12 }, concurrency: 8,
    });
    expect(() => configFrom({ FEATURE_GROUP_NAME: 'g' })).toThrow(/REJECTED_QUEUE_URL/);
    expect(() => configFrom({ FEATURE_GROUP_NAME: 'g', REJECTED_QUEUE_URL: 'q', TARGET_STORES: 'Both' })).toThrow(/TARGET_STORES/);
    expect(() => configFrom({ FEATURE_GROUP_NAME: 'g', REJECTED_QUEUE_URL: 'q', RECORD_TTL: 'Hours:0' })).toThrow(/RECORD_TTL/);
    expect(() => configFrom({ FEATURE_GROUP_NAME: 'g', REJECTED_QUEUE_URL: 'q', PUT_CONCURRENCY: '0' })).toThrow(/PUT_CONCURRENCY/);
  });

  test('only a ValidationError of PutRecord rejects the record; other errors are retried', () => {
    expect(isRecordRejection(new ValidationError({ message: 'bad', $metadata: {} }))).toBe(true);
    for (const name of ['ThrottlingException', 'ServiceUnavailable', 'InternalFailure', 'ResourceNotFound', 'AccessForbidden']) {
      expect(isRecordRejection(Object.assign(new Error('x'), { name }))).toBe(false);
    }
  });

  test('a rejection carries the record, unless the message would exceed the size limit', () => {
    const item: SourceItem = { itemIdentifier: '1', data: 'x'.repeat(100), source: { sequenceNumber: '1' } };
    expect(JSON.parse(rejectionMessage('g', item, 'invalid-record', ['p'])).data).toBe(item.data);
    const big = JSON.parse(rejectionMessage('g', item, 'invalid-record', ['p'], 50));
    expect(big.data).toBeUndefined();
    expect(big.dataOmitted).toMatch(/sequence number/);
  });
});

describe('ingest', () => {
  // The handler logs each rejection and failure (structured, to stderr): kept out of the test output.
  let quiet: jest.SpyInstance;
  beforeAll(() => { quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined); });
  afterAll(() => quiet.mockRestore());
  const cfg = configFrom({ FEATURE_GROUP_NAME: 'churn-customers', REJECTED_QUEUE_URL: 'q', PUT_CONCURRENCY: '3' });
  const item = (id: string, o: unknown): SourceItem => ({ itemIdentifier: id, data: typeof o === 'string' ? o : JSON.stringify(o), source: { sequenceNumber: id } });

  function fakeIo(failPut: (id: string) => Error | undefined, failSend = false) {
    const put: string[] = [];
    const sent: any[] = [];
    const io: IngestIo = {
      putRecord: async (record) => {
        const id = record.find((f) => f.FeatureName === 'customer_id')!.ValueAsString;
        await new Promise((r) => setImmediate(r));
        const err = failPut(id);
        if (err) throw err;
        put.push(id);
      },
      sendRejection: async (body) => {
        if (failSend) throw Object.assign(new Error('down'), { name: 'ServiceUnavailable' });
        sent.push(JSON.parse(body));
      },
    };
    return { io, put, sent };
  }

  test('writes good records, sends bad ones to the rejected queue, and reports only the ones to retry', async () => {
    const throttled = Object.assign(new Error('slow down'), { name: 'ThrottlingException' });
    const invalid = new ValidationError({ message: 'Feature churned not found', $metadata: {} });
    const f = fakeIo((id) => (id === 'c-3' ? throttled : id === 'c-4' ? invalid : undefined));
    const items = [
      item('1', { ...good, customer_id: 'c-1' }), item('2', '{not json'), item('3', { ...good, customer_id: 'c-3' }),
      item('4', { ...good, customer_id: 'c-4' }), item('5', { event_time: good.event_time }), item('6', { ...good, customer_id: 'c-6' }),
    ];
    const result = await ingest(cfg, schema, items, f.io);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '3' }]);
    expect(result.counts).toEqual({ written: 2, rejected: 3, failed: 1 });
    expect(f.put.sort()).toEqual(['c-1', 'c-6']);
    expect(f.sent.map((m) => [m.source.sequenceNumber, m.reason])).toEqual(expect.arrayContaining([
      ['2', 'invalid-record'], ['4', 'put-record-rejected'], ['5', 'invalid-record'],
    ]));
    expect(f.sent.find((m) => m.source.sequenceNumber === '4').problems).toEqual(['PutRecord ValidationError: Feature churned not found']);
  });

  test('reports a bad record for retry when its rejection cannot be sent (never dropped)', async () => {
    const f = fakeIo(() => undefined, true);
    const result = await ingest(cfg, schema, [item('1', good), item('2', '[]')], f.io);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '2' }]);
    expect(result.counts).toEqual({ written: 1, rejected: 0, failed: 1 });
  });

  test('an empty batch writes nothing and reports nothing', async () => {
    const f = fakeIo(() => undefined);
    expect((await ingest(cfg, schema, [], f.io)).batchItemFailures).toEqual([]);
  });
});

describe('handler', () => {
  const sm = mockClient(SageMakerClient);
  const fs = mockClient(SageMakerFeatureStoreRuntimeClient);
  const q = mockClient(SQSClient);
  const env = { ...process.env };
  afterAll(() => { process.env = env; sm.restore(); fs.restore(); q.restore(); });

  test('describes the group once, puts each record with the configured stores and TTL, and returns the partial batch response', async () => {
    process.env = { ...env, FEATURE_GROUP_NAME: 'churn-customers', REJECTED_QUEUE_URL: 'https://sqs/q', TARGET_STORES: 'OnlineStore', RECORD_TTL: 'Days:7' };
    sm.on(DescribeFeatureGroupCommand).resolves(DESCRIPTION as never);
    fs.on(PutRecordCommand).resolves({});
    q.on(SendMessageCommand).resolves({});
    const kinesis = (seq: string, o: unknown) => ({
      eventSource: 'aws:kinesis', eventSourceARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/s',
      kinesis: { data: Buffer.from(JSON.stringify(o)).toString('base64'), sequenceNumber: seq },
    });
    const spy = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const warn = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const first = await handler({ Records: [kinesis('1', good), kinesis('2', { customer_id: 'c-2' })] });
      const second = await handler({ Records: [kinesis('3', good)] });
      expect(first).toEqual({ batchItemFailures: [] });
      expect(second).toEqual({ batchItemFailures: [] });
      expect(sm.commandCalls(DescribeFeatureGroupCommand)).toHaveLength(1);
      expect(fs.commandCalls(PutRecordCommand).map((c) => c.args[0].input)).toEqual([
        { FeatureGroupName: 'churn-customers', Record: mapRecord(schema, good).ok && (mapRecord(schema, good) as any).record, TargetStores: ['OnlineStore'], TtlDuration: { Unit: 'Days', Value: 7 } },
        expect.objectContaining({ FeatureGroupName: 'churn-customers' }),
      ]);
      const rejected = q.commandCalls(SendMessageCommand).map((c) => c.args[0].input);
      expect(rejected).toHaveLength(1);
      expect(rejected[0].QueueUrl).toBe('https://sqs/q');
      expect(JSON.parse(rejected[0].MessageBody!)).toMatchObject({ reason: 'invalid-record', source: { sequenceNumber: '2' } });
      const summary = JSON.parse(spy.mock.calls.map((c) => String(c[0])).find((l) => l.includes('batch done'))!);
      expect(summary).toMatchObject({ level: 'INFO', featureGroupName: 'churn-customers', records: 2, written: 1, rejected: 1, failed: 0 });
    } finally {
      spy.mockRestore();
      warn.mockRestore();
    }
  });
});
