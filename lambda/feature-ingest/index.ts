/**
 * Feature ingestion: the records of a Kinesis data stream (or an SQS queue) into a feature group, one Feature Store PutRecord
 * per record. Each record is one JSON object of feature values; PutRecord overwrites the record of the same identifier and
 * event time, so a record written twice (a retried batch) is written once in effect.
 *
 * - A record that cannot be written as it is (not a JSON object, no identifier or event time, a value of the wrong type, a
 *   feature the group does not define, or PutRecord's ValidationError) is sent with its reasons to the rejected-records queue
 *   and counts as processed: retrying it cannot help, and it must not hold back its shard.
 * - A record whose PutRecord failed otherwise (throttling, a service error, a missing group or permission), or whose rejection
 *   could not be sent, is reported in `batchItemFailures` (ReportBatchItemFailures): Lambda retries from it, then sends the batch
 *   to the mapping's on-failure destination. No record is dropped without a trace.
 */
import { DescribeFeatureGroupCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { PutRecordCommand, SageMakerFeatureStoreRuntimeClient } from '@aws-sdk/client-sagemaker-featurestore-runtime';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { log } from '../shared/log';
import {
  configFrom, FeatureSchema, IngestConfig, isRecordRejection, mapRecord, parseRecord, rejectionMessage, schemaFrom, SourceItem, StreamEvent,
  sourceItems,
} from './mapping';

export type { StreamEvent } from './mapping';

/** The partial batch response of a stream or queue event source mapping. */
export interface BatchResponse {
  readonly batchItemFailures: { readonly itemIdentifier: string }[];
}

/** What happened to one record. */
export type Outcome = 'written' | 'rejected' | 'failed';

/** The AWS calls of the handler, as functions (the tests give their own). */
export interface IngestIo {
  putRecord(record: { FeatureName: string; ValueAsString: string }[]): Promise<void>;
  sendRejection(body: string): Promise<void>;
}

const sagemaker = new SageMakerClient({});
const runtime = new SageMakerFeatureStoreRuntimeClient({});
const sqs = new SQSClient({});
let schemaOnce: { name: string; schema: Promise<FeatureSchema> } | undefined;

/** The feature group's schema, described once per container (DescribeFeatureGroup). */
function loadSchema(name: string): Promise<FeatureSchema> {
  if (schemaOnce?.name !== name) {
    const schema = sagemaker.send(new DescribeFeatureGroupCommand({ FeatureGroupName: name })).then(schemaFrom);
    // A failed description is not kept: the next invocation describes again.
    schema.catch(() => { schemaOnce = undefined; });
    schemaOnce = { name, schema };
  }
  return schemaOnce.schema;
}

/** Writes one record, or rejects it, or reports it; never throws. */
export async function ingestOne(cfg: IngestConfig, schema: FeatureSchema, item: SourceItem, io: IngestIo): Promise<Outcome> {
  const parsed = parseRecord(item.data);
  const mapped = parsed.value ? mapRecord(schema, parsed.value) : { ok: false as const, problems: [parsed.problem!] };
  let reason = 'invalid-record';
  let problems = mapped.ok ? [] : mapped.problems;
  if (mapped.ok) {
    try {
      await io.putRecord(mapped.record);
      return 'written';
    } catch (err) {
      if (!isRecordRejection(err)) {
        log('ERROR', 'PutRecord failed; the record is reported for retry', {
          featureGroupName: cfg.featureGroupName, ...item.source, error: (err as Error).name, errorMessage: (err as Error).message,
        });
        return 'failed';
      }
      reason = 'put-record-rejected';
      problems = [`PutRecord ValidationError: ${(err as Error).message}`];
    }
  }
  try {
    await io.sendRejection(rejectionMessage(cfg.featureGroupName, item, reason, problems));
  } catch (err) {
    log('ERROR', 'could not send a rejected record to the rejected-records queue; it is reported for retry', {
      featureGroupName: cfg.featureGroupName, ...item.source, error: (err as Error).name,
    });
    return 'failed';
  }
  // The problems may quote values: they go to the (encrypted) queue, the log says where the record is and how many.
  log('WARN', 'record rejected', { featureGroupName: cfg.featureGroupName, reason, problemCount: problems.length, ...item.source });
  return 'rejected';
}

/** Processes the event's records, `cfg.concurrency` at a time, and returns the ones Lambda must retry. */
export async function ingest(cfg: IngestConfig, schema: FeatureSchema, items: SourceItem[], io: IngestIo)
  : Promise<BatchResponse & { counts: Record<Outcome, number> }> {
  const outcomes: Outcome[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      outcomes[i] = await ingestOne(cfg, schema, items[i], io);
    }
  };
  await Promise.all(Array.from({ length: Math.min(cfg.concurrency, items.length) }, worker));
  const counts: Record<Outcome, number> = { written: 0, rejected: 0, failed: 0 };
  outcomes.forEach((o) => { counts[o] += 1; });
  return { batchItemFailures: items.filter((_it, i) => outcomes[i] === 'failed').map((it) => ({ itemIdentifier: it.itemIdentifier })), counts };
}

export async function handler(event: StreamEvent): Promise<BatchResponse> {
  const cfg = configFrom(process.env);
  const items = sourceItems(event);
  const schema = await loadSchema(cfg.featureGroupName);
  const io: IngestIo = {
    putRecord: async (record) => {
      await runtime.send(new PutRecordCommand({
        FeatureGroupName: cfg.featureGroupName, Record: record, TargetStores: cfg.targetStores, TtlDuration: cfg.ttl,
      }));
    },
    sendRejection: async (body) => {
      await sqs.send(new SendMessageCommand({ QueueUrl: cfg.rejectedQueueUrl, MessageBody: body }));
    },
  };
  const result = await ingest(cfg, schema, items, io);
  log(result.counts.failed > 0 ? 'WARN' : 'INFO', 'feature ingestion batch done', {
    featureGroupName: cfg.featureGroupName, records: items.length, ...result.counts,
  });
  return { batchItemFailures: result.batchItemFailures };
}
