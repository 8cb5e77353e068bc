/**
 * The drift decision, calibrated for the window's sample size. Pure.
 *
 * Per feature a test whose false-positive rate holds at any window size: the two-sample KS p-value (numeric) or
 * the chi-square p-value of homogeneity over pooled categories (categorical). The features of one window are one
 * family, controlled by Bonferroni (family-wise error rate) or Benjamini-Hochberg (false-discovery rate). A
 * feature drifts when its test rejects and its PSI, the effect size, is at least a floor: huge windows do not
 * alarm on trivial shifts. An alarm needs M drifted windows out of N (CloudWatch's datapointsToAlarm of
 * evaluationPeriods), which `mOfN` reproduces for the simulation.
 */

import { benjaminiHochberg, bonferroni } from '../shared/stats';

/** How the features of one window are controlled as a family. */
export type Correction = 'bonferroni' | 'bh';

/** What a feature may change of the policy. */
export interface FeatureOverride {
  /** The effect floor of this feature (PSI). */
  readonly minPsi?: number;
  /** The values this feature needs in a window to be tested. */
  readonly minCount?: number;
  /** Reported, never tested (and not counted in the family). */
  readonly ignore?: boolean;
}

export interface DriftPolicy {
  /** Per window: the family-wise error rate (Bonferroni) or the false-discovery rate (BH), in (0, 0.5]. @default 0.005 */
  readonly alpha?: number;
  /** @default 'bonferroni' */
  readonly correction?: Correction;
  /** A feature drifts only when its PSI is at least this (>= 0). @default 0.01 */
  readonly minPsi?: number;
  /** Features with fewer non-missing values in a window are reported, not tested (>= 1). @default 50 */
  readonly minCount?: number;
  /** M: drifted windows needed for an alarm. @default 2 */
  readonly datapointsToAlarm?: number;
  /** N: the windows M is counted over (M <= N). @default 3 */
  readonly evaluationPeriods?: number;
  /** Per-feature overrides by feature name. @default - none */
  readonly features?: Record<string, FeatureOverride>;
}

export type ResolvedPolicy = Required<Omit<DriftPolicy, 'features'>> & { readonly features: Record<string, FeatureOverride> };

/**
 * The defaults. With them the simulation (scripts/simulate-drift.js) measures, with no drift, 15 numeric and 5
 * categorical features: 0 alarms in 30 days at 100, 1,000 and 100,000 records per window (README "Drift").
 */
export const DEFAULT_POLICY: ResolvedPolicy = {
  alpha: 0.005,
  correction: 'bonferroni',
  minPsi: 0.01,
  minCount: 50,
  datapointsToAlarm: 2,
  evaluationPeriods: 3,
  features: {},
};

/** Merges a policy over the defaults and checks it; `featureNames`, when given, are the features overrides may name. */
export function resolvePolicy(p: DriftPolicy = {}, featureNames?: readonly string[]): ResolvedPolicy {
  const given = Object.fromEntries(Object.entries(p ?? {}).filter(([, v]) => v !== undefined)) as DriftPolicy;
  const r: ResolvedPolicy = { ...DEFAULT_POLICY, ...given, features: given.features ?? {} };
  const problems: string[] = [];
  if (!(typeof r.alpha === 'number' && r.alpha > 0 && r.alpha <= 0.5)) problems.push(`alpha must be in (0, 0.5], got ${r.alpha}`);
  if (r.correction !== 'bonferroni' && r.correction !== 'bh') problems.push(`correction must be 'bonferroni' or 'bh', got '${r.correction}'`);
  if (!(typeof r.minPsi === 'number' && r.minPsi >= 0)) problems.push(`minPsi must be >= 0, got ${r.minPsi}`);
  if (!(Number.isInteger(r.minCount) && r.minCount >= 1)) problems.push(`minCount must be an integer >= 1, got ${r.minCount}`);
  const m = r.datapointsToAlarm;
  const n = r.evaluationPeriods;
  if (!(Number.isInteger(n) && n >= 1)) problems.push(`evaluationPeriods must be an integer >= 1, got ${n}`);
  if (!(Number.isInteger(m) && m >= 1 && m <= n)) problems.push(`datapointsToAlarm must be an integer in [1, evaluationPeriods], got ${m}`);
  if (r.features === null || typeof r.features !== 'object' || Array.isArray(r.features)) {
    problems.push('features must be an object keyed by feature name');
  } else {
    const known = featureNames ? new Set(featureNames) : undefined;
    for (const [name, o] of Object.entries(r.features)) {
      if (known && !known.has(name)) problems.push(`features.${name} overrides a feature that is not watched`);
      if (o?.minPsi !== undefined && !(typeof o.minPsi === 'number' && o.minPsi >= 0)) problems.push(`features.${name}.minPsi must be >= 0, got ${o.minPsi}`);
      if (o?.minCount !== undefined && !(Number.isInteger(o.minCount) && o.minCount >= 1)) {
        problems.push(`features.${name}.minCount must be an integer >= 1, got ${o.minCount}`);
      }
      if (o?.ignore !== undefined && typeof o.ignore !== 'boolean') problems.push(`features.${name}.ignore must be a boolean, got ${o.ignore}`);
    }
  }
  if (problems.length > 0) throw new Error(`invalid drift policy: ${problems.join('; ')}`);
  return r;
}

