import * as http from 'http';
import { AddressInfo } from 'net';
import { Readable } from 'stream';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { sdkStreamMixin } from '@smithy/core/serde';
import { mockClient } from 'aws-sdk-client-mock';
import { RowReservoir, computeBaseline, handler, normalizeFeatures } from '../../../lambda/baseline-profile';
import { rowParser } from '../../../lambda/baseline-profile/dataset';

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

describe('rowParser', () => {
  test('takes CSV cells by column index and skips the header', () => {
    const p = rowParser('csv', features, true);
    expect(p.parse('tenure,charges,plan')).toBeUndefined();
    expect(p.parse('12,30.5,pro')).toEqual(['12', 'pro']);
    expect(p.parse('12,30.5')).toBeUndefined();
    expect(p.malformed).toBe(1);
  });

  test('takes JSON-lines values by name and counts malformed lines', () => {
    const p = rowParser('jsonl', features, false);
    expect(p.parse('{"tenure": 3, "plan": "basic"}')).toEqual([3, 'basic']);
    expect(p.parse('{"plan": "basic"}')).toEqual([null, 'basic']);
    expect(p.parse('not json')).toBeUndefined();
    expect(p.parse('[1, 2]')).toBeUndefined();
    expect(p.parse('')).toBeUndefined();
    expect(p.malformed).toBe(2);
  });
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

  test('fails on a dataset without a usable row', async () => {
    s3.on(GetObjectCommand).resolves({ Body: body('tenure,charges,plan\n') as any });
    await expect(computeBaseline({ datasetBucket: 'lake', datasetKey: 'x.csv', header: true, features, profileBucket: 'lake', profileKey: 'p.json' }))
      .rejects.toThrow(/has no usable row/);
  });
});

describe('bounded memory and CloudFormation strings', () => {
  test('samples at most maxRows rows, uniformly and reproducibly', () => {
    const a = new RowReservoir(100);
    const b = new RowReservoir(100);
    for (let i = 0; i < 100_000; i++) {
      a.add([i]);
      b.add([i]);
    }
    expect(a.rows).toHaveLength(100);
    expect(a.seen).toBe(100_000);
    expect(a.rows).toEqual(b.rows);
    const mean = a.rows.reduce((sum, r) => sum + (r[0] as number), 0) / a.rows.length;
    expect(mean).toBeGreaterThan(35_000); // uniform over [0, 100000): mean 50000, sd of the mean ~2900
    expect(mean).toBeLessThan(65_000);
  });

  test('reads feature indexes that CloudFormation turned into strings', () => {
    expect(normalizeFeatures([{ name: 'plan', type: 'categorical', index: '2' as any }])).toEqual([{ name: 'plan', type: 'categorical', index: 2 }]);
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
