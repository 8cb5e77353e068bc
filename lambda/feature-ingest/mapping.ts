/**
 * The pure side of feature ingestion: from a stream record's JSON object to the `Record` of a Feature Store PutRecord call
 * (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_feature_store_PutRecord.html), checked against the feature
 * group's definitions so that a bad record is rejected with its reasons instead of failing the call, and from the event of a
 * Kinesis or SQS event source mapping to the items to write. No AWS calls here.
 */

/** The value types of Feature Store (https://docs.aws.amazon.com/sagemaker/latest/dg/feature-store-quotas.html#feature-store-data-types). */
export type FeatureType = 'String' | 'Integral' | 'Fractional';

/** What the mapping needs to know of a feature group: its record identifier, its event time and the type of each feature. */
export interface FeatureSchema {
  readonly recordIdentifier: string;
  readonly eventTime: string;
  readonly features: ReadonlyMap<string, FeatureType>;
}

/** One value of a PutRecord `Record` (FeatureValue: FeatureName, ValueAsString). */
export interface FeatureValue {
  readonly FeatureName: string;
  readonly ValueAsString: string;
}

/** A record that can be written, or the reasons it cannot. */
export type MappedRecord =
  | { readonly ok: true; readonly recordId: string; readonly eventTime: string; readonly record: FeatureValue[] }
  | { readonly ok: false; readonly problems: string[] };

/**
 * FeatureValue.ValueAsString: at most 358,400 characters
 * (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_feature_store_FeatureValue.html).
 */
export const MAX_VALUE_LENGTH = 358_400;

/**
 * The formats of a String event time: `yyyy-MM-dd'T'HH:mm:ssZ` and `yyyy-MM-dd'T'HH:mm:ss.SSSZ`
 * (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateFeatureGroup.html#sagemaker-CreateFeatureGroup-request-EventTimeFeatureName).
 */
const ISO_EVENT_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{3})?Z$/;
const INTEGRAL = /^-?\d{1,19}$/;
const FRACTIONAL = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** The schema of a feature group from its DescribeFeatureGroup response; throws when the response lacks what the mapping needs. */
export function schemaFrom(d: {
  RecordIdentifierFeatureName?: string; EventTimeFeatureName?: string;
  FeatureDefinitions?: { FeatureName?: string; FeatureType?: string; CollectionType?: string }[];
}): FeatureSchema {
  const features = new Map<string, FeatureType>();
  for (const f of d.FeatureDefinitions ?? []) {
    if (f.FeatureName === undefined || !['String', 'Integral', 'Fractional'].includes(f.FeatureType ?? '')) {
      throw new Error(`feature group definition not understood: ${JSON.stringify(f)}`);
    }
    if (f.CollectionType !== undefined) {
      // Lists, sets and vectors go in ValueAsStringList, which this handler does not write.
      throw new Error(`feature '${f.FeatureName}' is a ${f.CollectionType}: collection types are not supported by this handler`);
    }
    features.set(f.FeatureName, f.FeatureType as FeatureType);
  }
  const id = d.RecordIdentifierFeatureName;
  const time = d.EventTimeFeatureName;
  if (id === undefined || time === undefined || !features.has(id) || !features.has(time)) {
    throw new Error('feature group description lacks its record identifier or event time feature');
  }
  return { recordIdentifier: id, eventTime: time, features };
}

/** Parses a record's data as one JSON object; the problem when it is not one. */
export function parseRecord(text: string): { value?: Record<string, unknown>; problem?: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { problem: `the record is not JSON (${(e as Error).message})` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { problem: `the record must be a JSON object of feature values, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}` };
  }
  return { value: value as Record<string, unknown> };
}

/**
 * The PutRecord `Record` of one JSON object: every feature it names with a value of the feature's type (a missing or null
 * feature is left out, as Feature Store allows, except the record identifier and the event time, which every record needs).
 * String features take JSON strings; Integral features whole numbers (or strings of digits) within 64 bits; Fractional
 * features finite numbers (or numeric strings). A String event time is ISO-8601 in one of Feature Store's two formats, a
 * Fractional one Unix seconds. A name the group does not define is a problem (PutRecord would refuse the whole record).
 */
