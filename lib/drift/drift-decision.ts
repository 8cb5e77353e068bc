/** How the features of one window are controlled as a family of tests. */
export enum FamilyCorrection {
  /** Each of k tested features at alpha / k: the chance of any false drift in a window is at most alpha. */
  BONFERRONI = 'bonferroni',
  /** Benjamini-Hochberg: the expected share of false drifts among drifted features is at most alpha; more power with many features. */
  BENJAMINI_HOCHBERG = 'bh',
}

/** What one feature changes of the drift decision. */
export interface DriftFeatureOverride {
  /** The feature's name, one of `features`. */
  readonly feature: string;
  /**
   * The feature's effect floor (PSI).
   *
   * @default - `DriftDecision.minPsi`
   */
  readonly minPsi?: number;
  /**
   * The values the feature needs in a window to be tested.
   *
   * @default - `DriftDecision.minSamples`
   */
  readonly minSamples?: number;
  /**
   * Report the feature but never test it (it leaves the family).
   *
   * @default false
   */
  readonly ignore?: boolean;
}

/**
 * When a window drifts, and when drift alarms. Per feature a test calibrated for the window's size (two-sample KS
 * p-value for numeric features, chi-square p-value over pooled categories for categorical ones); the window's
 * features controlled as one family; an effect floor on PSI. The alarms need M drifted windows out of N: `driftAlarms`
 * (AlarmTuning), 2 of 3 by default.
 * With the defaults, the simulation (`npm run -s simulate:drift`) measures no false alarm in 30 days of hourly
 * windows at 100, 1,000 and 100,000 records per window, and detects a 0.25 standard deviation shift of one feature
 * at 1,000 records per window at the second window.
 */
export interface DriftDecision {
  /**
   * The per-window error rate of the family: family-wise (Bonferroni) or false-discovery rate (Benjamini-Hochberg),
   * in (0, 0.5].
   *
   * @default 0.005
   */
  readonly alpha?: number;
  /**
   * How the window's features are controlled as a family.
   *
   * @default FamilyCorrection.BONFERRONI
   */
  readonly correction?: FamilyCorrection;
  /**
   * A feature drifts only when its PSI is at least this (>= 0): large windows do not alarm on trivial shifts.
   * 0.01 is about a 0.1 standard deviation mean shift.
   *
   * @default 0.01
   */
  readonly minPsi?: number;
  /**
   * Features with fewer values in a window are reported, not tested (>= 1).
   *
   * @default 50
   */
  readonly minSamples?: number;
  /**
   * Per-feature overrides.
   *
   * @default - none
   */
  readonly featureOverrides?: DriftFeatureOverride[];
}
