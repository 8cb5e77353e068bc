import { Readable } from 'stream';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { InvokeEndpointCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { sdkStreamMixin } from '@smithy/core/serde';
import { mockClient } from 'aws-sdk-client-mock';
import { handler, WorkerEvent } from '../../../lambda/load-test-worker';

const s3 = mockClient(S3Client);
const runtime = mockClient(SageMakerRuntimeClient);

const event: WorkerEvent = {
  runId: 'run-1', phase: 'steady', phaseIndex: 0, worker: 1, slice: 0, endpointName: 'churn', targetVariant: 'champion',
  contentType: 'text/csv', samplesBucket: 'lake', samplesPrefix: 'load-test/churn/', rate: 20, seconds: 1, maxRequests: 20, maxInFlight: 5,
  requestTimeoutMs: 5000,
};

beforeEach(() => {
  s3.reset();
  runtime.reset();
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

test('reads the bodies under the prefix and sends them to the target variant with a load-test InferenceId', async () => {
  s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: 'load-test/churn/a.csv' }, { Key: 'load-test/churn/b.csv' }, { Key: 'load-test/churn/' }] });
  s3.on(GetObjectCommand).callsFake((input) => ({ Body: sdkStreamMixin(Readable.from([Buffer.from(`body of ${input.Key}`)])) }));
  let n = 0;
  runtime.on(InvokeEndpointCommand).callsFake(() => {
    if (++n === 3) throw Object.assign(new Error('throttled'), { name: 'ThrottlingException' });
    return { Body: new Uint8Array() };
  });
  const result = await handler(event);
  expect(s3.commandCalls(ListObjectsV2Command)[0].args[0].input).toMatchObject({ Bucket: 'lake', Prefix: 'load-test/churn/' });
  const calls = runtime.commandCalls(InvokeEndpointCommand).map((c) => c.args[0].input);
  // 20 per second for one second, capped at 20.
  expect(calls.length).toBeGreaterThanOrEqual(18);
  expect(calls.length).toBeLessThanOrEqual(20);
  expect(calls[0]).toMatchObject({ EndpointName: 'churn', TargetVariant: 'champion', ContentType: 'text/csv' });
  expect(calls.every((c) => c.InferenceId!.startsWith('cdk-mlops-load-test-') && c.InferenceId!.length <= 64)).toBe(true);
  expect(new Set(calls.map((c) => Buffer.from(c.Body as Uint8Array).toString()))).toEqual(new Set(['body of load-test/churn/a.csv', 'body of load-test/churn/b.csv']));
  expect(result).toMatchObject({ worker: 1, slice: 0, requests: calls.length, errors: 1, errorKinds: { ThrottlingException: 1 } });
});

test('fails when there is no request body under the prefix, or when the event is bad', async () => {
  s3.on(ListObjectsV2Command).resolves({ Contents: [] });
  await expect(handler(event)).rejects.toThrow(/no request bodies under s3:\/\/lake\/load-test\/churn\//);
  await expect(handler({ ...event, rate: -1 })).rejects.toThrow(/bad load-test worker event: rate must be a number/);
  expect(runtime.commandCalls(InvokeEndpointCommand)).toHaveLength(0);
});
