/**
 * Model-quality handler: reads the ground-truth files that landed in a window, joins them by inference id with the
 * predictions captured over the lookback period, publishes the quality metrics per variant and writes a JSON
 * report. Idempotent: the window names the report key and the metric timestamps.
 *
 * Memory is bounded by the labels, never by the captures: labels are held `labelBatchSize` at a time, and each
 * batch is joined by one streaming pass over the capture files of the lookback (a capture line whose id is not in
 * the batch is skipped before it is parsed). More labels than a batch mean more passes, not more memory.
 */
import { hourPrefixes } from '../shared/capture';
import { listChildPrefixes, listKeys, objectLines, putJson, putMetrics } from '../shared/io';
import { isLoadTestInference } from '../shared/load-test-marker';
import { log } from '../shared/log';
import { stamp } from '../shared/time';
import { qualityDatums } from './datums';
import { listFlatObjects } from './io';
import { capturedOutput, LabelStore, parseGroundTruthLine, QualityAccumulator, QualityMetrics } from './quality';
import { ModelQualityEvent, QualityRequest, resolveQualityEvent } from './request';

export type { ModelQualityEvent } from './request';

export interface VariantResult {
  readonly variantName: string;
  readonly joined: number;
  readonly unmatchedOutputs: number;
  readonly reportKey: string;
  readonly metrics: QualityMetrics | null;
}

export interface ModelQualityResult {
  readonly windowStart: string;
  readonly windowEnd: string;
  /** Labels read from the window's ground-truth files. */
  readonly labels: number;
  readonly variants: VariantResult[];
  /** Labels whose inference was not found in the captures of the lookback. */
  readonly unmatchedLabels: number;
  /** Passes over the captures (one per label batch). */
  readonly passes: number;
}