export function mapRecord(schema: FeatureSchema, object: Record<string, unknown>): MappedRecord {
  const problems: string[] = [];
  const record: FeatureValue[] = [];
  for (const [name, raw] of Object.entries(object)) {
    const type = schema.features.get(name);
    if (type === undefined) {
      problems.push(`'${name}' is not a feature of the group`);
      continue;
    }
    if (raw === null || raw === undefined) {
      continue;
    }
    const value = name === schema.eventTime ? eventTimeValue(type, raw) : featureValue(type, raw);
    if (typeof value === 'object') {
      problems.push(`'${name}' (${type}${name === schema.eventTime ? ' event time' : ''}): ${value.problem}`);
    } else if (value.length > MAX_VALUE_LENGTH) {
      problems.push(`'${name}': a value of at most ${MAX_VALUE_LENGTH} characters, got ${value.length}`);
    } else {
      record.push({ FeatureName: name, ValueAsString: value });
    }
  }
  for (const key of [schema.recordIdentifier, schema.eventTime]) {
    const v = object[key];
    if (v === null || v === undefined) {
      problems.push(`'${key}' is missing: every record needs its ${key === schema.recordIdentifier ? 'record identifier' : 'event time'}`);
    }
  }
  const id = record.find((f) => f.FeatureName === schema.recordIdentifier)?.ValueAsString;
  if (id === '') {
    problems.push(`'${schema.recordIdentifier}' is empty: a record identifier needs at least one character`);
  }
  if (problems.length > 0) {
    return { ok: false, problems };
  }
  const time = record.find((f) => f.FeatureName === schema.eventTime)!.ValueAsString;
  return { ok: true, recordId: id!, eventTime: time, record };
}

function featureValue(type: FeatureType, v: unknown): string | { problem: string } {
  switch (type) {
    case 'String':
      return typeof v === 'string' ? v : { problem: `a JSON string, got ${kind(v)}` };
    case 'Integral':
      if (typeof v === 'number') {
        return Number.isSafeInteger(v) ? String(v) : { problem: `a whole number (a string of digits beyond 2^53), got ${v}` };
      }
      if (typeof v === 'string' && INTEGRAL.test(v) && BigInt(v) >= INT64_MIN && BigInt(v) <= INT64_MAX) {
        return String(BigInt(v));
      }
      return { problem: `a whole number within 64 bits, got ${kind(v)}` };
    case 'Fractional':
      if (typeof v === 'number') {
        return Number.isFinite(v) ? String(v) : { problem: `a finite number, got ${v}` };
      }
      if (typeof v === 'string' && FRACTIONAL.test(v) && Number.isFinite(Number(v))) {
        return v;
      }
      return { problem: `a finite number, got ${kind(v)}` };
  }
}

function eventTimeValue(type: FeatureType, v: unknown): string | { problem: string } {
  if (type === 'Fractional') {
    return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? String(v) : { problem: `Unix seconds (a number >= 0), got ${kind(v)}` };
  }
  const m = typeof v === 'string' ? ISO_EVENT_TIME.exec(v) : null;
  if (!m) {
    return { problem: `an ISO-8601 time as yyyy-MM-ddTHH:mm:ssZ or yyyy-MM-ddTHH:mm:ss.SSSZ, got ${kind(v)}` };
  }
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
    return { problem: `a calendar time, got '${v}'` };
  }
  return v as string;
}

/** What a value is, for a problem message (never the value itself of a long string: records may hold personal data). */
function kind(v: unknown): string {
  if (typeof v === 'string') {
    return v.length <= 40 ? `'${v}'` : `a string of ${v.length} characters`;
  }
  if (typeof v === 'number' || typeof v === 'boolean') {
    return `${typeof v} ${v}`;
  }
  return Array.isArray(v) ? 'an array' : typeof v;
}

/** One record of an event, with where it came from (for the batch item failure, the rejection and the logs). */
export interface SourceItem {
  /** The batchItemFailures identifier: the Kinesis sequence number, or the SQS message id. */
  readonly itemIdentifier: string;
  readonly data: string;
  readonly source: Record<string, string | number | undefined>;
}

/** The minimal shapes of the Kinesis and SQS events of an event source mapping. */
export interface StreamEvent {
  readonly Records?: {
    readonly eventSource?: string;
    readonly eventSourceARN?: string;
    readonly kinesis?: {
      readonly data: string; readonly sequenceNumber: string; readonly partitionKey?: string; readonly approximateArrivalTimestamp?: number;
    };
    readonly messageId?: string;
    readonly body?: string;
  }[];
}