/** What the decision needs of one feature in one window. */
export interface FeatureEvidence {
  readonly name: string;
  /** Non-missing values in the window. */
  readonly count: number;
  /** The p-value of the feature's test; null when it has none (no data). */
  readonly pValue: number | null;
  /** The effect size; null when it has none. */
  readonly psi: number | null;
}

export interface FeatureDecision {
  readonly name: string;
  /** Whether the feature was tested (enough values, a p-value, not ignored). */
  readonly tested: boolean;
  /** Whether the test rejected after the family's correction. */
  readonly significant: boolean;
  /** Significant and at least the effect floor. */
  readonly drifted: boolean;
  readonly reasons: string[];
}

export interface WindowDecision {
  readonly features: FeatureDecision[];
  readonly testedFeatures: number;
  readonly driftedFeatures: string[];
  /** Drifted / tested features; null when none was tested. */
  readonly driftedShare: number | null;
  /** Whether any feature drifted: the datapoint the window alarm counts (M of N). */
  readonly drifted: boolean;
}

/** Decides one window. */
export function decideWindow(evidence: readonly FeatureEvidence[], policy: ResolvedPolicy): WindowDecision {
  const tested = evidence.map((e) => {
    const o = policy.features[e.name] ?? {};
    return !o.ignore && e.pValue !== null && Number.isFinite(e.pValue) && e.count >= (o.minCount ?? policy.minCount);
  });
  const pValues = evidence.map((e, i) => (tested[i] ? e.pValue! : NaN));
  const rejected = policy.correction === 'bh' ? benjaminiHochberg(pValues, policy.alpha) : bonferroni(pValues, policy.alpha);
  const family = tested.filter((t) => t).length;
  const features = evidence.map((e, i): FeatureDecision => {
    const floor = policy.features[e.name]?.minPsi ?? policy.minPsi;
    const significant = rejected[i];
    const large = e.psi !== null && e.psi >= floor;
    const reasons = significant && large
      ? [`p ${e.pValue!.toExponential(2)} rejected at ${policy.correction} ${policy.alpha} over ${family} features; psi ${round(e.psi!)} >= ${floor}`]
      : [];
    return { name: e.name, tested: tested[i], significant, drifted: significant && large, reasons };
  });
  const driftedFeatures = features.filter((f) => f.drifted).map((f) => f.name);
  return {
    features,
    testedFeatures: family,
    driftedFeatures,
    driftedShare: family > 0 ? driftedFeatures.length / family : null,
    drifted: driftedFeatures.length > 0,
  };
}

/**
 * CloudWatch's M-of-N evaluation over a series of datapoints: entry t is true when at least m of the last n
 * datapoints up to t (fewer at the start) are breaching. Missing datapoints are not breaching.
 */
export function mOfN(breaching: readonly boolean[], m: number, n: number): boolean[] {
  const out: boolean[] = [];
  let inWindow = 0;
  for (let t = 0; t < breaching.length; t++) {
    if (breaching[t]) inWindow++;
    if (t >= n && breaching[t - n]) inWindow--;
    out.push(inWindow >= m);
  }
  return out;
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