/** The join id of a capture line without parsing it (SageMaker writes ids unescaped); undefined to fall back to a parse. */
export function quickJoinId(line: string): string | undefined {
  const m = /"inferenceId"\s*:\s*"([^"\\]*)"/.exec(line) ?? /"eventId"\s*:\s*"([^"\\]*)"/.exec(line);
  return m ? m[1] : undefined;
}

interface GroundTruthFiles {
  readonly keys: string[];
  /** Files written flat under the prefix during the window (read, and reported). */
  readonly flatInWindow: number;
  /** Files written flat under the prefix outside the window (not read, reported). */
  readonly flatOutsideWindow: number;
}

/** The window's ground-truth files: the hour folders of the window, and flat files written during the window. */
async function groundTruthFiles(r: QualityRequest): Promise<GroundTruthFiles> {
  const base = `${r.groundTruthPrefix}/`;
  const keys: string[] = [];
  for (const hour of hourPrefixes(r.startMs, r.endMs)) {
    keys.push(...await listKeys(r.groundTruthBucket, `${base}${hour}/`));
  }
  const flat = await listFlatObjects(r.groundTruthBucket, base);
  const inWindow = flat.filter((o) => o.lastModified >= r.startMs && o.lastModified < r.endMs);
  keys.push(...inWindow.map((o) => o.key));
  return { keys, flatInWindow: inWindow.length, flatOutsideWindow: flat.length - inWindow.length };
}

export async function handler(event: ModelQualityEvent): Promise<ModelQualityResult> {
  const r = resolveQualityEvent(event, Date.now());
  const capBase = `${r.capturePrefix ? r.capturePrefix + '/' : ''}${r.endpointName}/`;
  const gt = await groundTruthFiles(r);
  const variants = r.variantName ? [r.variantName] : await listChildPrefixes(r.captureBucket, capBase);
  const acc = new Map(variants.map((v) => [v, new QualityAccumulator(r)]));
  const malformedCaptures = new Map(variants.map((v) => [v, 0]));
  const store = new LabelStore(r.labelBatchSize);
  const captureHours = hourPrefixes(r.startMs - r.lookbackHours * 3600_000, r.endMs);
  let labels = 0;
  let malformedLabels = 0;
  let loadTestLabels = 0;
  let skippedLabels = 0;
  let unmatchedLabels = 0;
  let passes = 0;

  // One streaming pass over the lookback's captures joins the labels in the store, then empties it.
  const pass = async () => {
    passes++;
    for (const variant of variants) {
      const a = acc.get(variant)!;
      for (const hour of captureHours) {
        if (store.size === 0) break;
        for (const key of await listKeys(r.captureBucket, `${capBase}${variant}/${hour}/`)) {
          for await (const line of objectLines(r.captureBucket, key)) {
            if (line.trim() === '') continue;
            const quick = quickJoinId(line);
            // Load-test traffic is synthetic: it never joins a label.
            if (quick !== undefined && (isLoadTestInference(quick) || !store.has(quick))) continue;
            const out = capturedOutput(line);
            if (typeof out === 'string') {
              malformedCaptures.set(variant, malformedCaptures.get(variant)! + 1);
              continue;
            }
            if (isLoadTestInference(out.id)) continue;
            const label = store.take(out.id);
            if (label !== undefined) a.add(label, out.format, out.text);
          }
        }
      }
    }
    unmatchedLabels += store.size;
    store.clear();
  };

  for (const key of gt.keys) {
    for await (const line of objectLines(r.groundTruthBucket, key)) {
      if (line.trim() === '') continue;
      const label = parseGroundTruthLine(line);
      if (!label) {
        malformedLabels++;
      } else if (isLoadTestInference(label.id)) {
        loadTestLabels++;
      } else if (labels >= r.maxLabels) {
        skippedLabels++;
      } else {
        let added = store.add(label.id, label.label);
        if (added === 'full') {
          await pass();
          added = store.add(label.id, label.label);
        }
        if (added === 'added') labels++;
      }
    }
  }
  if (store.size > 0) await pass();

  const results: VariantResult[] = [];
  for (const variant of variants) {
    const a = acc.get(variant)!;
    const metrics = a.metrics();
    const counters = {
      labelled: a.labelled, joined: a.joined, unmatchedOutputs: a.unmatchedOutputs,
      labelMismatches: a.mismatchKnown ? a.labelMismatches : undefined,
    };
    const reportKey = `${r.reportPrefix}/${r.endpointName}/${variant}/${stamp(r.startMs)}-${stamp(r.endMs)}.json`;
    await putJson(r.reportBucket, reportKey, {
      reportFormatVersion: 2, endpointName: r.endpointName, variantName: variant,
      windowStart: new Date(r.startMs).toISOString(), windowEnd: new Date(r.endMs).toISOString(),
      problemType: r.problemType, output: r.output, positiveLabel: r.positiveLabel, threshold: r.threshold,
      captureLookbackHours: r.lookbackHours,
      groundTruth: {
        prefix: `${r.groundTruthPrefix}/`, files: gt.keys.length, flatFilesRead: gt.flatInWindow, flatFilesOutsideWindow: gt.flatOutsideWindow,
        labels, malformedLabels, loadTestLabels, skippedLabels, duplicateLabels: store.duplicates, unmatchedLabels,
      },
      join: {
        ...counters,
        unmatchedOutputShare: a.labelled > 0 ? a.unmatchedOutputs / a.labelled : null,
        invalidLabels: a.invalidLabels,
        labelMismatchShare: counters.labelMismatches !== undefined && a.joined > 0 ? counters.labelMismatches / a.joined : null,
        malformedCaptures: malformedCaptures.get(variant), passes,
      },
      metrics,
    });
    const calls = await putMetrics(r.metricNamespace, qualityDatums(r.endpointName, variant, new Date(r.endMs), metrics, counters));
    log('INFO', 'model quality computed', { variantName: variant, ...counters, metrics, reportKey, putMetricDataCalls: calls });
    results.push({ variantName: variant, joined: a.joined, unmatchedOutputs: a.unmatchedOutputs, reportKey, metrics });
  }
  if (gt.flatOutsideWindow > 0 || gt.flatInWindow > 0) {
    log('WARN', 'ground-truth files written flat under the prefix, not in its yyyy/mm/dd/hh/ folders', {
      prefix: `${r.groundTruthPrefix}/`, readByWriteTime: gt.flatInWindow, outsideWindow: gt.flatOutsideWindow,
    });
  }
  if (malformedLabels > 0 || skippedLabels > 0) {
    log('WARN', 'ground-truth lines not used', { malformedLabels, skippedLabels, maxLabels: r.maxLabels });
  }
  return {
    windowStart: new Date(r.startMs).toISOString(), windowEnd: new Date(r.endMs).toISOString(), labels, variants: results, unmatchedLabels, passes,
  };
}