/** The records of a Kinesis or SQS event; throws on an event of another shape (the invocation fails and Lambda retries). */
export function sourceItems(event: StreamEvent): SourceItem[] {
  if (!event || !Array.isArray(event.Records)) {
    throw new Error('not a Kinesis or SQS event: no Records');
  }
  return event.Records.map((r, i) => {
    if (r.eventSource === 'aws:kinesis' && r.kinesis && typeof r.kinesis.sequenceNumber === 'string') {
      return {
        itemIdentifier: r.kinesis.sequenceNumber,
        data: Buffer.from(r.kinesis.data ?? '', 'base64').toString('utf8'),
        source: {
          eventSourceARN: r.eventSourceARN, sequenceNumber: r.kinesis.sequenceNumber, partitionKey: r.kinesis.partitionKey,
          approximateArrivalTimestamp: r.kinesis.approximateArrivalTimestamp,
        },
      };
    }
    if (r.eventSource === 'aws:sqs' && typeof r.messageId === 'string') {
      return { itemIdentifier: r.messageId, data: r.body ?? '', source: { eventSourceARN: r.eventSourceARN, messageId: r.messageId } };
    }
    throw new Error(`record ${i} is neither a Kinesis nor an SQS record (eventSource ${JSON.stringify(r.eventSource)})`);
  });
}

/** How the handler is configured (its environment), checked. */
export interface IngestConfig {
  readonly featureGroupName: string;
  readonly rejectedQueueUrl: string;
  readonly targetStores?: ('OnlineStore' | 'OfflineStore')[];
  readonly ttl?: { readonly Unit: 'Seconds' | 'Minutes' | 'Hours' | 'Days' | 'Weeks'; readonly Value: number };
  readonly concurrency: number;
}

/** The configuration from the environment the construct sets; throws naming what is wrong. */
export function configFrom(env: Record<string, string | undefined>): IngestConfig {
  const name = env.FEATURE_GROUP_NAME;
  const queue = env.REJECTED_QUEUE_URL;
  if (!name || !queue) {
    throw new Error('FEATURE_GROUP_NAME and REJECTED_QUEUE_URL must be set');
  }
  let targetStores: IngestConfig['targetStores'];
  if (env.TARGET_STORES) {
    const stores = env.TARGET_STORES.split(',');
    if (!stores.every((s) => s === 'OnlineStore' || s === 'OfflineStore')) {
      throw new Error(`TARGET_STORES must list OnlineStore and/or OfflineStore, got '${env.TARGET_STORES}'`);
    }
    targetStores = stores as IngestConfig['targetStores'];
  }
  let ttl: IngestConfig['ttl'];
  if (env.RECORD_TTL) {
    const m = /^(Seconds|Minutes|Hours|Days|Weeks):(\d+)$/.exec(env.RECORD_TTL);
    if (!m || Number(m[2]) < 1) {
      throw new Error(`RECORD_TTL must be <Unit>:<whole number >= 1>, got '${env.RECORD_TTL}'`);
    }
    ttl = { Unit: m[1] as NonNullable<IngestConfig['ttl']>['Unit'], Value: Number(m[2]) };
  }
  const concurrency = env.PUT_CONCURRENCY ? Number(env.PUT_CONCURRENCY) : 8;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new Error(`PUT_CONCURRENCY must be a whole number >= 1, got '${env.PUT_CONCURRENCY}'`);
  }
  return { featureGroupName: name, rejectedQueueUrl: queue, targetStores, ttl, concurrency };
}

/**
 * Whether a PutRecord error says the record itself is bad (retrying cannot help: it goes to the rejected-records queue) rather than
 * the call failing (throttling, a service error, a missing group or permission: the record is reported for Lambda to retry).
 * PutRecord's errors: AccessForbidden, InternalFailure, ResourceNotFound, ServiceUnavailable, ValidationError.
 */
export function isRecordRejection(err: unknown): boolean {
  return (err as { name?: string })?.name === 'ValidationError';
}

/** The SQS message body of a rejected record: why, where from, and its data when the message stays under SQS's size limit. */
export function rejectionMessage(featureGroupName: string, item: SourceItem, reason: string, problems: string[], maxBytes = 250_000): string {
  const base = { reason, featureGroupName, problems, source: item.source };
  const full = JSON.stringify({ ...base, data: item.data });
  if (Buffer.byteLength(full, 'utf8') <= maxBytes) {
    return full;
  }
  const by = item.source.sequenceNumber ? 'its sequence number' : 'its message id';
  return JSON.stringify({ ...base, dataOmitted: `the record is too large for the message (read it from the source by ${by})` });
}
