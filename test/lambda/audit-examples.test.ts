import { Readable } from 'stream';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { sdkStreamMixin } from '@smithy/core/serde';
import { mockClient } from 'aws-sdk-client-mock';
import { computeBaseline } from '../../lambda/baseline-profile';

// Audit examples of #24 that survived every handler test: each is killed here by a "what was written" check.

const s3 = mockClient(S3Client);

beforeEach(() => {
  s3.reset();
});

test('the baseline profile is written to the profile bucket and key of the request, and the dataset read from its own', async () => {
  // Distinct buckets and keys, so that writing the profile anywhere else (or reading the wrong dataset) fails.
  const csv = ['tenure,plan', ...Array.from({ length: 50 }, (_, i) => `${i},${i % 2 ? 'pro' : 'basic'}`)].join('\n');
  s3.on(GetObjectCommand).resolves({ Body: sdkStreamMixin(Readable.from([Buffer.from(csv)])) as any });
  s3.on(PutObjectCommand).resolves({});
  await computeBaseline({
    datasetBucket: 'datasets', datasetKey: 'churn/train.csv', header: true,
    features: [{ name: 'tenure', type: 'numeric' }, { name: 'plan', type: 'categorical' }],
    profileBucket: 'profiles', profileKey: 'baselines/churn/train.csv.profile.json',
  } as any);
  expect(s3.commandCalls(GetObjectCommand).map((c) => [c.args[0].input.Bucket, c.args[0].input.Key])).toEqual([['datasets', 'churn/train.csv']]);
  expect(s3.commandCalls(PutObjectCommand).map((c) => [c.args[0].input.Bucket, c.args[0].input.Key]))
    .toEqual([['profiles', 'baselines/churn/train.csv.profile.json']]);
});
