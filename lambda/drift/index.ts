/**
 * Drift handler: for one window of an endpoint's captured traffic, per variant, streams the capture files,
 * compares each feature with the baseline profile, writes a JSON report to S3 and publishes CloudWatch metrics.
 * Idempotent: a window is named by its bounds, so a re-run overwrites the same report and the same datapoints.
 */
import { getJson, listChildPrefixes, listKeys, objectStream, putJson, putMetrics } from '../shared/io';
import { log } from '../shared/log';
import { BaselineProfile, parseProfile } from '../shared/profile';
import { driftDatums, topDriftedFeatures } from './metrics';
import { DEFAULT_PROFILE_NAME, DeployedModel, deployedModels, profileNextTo } from './model-baseline';
import { captureHourPrefixes, DriftEvent, DriftRequest, endpointPrefix, reportKey, resolveDriftEvent } from './request';
import { CaptureScanner, ScanCounters } from './scan';
import { WindowSummary } from './window';

export type { DriftEvent } from './request';

export const REPORT_FORMAT_VERSION = 2;

export interface VariantResult {
  readonly variantName: string;
  readonly reportKey: string;
  readonly objects: number;
  /** Capture lines (requests) read. */
  readonly records: number;
  /** Feature rows read (what RecordCount publishes). */
  readonly rows: number;
  readonly malformed: number;
  /** s3:// URI of the profile the window was compared with. */
  readonly baseline: string;
  readonly driftedFeatures: string[];
  readonly driftedShare: number | null;
}

export interface DriftResult {
  readonly endpointName: string;
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly variants: VariantResult[];
}

/** Keeps the features the event names, in profile order; fails on unknown names. */
export function selectFeatures(profile: BaselineProfile, names?: readonly string[]): BaselineProfile {
  if (!names) return profile;
  const known = new Set(profile.features.map((f) => f.name));
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length > 0) {
    throw new Error(`features not in the baseline profile: ${unknown.join(', ')}`);
  }
  const wanted = new Set(names);
  return { ...profile, features: profile.features.filter((f) => wanted.has(f.name)) };
}

/** The baseline a variant's window was compared with. */
export interface VariantBaseline {
  readonly profile: BaselineProfile;
  /** s3:// URI of the profile. */
  readonly uri: string;
  /** 'model': the profile of the model the variant serves; 'monitor': the monitor's own baseline. */
  readonly source: 'model' | 'monitor';
  /** The model the variant serves, when the baseline follows the model. */
  readonly modelName?: string;
  /** Why the monitor's baseline was used although the baseline follows the model. */
  readonly fallbackReason?: string;
}

/**
 * Each variant's baseline: with `modelBaseline`, the profile next to the artifacts of the model the variant serves now
 * (so that after a retrained model is deployed its own training data is the reference, and the monitor stops alarming
 * on the drift that retraining answered); else, or when that model has no readable profile, the monitor's baseline.
 */
export async function variantBaselines(r: DriftRequest, variants: readonly string[],
  monitorProfile: BaselineProfile): Promise<Map<string, VariantBaseline>> {
  const monitor = (fallbackReason?: string): VariantBaseline => ({
    profile: monitorProfile, uri: `s3://${r.baselineBucket}/${r.baselineKey}`, source: 'monitor', ...(fallbackReason ? { fallbackReason } : {}),
  });
  const out = new Map<string, VariantBaseline>();
  if (!r.modelBaseline) {
    variants.forEach((v) => out.set(v, monitor()));
    return out;
  }
  let deployed: DeployedModel[] = [];
  try {
    deployed = await deployedModels(r.endpointName);
  } catch (e) {
    const reason = `the deployed models could not be read: ${(e as Error).name}: ${(e as Error).message}`;
    variants.forEach((v) => out.set(v, monitor(reason)));
    return out;
  }
  const loaded = new Map<string, BaselineProfile | string>();
  for (const v of variants) {
    const model = deployed.find((d) => d.variantName === v);
    const at = profileNextTo(model?.modelDataUrl, r.modelBaseline.profileName ?? DEFAULT_PROFILE_NAME);
    if (!model || !at) {
      out.set(v, monitor(model ? `model ${model.modelName} has no S3 model data` : `variant ${v} is not in the endpoint configuration in service`));
      continue;
    }
    const uri = `s3://${at.bucket}/${at.key}`;
    if (!loaded.has(uri)) {
      try {
        loaded.set(uri, selectFeatures(parseProfile(await getJson(at.bucket, at.key)), r.features));
      } catch (e) {
        loaded.set(uri, `${uri} of model ${model.modelName} could not be used: ${(e as Error).name}: ${(e as Error).message}`);
      }
    }
    const found = loaded.get(uri)!;
    out.set(v, typeof found === 'string' ? { ...monitor(found), modelName: model.modelName } : { profile: found, uri, source: 'model', modelName: model.modelName });
  }
  return out;
}

