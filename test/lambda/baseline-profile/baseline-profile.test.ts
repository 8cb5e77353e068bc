import * as http from 'http';
import { AddressInfo } from 'net';
import { Readable } from 'stream';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { sdkStreamMixin } from '@smithy/core/serde';
import { mockClient } from 'aws-sdk-client-mock';
import { computeBaseline, handler, normalizeFeatures } from '../../../lambda/baseline-profile';

const s3 = mockClient(S3Client);
const features = [{ name: 'tenure', type: 'numeric' as const }, { name: 'plan', type: 'categorical' as const, index: 2 }];

function body(text: string) {
  return sdkStreamMixin(Readable.from((text.match(/[\s\S]{1,13}/g) ?? []).map((c) => Buffer.from(c))));
}

function dataset(rows: number): string {
  const lines = ['tenure,charges,plan'];
  for (let i = 0; i < rows; i++) {
    lines.push(`${i % 72},${(20 + (i % 50)).toFixed(2)},${['basic', 'plus', 'pro'][i % 3]}`);
  }
  return lines.join('\n');
}

beforeEach(() => {
  s3.reset();
});

describe('computeBaseline', () => {
  test('streams the dataset and writes a version-1 profile of the declared features', async () => {
    s3.on(GetObjectCommand).resolves({ Body: body(dataset(1000)) as any });
    s3.on(PutObjectCommand).resolves({});
    const result = await computeBaseline({
      datasetBucket: 'lake', datasetKey: 'train.csv', header: 'true', features, profileBucket: 'lake', profileKey: 'baselines/p.json',
    });
    expect(result).toEqual({ profileUri: 's3://lake/baselines/p.json', rows: 1000, rowsSeen: 1000, malformed: 0, features: 2 });
    const put = s3.commandCalls(PutObjectCommand)[0].args[0].input;
    const profile = JSON.parse(put.Body as string);
    expect(profile.formatVersion).toBe(1);
    expect(profile.features.map((f: any) => [f.name, f.type])).toEqual([['tenure', 'numeric'], ['plan', 'categorical']]);
  });

  const profileOf = () => JSON.parse(s3.commandCalls(PutObjectCommand)[0].args[0].input.Body as string);

  test('writes the profile next to the model trained on the dataset, where a monitor that follows the model reads it', async () => {
    s3.on(GetObjectCommand).resolves({ Body: body(dataset(200)) as any });
    s3.on(PutObjectCommand).resolves({});
    const result = await computeBaseline({
      datasetBucket: 'lake', datasetKey: 'train.csv', header: true, features, modelDataUrl: 's3://models/churn/job-7/output/model.tar.gz',
    });
    expect(result.profileUri).toBe('s3://models/churn/job-7/output/baseline-profile.json');
    expect(s3.commandCalls(PutObjectCommand)[0].args[0].input).toMatchObject({ Bucket: 'models', Key: 'churn/job-7/output/baseline-profile.json' });
    await expect(computeBaseline({ datasetBucket: 'lake', datasetKey: 'train.csv', features, modelDataUrl: 's3://m/a.tar.gz', profileName: 'x/y.json' }))
      .rejects.toThrow("modelDataUrl must be an s3:// URI and profileName a file name, got 's3://m/a.tar.gz' and 'x/y.json'");
    await expect(computeBaseline({ datasetBucket: 'lake', datasetKey: 'train.csv', features }))
      .rejects.toThrow('profileBucket and profileKey are required without modelDataUrl');
  });

  test('profiles the XGBoost layout: a headerless train.csv with the label in column 0', async () => {
    // GIVEN label,tenure,plan rows while the endpoint receives tenure,plan
    const text = Array.from({ length: 300 }, (_, i) => `${i % 2},${i % 72},${['basic', 'plus', 'pro'][i % 3]}`).join('\n');
    s3.on(GetObjectCommand).resolves({ Body: body(text) as any });
    s3.on(PutObjectCommand).resolves({});
    // WHEN
    await computeBaseline({
      datasetBucket: 'lake', datasetKey: 'train.csv', labelIndex: '0',
      features: [{ name: 'tenure', type: 'numeric' }, { name: 'plan', type: 'categorical' }], profileBucket: 'lake', profileKey: 'p.json',
    });
    // THEN tenure is column 1 (0..71), never the label (0/1), and plan column 2
    const p = profileOf();
    expect(p.features[0]).toMatchObject({ index: 0, min: 0, max: 71, rows: 300 });
    expect(p.features[1].categories.map((c: any) => c.value).sort()).toEqual(['basic', 'plus', 'pro']);
  });

  test('reads quoted cells with commas and line breaks, and a byte-order mark, with a real CSV parser', async () => {
    const text = '\ufeffplan,notes,tenure\n"pro","a, b",5\n"basic","two\nlines",7\n\n"plus","""quoted""",9\n';
    s3.on(GetObjectCommand).resolves({ Body: body(text) as any });
    s3.on(PutObjectCommand).resolves({});
    const result = await computeBaseline({
      datasetBucket: 'lake', datasetKey: 'train.csv', header: true,
      features: [{ name: 'tenure', type: 'numeric' }, { name: 'plan', type: 'categorical' }], profileBucket: 'lake', profileKey: 'p.json',
    });
    expect(result).toMatchObject({ rowsSeen: 3, malformed: 0 });
    const p = profileOf();
    expect(p.features[0]).toMatchObject({ min: 5, max: 9, missing: 0 });
    expect(p.features[1].categories.map((c: any) => c.value)).toEqual(['basic', 'plus', 'pro']);
  });

  test('counts a record shorter than its columns as malformed', async () => {
    s3.on(GetObjectCommand).resolves({ Body: body('1,a\n2\n3,b\n') as any });
    s3.on(PutObjectCommand).resolves({});
    const result = await computeBaseline({
      datasetBucket: 'lake', datasetKey: 'x.csv', features: [{ name: 'x', type: 'numeric' }, { name: 'c', type: 'categorical' }],
      profileBucket: 'lake', profileKey: 'p.json',
    });
    expect(result).toMatchObject({ rowsSeen: 2, malformed: 1 });
  });

  test('fails on a layout that puts a feature on the label', async () => {
    s3.on(GetObjectCommand).resolves({ Body: body('1,2\n') as any });
    await expect(computeBaseline({ datasetBucket: 'lake', datasetKey: 'x.csv', labelIndex: 0, features: [{ name: 'x', type: 'numeric', baselineIndex: 0 }],
      profileBucket: 'lake', profileKey: 'p.json' })).rejects.toThrow(/invalid baseline layout: feature 'x' is on the label column 0/);
  });

  test('gives up with a clear error when the deadline passes', async () => {
    s3.on(GetObjectCommand).resolves({ Body: body(dataset(40_000)) as any });
    await expect(computeBaseline({ datasetBucket: 'lake', datasetKey: 'train.csv', header: true, features, profileBucket: 'lake', profileKey: 'p.json' },
      Date.now() - 1)).rejects.toThrow(/gave up after 16384 rows: the dataset cannot be profiled before the function's timeout/);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  test('refuses a feature count the profiler cannot hold', async () => {
    s3.on(GetObjectCommand).resolves({ Body: body('1\n') as any });
    const many = Array.from({ length: 3000 }, (_, i) => ({ name: `x${i}`, type: 'numeric' as const }));
    await expect(computeBaseline({ datasetBucket: 'lake', datasetKey: 'x.csv', features: many, profileBucket: 'lake', profileKey: 'p.json' }))
      .rejects.toThrow(/3000 numeric features do not fit the profiler's 192 MiB/);
  });

  test('fails on a dataset without a usable row', async () => {
    s3.on(GetObjectCommand).resolves({ Body: body('tenure,charges,plan\n') as any });
    await expect(computeBaseline({ datasetBucket: 'lake', datasetKey: 'x.csv', header: true, features, profileBucket: 'lake', profileKey: 'p.json' }))
      .rejects.toThrow(/has no usable row \(0 malformed records\)/);
  });
});

describe('CloudFormation strings', () => {
  test('reads feature indexes that CloudFormation turned into strings', () => {
    expect(normalizeFeatures([{ name: 'plan', type: 'categorical', index: '2' as any, baselineIndex: '3' as any }]))
      .toEqual([{ name: 'plan', type: 'categorical', index: 2, baselineIndex: 3 }]);
  });

  test('profiles a dataset whose properties came through CloudFormation as strings', async () => {
    s3.on(GetObjectCommand).resolves({ Body: body(dataset(300)) as any });
    s3.on(PutObjectCommand).resolves({});
    const result = await computeBaseline({
      datasetBucket: 'lake', datasetKey: 'train.csv', header: 'true', bins: '5', maxRows: '100',
      features: [{ name: 'tenure', type: 'numeric', index: '0' as any }, { name: 'plan', type: 'categorical', index: '2' as any }],
      profileBucket: 'lake', profileKey: 'p.json',
    });
    expect(result).toMatchObject({ rows: 100, rowsSeen: 300 });
  });
});

describe('custom resource', () => {
  async function run(event: Record<string, unknown>): Promise<any> {
    let received = '';
    const server = http.createServer((req, res) => {
      req.on('data', (c) => { received += c; });
      req.on('end', () => res.end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/response`;
    try {
      await handler({ ResponseURL: url, StackId: 'stack', RequestId: 'req', LogicalResourceId: 'Baseline', ...event } as any);
    } finally {
      server.close();
    }
    return JSON.parse(received);
  }
  const props = { ServiceToken: 'arn', datasetBucket: 'lake', datasetKey: 'train.csv', header: 'true', features, profileBucket: 'lake', profileKey: 'p.json' };

  test('answers SUCCESS with the profile URI on create', async () => {
    s3.on(GetObjectCommand).resolves({ Body: body(dataset(200)) as any });
    s3.on(PutObjectCommand).resolves({});
    const response = await run({ RequestType: 'Create', ResourceProperties: props });
    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 's3://lake/p.json', Data: { ProfileUri: 's3://lake/p.json', Rows: '200' } });
  });

  test('answers FAILED with the reason when the dataset cannot be read', async () => {
    s3.on(GetObjectCommand).rejects(new Error('Access Denied'));
    const response = await run({ RequestType: 'Update', PhysicalResourceId: 's3://lake/p.json', ResourceProperties: props });
    expect(response).toMatchObject({ Status: 'FAILED', Reason: 'Access Denied' });
  });

  test('keeps the profile on delete', async () => {
    const response = await run({ RequestType: 'Delete', PhysicalResourceId: 's3://lake/p.json', ResourceProperties: props });
    expect(response.Status).toBe('SUCCESS');
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });
});
