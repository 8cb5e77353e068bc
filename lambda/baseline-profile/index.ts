/**
 * Baseline profile handler: streams a baseline dataset from S3 (CSV through csv-parse, or JSON lines), profiles it
 * in bounded memory (ProfileBuilder, see lambda/shared/PROFILE.md) and writes the profile to S3. Runs as a
 * CloudFormation custom resource (so the profile exists when the stack is deployed, and is recomputed when the
 * dataset, layout or schema changes) or on demand, invoked with the same properties. It gives up with a clear error
 * before its own timeout, so that CloudFormation gets FAILED instead of waiting.
 */
import * as http from 'http';
import * as https from 'https';
import { createInterface } from 'readline';
import { parse } from 'csv-parse';
import { objectStream, putJson } from '../shared/io';
import { log } from '../shared/log';
import { DEFAULT_PROFILE_NAME, ProfileLocation, profileNextTo } from '../shared/model-profile';
import { PROFILE_FORMAT_VERSION, ProfileBuilder } from '../shared/profile';
import { BaselineFeature, csvRow, DatasetFormat, DatasetLayout, jsonRow, resolveCsvColumns } from './dataset';

export interface BaselineRequest {
  readonly datasetBucket: string;
  readonly datasetKey: string;
  /** @default 'csv' */
  readonly format?: DatasetFormat;
  /** Whether the first CSV line is a header. @default false */
  readonly header?: boolean | 'true' | 'false';
  /** The 0-based CSV column of the label, ignored (the XGBoost layout: 0). @default - no label column */
  readonly labelIndex?: number | string;
  /** The header name or JSON field of the label, ignored. @default - no label column */
  readonly labelColumn?: string;
  readonly features: BaselineFeature[];
  /** Where the profile is written, unless `modelDataUrl` is given. */
  readonly profileBucket?: string;
  readonly profileKey?: string;
  /**
   * The S3 artifacts of the model trained on this dataset (e.g. the training job's ModelArtifacts.S3ModelArtifacts): the
   * profile is then written next to them, as `<folder>/<profileName>`, where a drift monitor whose baseline follows the
   * model finds it. @default - profileBucket and profileKey
   */
  readonly modelDataUrl?: string;
  /** @default 'baseline-profile.json' */
  readonly profileName?: string;
  /** @default 10 */
  readonly bins?: number | string;
  /** Rows sampled at most for numeric features. @default 1,000,000 (fewer when the budget needs) */
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
  /** Rows sampled for numeric features. */
  readonly rows: number;
  readonly rowsSeen: number;
  readonly malformed: number;
  readonly features: number;
}

/** The time kept to answer CloudFormation after giving up. */
export const ANSWER_MARGIN_MS = 20_000;

/**
 * CloudFormation passes every custom-resource property value as a string: `index: 0` arrives as `"0"`.
 */
export function normalizeFeatures(features: readonly BaselineFeature[]): BaselineFeature[] {
  return features.map((f) => ({
    ...f,
    ...(f.index === undefined ? {} : { index: Number(f.index) }),
    ...(f.baselineIndex === undefined ? {} : { baselineIndex: Number(f.baselineIndex) }),
  }));
}

function layoutOf(req: BaselineRequest): DatasetLayout {
  return {
    format: req.format ?? 'csv',
    header: req.header === true || req.header === 'true',
    ...(req.labelIndex === undefined || req.labelIndex === '' ? {} : { labelIndex: Number(req.labelIndex) }),
    ...(req.labelColumn === undefined || req.labelColumn === '' ? {} : { labelColumn: req.labelColumn }),
  };
}

/** Computes and stores the profile of a dataset; gives up when `deadline` (epoch ms) passes. */
/** Where a request's profile goes: next to the model's artifacts, or at the key it names. */
export function profileTarget(req: BaselineRequest): ProfileLocation {
  if (req.modelDataUrl !== undefined) {
    const name = req.profileName ?? DEFAULT_PROFILE_NAME;
    const at = /^[^/]+$/.test(name) ? profileNextTo(req.modelDataUrl, name) : undefined;
    if (!at) throw new Error(`modelDataUrl must be an s3:// URI and profileName a file name, got '${req.modelDataUrl}' and '${name}'`);
    return at;
  }
  if (!req.profileBucket || !req.profileKey) throw new Error('profileBucket and profileKey are required without modelDataUrl');
  return { bucket: req.profileBucket, key: req.profileKey };
}

export async function computeBaseline(req: BaselineRequest, deadline = Infinity): Promise<BaselineResult> {
  const target = profileTarget(req);
  const features = normalizeFeatures(req.features);
  const layout = layoutOf(req);
  const builder = new ProfileBuilder(features, {
    bins: req.bins === undefined ? undefined : Number(req.bins),
    maxRows: req.maxRows === undefined ? undefined : Number(req.maxRows),
  });
  let malformed = 0;
  const checkTime = () => {
    if ((builder.seen & 0x3fff) === 0 && Date.now() > deadline) {
      throw new Error(`gave up after ${builder.seen} rows: the dataset cannot be profiled before the function's timeout; `
        + 'sample it (maxRows) or profile it in the training pipeline');
    }
  };
  const body = await objectStream(req.datasetBucket, req.datasetKey);
  if (layout.format === 'csv') {
    const parser = body.pipe(parse({ bom: true, relax_column_count: true, skip_empty_lines: true }));
    let columns: number[] | undefined = layout.header ? undefined : resolveCsvColumns(features, layout, undefined);
    for await (const record of parser as AsyncIterable<string[]>) {
      if (!columns) {
        columns = resolveCsvColumns(features, layout, record);
        continue;
      }
      const row = csvRow(record, columns);
      if (row) builder.add(row);
      else malformed++;
      checkTime();
    }
  } else {
    const lines = createInterface({ input: body, crlfDelay: Infinity });
    for await (const line of lines) {
      if (line.trim() === '') continue;
      const row = jsonRow(line, features);
      if (row) builder.add(row);
      else malformed++;
      checkTime();
    }
  }
  if (builder.seen === 0) {
    throw new Error(`s3://${req.datasetBucket}/${req.datasetKey} has no usable row (${malformed} malformed records)`);
  }
  const profile = builder.build();
  await putJson(target.bucket, target.key, profile);
  const result = {
    profileUri: `s3://${target.bucket}/${target.key}`, rows: builder.sampled, rowsSeen: builder.seen, malformed, features: features.length,
  };
  log('INFO', 'baseline profile written', { ...result, formatVersion: PROFILE_FORMAT_VERSION });
  return result;
}

interface LambdaContext {
  getRemainingTimeInMillis(): number;
}

export async function handler(event: CustomResourceEvent | BaselineRequest, context?: LambdaContext): Promise<BaselineResult | void> {
  const deadline = context ? Date.now() + context.getRemainingTimeInMillis() - ANSWER_MARGIN_MS : Infinity;
  if (!('RequestType' in event)) {
    return computeBaseline(event, deadline);
  }
  const physicalId = `s3://${event.ResourceProperties.profileBucket}/${event.ResourceProperties.profileKey}`;
  try {
    if (event.RequestType === 'Delete') {
      // The profile is data in the lake: it stays, as the lake's objects do.
      await respond(event, 'SUCCESS', event.PhysicalResourceId ?? physicalId, {});
      return;
    }
    const result = await computeBaseline(event.ResourceProperties, deadline);
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
