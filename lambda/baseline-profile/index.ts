/**
 * Baseline profile handler: reads a baseline dataset from S3 (CSV or JSON lines, streamed line by line), computes
 * its profile (see lambda/shared/PROFILE.md) and writes it to S3. Runs as a CloudFormation custom resource (so the
 * profile exists when the stack is deployed, and is recomputed when the dataset or schema changes) or on demand,
 * invoked with the same properties.
 */
import * as http from 'http';
import * as https from 'https';
import { objectLines, putJson } from '../shared/io';
import { log } from '../shared/log';
import { buildProfile, FeatureSpec, FeatureValue, PROFILE_FORMAT_VERSION } from '../shared/profile';
import { DatasetFormat, rowParser } from './dataset';

export interface BaselineRequest {
  readonly datasetBucket: string;
  readonly datasetKey: string;
  /** @default 'csv' */
  readonly format?: DatasetFormat;
  /** Whether the first CSV line is a header. @default false */
  readonly header?: boolean | 'true' | 'false';
  readonly features: FeatureSpec[];
  readonly profileBucket: string;
  readonly profileKey: string;
  /** @default 10 */
  readonly bins?: number | string;
  /** Rows sampled for the profile. @default 1,000,000 */
  readonly maxRows?: number | string;
}

interface CustomResourceEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: BaselineRequest & { ServiceToken: string };
}

export interface BaselineResult {
  readonly profileUri: string;
  /** Rows in the profile (a sample when the dataset has more than maxRows). */
  readonly rows: number;
  readonly rowsSeen: number;
  readonly malformed: number;
  readonly features: number;
}

/** Rows kept for the profile: a uniform sample of larger datasets, so memory is bounded whatever the dataset size. */
export const DEFAULT_MAX_ROWS = 1_000_000;

/**
 * CloudFormation passes every custom-resource property value as a string: `index: 0` arrives as `"0"`.
 */
export function normalizeFeatures(features: readonly FeatureSpec[]): FeatureSpec[] {
  return features.map((f) => ({ ...f, ...(f.index === undefined ? {} : { index: Number(f.index) }) }));
}

/**
 * Keeps a uniform random sample of at most `max` rows (reservoir sampling, algorithm R) with a seeded generator,
 * so that the same dataset always gives the same profile.
 */
export class RowReservoir {
  public readonly rows: FeatureValue[][] = [];
  public seen = 0;
  private state = 0x9e3779b9;

  constructor(private readonly max: number) {}

  public add(row: FeatureValue[]): void {
    this.seen++;
    if (this.rows.length < this.max) {
      this.rows.push(row);
      return;
    }
    const j = Math.floor(this.random() * this.seen);
    if (j < this.max) {
      this.rows[j] = row;
    }
  }

  /** mulberry32 */
  private random(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

/** Computes and stores the profile of a dataset. */
export async function computeBaseline(req: BaselineRequest): Promise<BaselineResult> {
  const features = normalizeFeatures(req.features);
  const parser = rowParser(req.format ?? 'csv', features, req.header === true || req.header === 'true');
  const reservoir = new RowReservoir(req.maxRows === undefined ? DEFAULT_MAX_ROWS : Number(req.maxRows));
  for await (const line of objectLines(req.datasetBucket, req.datasetKey)) {
    const row = parser.parse(line);
    if (row) {
      reservoir.add(row);
    }
  }
  const rows = reservoir.rows;
  if (rows.length === 0) {
    throw new Error(`s3://${req.datasetBucket}/${req.datasetKey} has no usable row (${parser.malformed} malformed lines)`);
  }
  const profile = buildProfile(rows, features, { bins: req.bins === undefined ? undefined : Number(req.bins) });
  await putJson(req.profileBucket, req.profileKey, profile);
  const result = {
    profileUri: `s3://${req.profileBucket}/${req.profileKey}`, rows: rows.length, rowsSeen: reservoir.seen, malformed: parser.malformed,
    features: features.length,
  };
  log('INFO', 'baseline profile written', { ...result, formatVersion: PROFILE_FORMAT_VERSION });
  return result;
}

export async function handler(event: CustomResourceEvent | BaselineRequest): Promise<BaselineResult | void> {
  if (!('RequestType' in event)) {
    return computeBaseline(event);
  }
  const physicalId = `s3://${event.ResourceProperties.profileBucket}/${event.ResourceProperties.profileKey}`;
  try {
    if (event.RequestType === 'Delete') {
      // The profile is data in the lake: it stays, as the lake's objects do.
      await respond(event, 'SUCCESS', event.PhysicalResourceId ?? physicalId, {});
      return;
    }
    const result = await computeBaseline(event.ResourceProperties);
    // A changed profile key gives a new physical id, so CloudFormation deletes the old resource (a no-op).
    await respond(event, 'SUCCESS', physicalId, { ProfileUri: result.profileUri, Rows: String(result.rows) });
  } catch (e) {
    log('ERROR', 'baseline profile failed', { error: (e as Error).message });
    await respond(event, 'FAILED', event.PhysicalResourceId ?? physicalId, {}, (e as Error).message);
  }
}

function respond(event: CustomResourceEvent, status: 'SUCCESS' | 'FAILED', physicalResourceId: string,
  data: Record<string, string>, reason?: string): Promise<void> {
  const body = JSON.stringify({
    Status: status,
    Reason: reason ? reason.slice(0, 1000) : 'See the log stream of this function',
    PhysicalResourceId: physicalResourceId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    Data: data,
  });
  return new Promise((resolve, reject) => {
    // CloudFormation's URL is https; plain http is for tests against a local server.
    const request = event.ResponseURL.startsWith('http:') ? http.request : https.request;
    const req = request(event.ResponseURL, {
      method: 'PUT', headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve());
    });
    req.on('error', reject);
    req.end(body);
  });
}
