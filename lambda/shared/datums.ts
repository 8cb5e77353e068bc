/**
 * CloudWatch metric datums and their batching for PutMetricData. Pure: the drift and model-quality handlers
 * build datums, lambda/shared/io.ts sends them.
 */

/** The shape of a PutMetricData datum (structurally the SDK's MetricDatum, kept local so this file stays pure). */
export interface Datum {
  readonly MetricName: string;
  readonly Dimensions: Array<{ readonly Name: string; readonly Value: string }>;
  readonly Timestamp: Date;
  readonly Value: number;
  readonly Unit: 'None' | 'Count' | 'Milliseconds' | 'Count/Second';
}

/** PutMetricData accepts at most 1,000 datums and 1 MB per request; batches stay under both (size estimated generously). */
export function batchDatums<T>(datums: readonly T[], maxCount = 1000, maxBytes = 1_000_000): T[][] {
  const budget = maxBytes * 0.8;
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const d of datums) {
    // Query-protocol encoding repeats each member's path (MetricData.member.N.Dimensions.member.M.Name=...): about 2x JSON.
    const size = 2 * JSON.stringify(d).length + 64;
    if (current.length > 0 && (current.length >= maxCount || bytes + size > budget)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(d);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
