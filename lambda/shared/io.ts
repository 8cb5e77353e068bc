/**
 * The AWS side of the drift, baseline-profile and model-quality handlers: S3 listing and line streaming,
 * PutMetricData. Clients are created once per container; AWS_ENDPOINT_URL (read by the SDK) points them
 * at another endpoint, e.g. moto in tests.
 */
import { createInterface } from 'readline';
import { Readable } from 'stream';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { batchDatums, Datum } from './datums';

export const s3 = new S3Client({});
export const cloudwatch = new CloudWatchClient({});

/** Every key under `prefix` (ListObjectsV2, all pages), in S3's lexicographic order. */
export async function listKeys(bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) {
      if (o.Key && !o.Key.endsWith('/')) keys.push(o.Key);
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

/** The child "folders" of `prefix` (ListObjectsV2 with a '/' delimiter), without the prefix and slash. */
export async function listChildPrefixes(bucket: string, prefix: string): Promise<string[]> {
  const out: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, Delimiter: '/', ContinuationToken: token }));
    for (const p of page.CommonPrefixes ?? []) {
      if (p.Prefix) out.push(p.Prefix.slice(prefix.length).replace(/\/$/, ''));
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return out;
}

/** The lines of an S3 object, streamed from the response body: memory holds one line, not the object. */
export async function* objectLines(bucket: string, key: string): AsyncGenerator<string> {
  const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (!res.Body) return;
  const lines = createInterface({ input: res.Body as Readable, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      yield line;
    }
  } finally {
    lines.close();
  }
}

/** A whole small object (a baseline profile) as JSON. */
export async function getJson(bucket: string, key: string): Promise<unknown> {
  const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const text = await res.Body?.transformToString('utf-8');
  if (text === undefined) throw new Error(`s3://${bucket}/${key} has no body`);
  return JSON.parse(text);
}

export async function putJson(bucket: string, key: string, doc: unknown): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: JSON.stringify(doc, null, 2), ContentType: 'application/json' }));
}

/** Publishes datums in as few PutMetricData calls as the API's limits allow; returns the number of calls. */
export async function putMetrics(namespace: string, datums: readonly Datum[]): Promise<number> {
  const batches = batchDatums(datums);
  for (const batch of batches) {
    const metricData = batch.map((d) => ({ ...d, Dimensions: [...d.Dimensions] }));
    await cloudwatch.send(new PutMetricDataCommand({ Namespace: namespace, MetricData: metricData }));
  }
  return batches.length;
}

/** The body of an S3 object as a stream (for parsers that take a stream, such as csv-parse). */
export async function objectStream(bucket: string, key: string): Promise<Readable> {
  const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (!res.Body) throw new Error(`s3://${bucket}/${key} has no body`);
  return res.Body as Readable;
}