/** The drift report document for one variant and window. */
export function buildReport(r: DriftRequest, variant: string, objects: number, counters: ScanCounters, summary: WindowSummary,
  baseline?: VariantBaseline) {
  return {
    reportFormatVersion: REPORT_FORMAT_VERSION,
    endpointName: r.endpointName,
    variantName: variant,
    windowStart: new Date(r.startMs).toISOString(),
    windowEnd: new Date(r.endMs).toISOString(),
    baseline: baseline?.uri ?? `s3://${r.baselineBucket}/${r.baselineKey}`,
    ...(baseline ? { baselineSource: baseline.source } : {}),
    ...(baseline?.modelName ? { modelName: baseline.modelName } : {}),
    ...(baseline?.fallbackReason ? { baselineFallbackReason: baseline.fallbackReason } : {}),
    policy: r.policy,
    ...(r.prediction ? { prediction: r.prediction } : {}),
    captureObjects: objects,
    counters,
    testedFeatures: summary.testedFeatures,
    driftedFeatures: summary.driftedFeatures,
    driftedShare: summary.driftedShare,
    drifted: summary.drifted,
    topDriftedFeatures: topDriftedFeatures(summary),
    features: summary.features,
  };
}

export async function handler(event: DriftEvent): Promise<DriftResult> {
  const r = resolveDriftEvent(event, Date.now());
  const profile = selectFeatures(parseProfile(await getJson(r.baselineBucket, r.baselineKey)), r.features);
  const variants = r.variantName ? [r.variantName] : await listChildPrefixes(r.captureBucket, endpointPrefix(r));
  log('INFO', 'drift window', {
    endpointName: r.endpointName, variants, windowStart: new Date(r.startMs).toISOString(), windowEnd: new Date(r.endMs).toISOString(),
    features: profile.features.length,
  });

  const baselines = await variantBaselines(r, variants, profile);
  const results: VariantResult[] = [];
  for (const variant of variants) {
    const baseline = baselines.get(variant)!;
    if (baseline.fallbackReason) log('WARN', 'the monitor\'s baseline is used', { variantName: variant, reason: baseline.fallbackReason });
    const scanner = new CaptureScanner(baseline.profile, r.startMs, r.endMs, { prediction: r.prediction });
    let objects = 0;
    for (const prefix of captureHourPrefixes(r, variant)) {
      for (const key of await listKeys(r.captureBucket, prefix)) {
        objects++;
        await scanner.addStream(await objectStream(r.captureBucket, key));
      }
    }
    const summary = scanner.accumulator.summarize(r.policy);
    const key = reportKey(r, variant);
    await putJson(r.reportBucket, key, buildReport(r, variant, objects, scanner.counters, summary, baseline));
    const { records, rows, malformed } = scanner.counters;
    const datums = driftDatums(r.endpointName, variant, new Date(r.endMs), summary, { records, rows, malformed },
      { perFeature: r.perFeatureMetrics });
    const calls = await putMetrics(r.metricNamespace, datums);
    if (scanner.counters.malformed > 0) {
      log('WARN', 'malformed capture lines', { variantName: variant, malformed: scanner.counters.malformed, reasons: scanner.counters.malformedReasons });
    }
    log('INFO', 'drift report written', {
      variantName: variant, reportKey: key, objects, records: scanner.counters.records, malformed: scanner.counters.malformed,
      driftedFeatures: summary.driftedFeatures, driftedShare: summary.driftedShare, datums: datums.length, putMetricDataCalls: calls,
    });
    results.push({
      variantName: variant, reportKey: key, objects, records: scanner.counters.records, rows: scanner.counters.rows,
      malformed: scanner.counters.malformed, baseline: baseline.uri,
      driftedFeatures: summary.driftedFeatures, driftedShare: summary.driftedShare,
    });
  }
  return {
    endpointName: r.endpointName, windowStart: new Date(r.startMs).toISOString(), windowEnd: new Date(r.endMs).toISOString(), variants: results,
  };
}
