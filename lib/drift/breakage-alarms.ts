/**
 * When a drift monitor calls data that stops flowing, or stops making sense, broken. Each alarm is per variant and on
 * by default: silent breakage (no traffic, payloads the function cannot read, a feature that went missing, a new
 * vocabulary) is louder than drift.
 */
export interface BreakageAlarmOptions {
  /**
   * Alarm when a window has fewer records than this, or when no window is reported at all (the function did not run
   * or failed: missing data is breaching). 0 turns the alarm off.
   *
   * @default 1
   */
  readonly minRecords?: number;
  /**
   * Alarm when the share of capture lines the function cannot read reaches this, in (0, 1].
   *
   * @default 0.05
   */
  readonly maxMalformedShare?: number;
  /**
   * Alarm when any feature's missing rate exceeds its baseline missing rate by this much, in (0, 1] (1: a feature that
   * is always present in the baseline went missing entirely).
   *
   * @default 0.2
   */
  readonly maxMissingRateIncrease?: number;
  /**
   * Alarm when any categorical feature's share of values the baseline never had exceeds the baseline's own share of
   * such values by this much, in (0, 1].
   *
   * @default 0.1
   */
  readonly maxNewCategoryShare?: number;
}
