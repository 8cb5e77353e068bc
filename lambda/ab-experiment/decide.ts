/**
 * The statistics and the decision of an A/B experiment between a champion and a challenger variant. Pure: no AWS,
 * no clock, no I/O, so that every rule is tested on tables of inputs.
 */

/** What a run decides. */
export type Action = 'CONTINUE' | 'SHIFT' | 'PROMOTE' | 'HOLD' | 'ROLLBACK';

/** What to do once the challenger has won and the ramp would reach 100%. */
export type OnCompletion = 'PROMOTE' | 'HOLD';

/** What one variant did over the window. */
export interface VariantObservation {
  /** Trials: SageMaker Invocations, or the application's own trial metric. */
  readonly samples: number;
  /** Successes among the trials: non-error responses, or the application's conversions. */
  readonly successes: number;
  /** Requests answered with a 5XX error (for the error-rate guardrail). */
  readonly errors: number;
  /** Requests seen by SageMaker (the denominator of the error rate). */
  readonly invocations: number;
  /** The p99 model latency over the window, in any unit (the same for both variants); undefined if unknown. */
  readonly p99Latency?: number;
}

export interface ExperimentPolicy {
  /** No decision (other than the latency guardrail) until each variant has this many samples. */
  readonly minimumSamples: number;
  /** The significance level alpha, in (0, 0.5]. */
  readonly significance: number;
  /** Roll back when the challenger's p99 latency is more than this many percent above the champion's. */
  readonly latencyGuardrailPercent: number;
  /** The challenger's share of the pair's traffic grows by this many percentage points per shift, in (0, 100]. */
  readonly stepPercent: number;
  readonly onCompletion: OnCompletion;
  /** No shift or promotion within this many minutes of the endpoint's last change (0: no cooldown). */
  readonly cooldownMinutes: number;
}

export interface CurrentWeights {
  readonly champion: number;
  readonly challenger: number;
}

export interface DecisionInput {
  readonly champion: VariantObservation;
  readonly challenger: VariantObservation;
  /** The variants' current weights (DescribeEndpoint ProductionVariants[].CurrentWeight). */
  readonly weights: CurrentWeights;
  /** Minutes since the endpoint last changed (DescribeEndpoint LastModifiedTime); undefined if unknown. */
  readonly minutesSinceLastChange?: number;
  readonly policy: ExperimentPolicy;
}

/** A pooled two-proportion z-test of p2 - p1 (2 = challenger, 1 = champion). */
export interface ZTest {
  readonly p1: number;
  readonly p2: number;
  readonly pooled: number;
  readonly standardError: number;
  /** (p2 - p1) / standardError; 0 when the standard error is 0. */
  readonly z: number;
  /** P(|Z| >= |z|). */
  readonly pTwoSided: number;
  /** P(Z >= z): small when p2 is significantly above p1. */
  readonly pGreater: number;
  /** P(Z <= z): small when p2 is significantly below p1. */
  readonly pLess: number;
}

export interface Decision {
  readonly action: Action;
  /** Why, in one sentence, for logs and notifications. */
  readonly reason: string;
  /** The weights to set (equal to the current weights when nothing changes). */
  readonly targetWeights: CurrentWeights;
  /** Whether the target weights differ from the current ones (an update is needed). */
  readonly changed: boolean;
  /** The challenger's share of the pair's traffic after the decision, in percent. */
  readonly challengerSharePercent: number;
  /** The test on the success measure, when both variants have the minimum samples. */
  readonly successTest?: ZTest;
  /** The one-sided test of the error rates (guardrail), when both variants have the minimum samples. */
  readonly errorTest?: ZTest;
  /** Challenger p99 / champion p99, when both are known. */
  readonly latencyRatio?: number;
}

/**
 * A p99 needs about 100 samples to mean anything: below this many invocations per variant (or `minimumSamples`, if
 * smaller) the latency guardrail does not judge.
 */
export const LATENCY_GUARDRAIL_MIN_SAMPLES = 100;

const WEIGHT_EPSILON = 1e-6;

/**
 * The standard normal upper tail Q(x) = 1 - Phi(x) for x >= 0, by Abramowitz and Stegun, Handbook of Mathematical
 * Functions (1964), formula 26.2.17: Q(x) = phi(x) (b1 t + b2 t^2 + b3 t^3 + b4 t^4 + b5 t^5), t = 1 / (1 + p x),
 * with |error| < 7.5e-8 for all x >= 0.
 */
function upperTail(x: number): number {
  const p = 0.2316419;
  const b = [0.319381530, -0.356563782, 1.781477937, -1.821255978, 1.330274429];
  const t = 1 / (1 + p * x);
  const poly = t * (b[0] + t * (b[1] + t * (b[2] + t * (b[3] + t * b[4]))));
  const density = Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
  return density * poly;
}

/** The standard normal CDF Phi(x), absolute error < 7.5e-8 (Abramowitz-Stegun 26.2.17). */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) {
    return NaN;
  }
  if (x === Infinity) {
    return 1;
  }
  if (x === -Infinity) {
    return 0;
  }
  return x >= 0 ? 1 - upperTail(x) : upperTail(-x);
}

/**
 * The pooled two-proportion z-test of x2/n2 against x1/n1 (e.g. Agresti, Categorical Data Analysis; OpenIntro
 * Statistics 6.2.3): pooled p = (x1 + x2) / (n1 + n2), SE = sqrt(p (1 - p) (1/n1 + 1/n2)), z = (p2 - p1) / SE.
 * With SE = 0 (both proportions 0 or both 1) the test has no evidence: z = 0, every p-value 1 (two-sided) or 0.5.
 */
export function twoProportionZTest(x1: number, n1: number, x2: number, n2: number): ZTest {
  if (!(n1 > 0 && n2 > 0) || x1 < 0 || x2 < 0 || x1 > n1 || x2 > n2) {
    throw new Error(`twoProportionZTest needs 0 <= x <= n and n > 0, got ${x1}/${n1} and ${x2}/${n2}`);
  }
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const pooled = (x1 + x2) / (n1 + n2);
  const standardError = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (!(standardError > 0)) {
    return { p1, p2, pooled, standardError: 0, z: 0, pTwoSided: 1, pGreater: 0.5, pLess: 0.5 };
  }
  const z = (p2 - p1) / standardError;
  const tail = z >= 0 ? upperTail(z) : upperTail(-z);
  return {
    p1, p2, pooled, standardError, z,
    pTwoSided: Math.min(1, 2 * tail),
    pGreater: z >= 0 ? tail : 1 - tail,
    pLess: z >= 0 ? 1 - tail : tail,
  };
}

/** Rounds a weight so that repeated arithmetic (0.1 + 0.2) does not produce spurious changes. */
function roundWeight(w: number): number {
  return Math.round(w * 1e6) / 1e6;
}

/**
 * Decides one run of the experiment:
 * 1. the latency guardrail (challenger p99 more than X% above the champion's) rolls back at once;
 * 2. below the minimum samples of either variant: continue, no decision;
 * 3. a challenger error rate significantly above the champion's (one-sided, alpha) rolls back;
 * 4. the success measure, two-sided at alpha: challenger significantly worse rolls back; significantly better shifts
 *    the challenger's share of the pair's traffic up by one step, and when that reaches 100% promotes (or holds);
 *    otherwise continue.
 * Shifts and promotions wait for the cooldown after the endpoint's last change; rollbacks never wait.
 * Targets are computed from the current weights, keeping the pair's total weight (other variants are untouched):
 * a run that repeats on the same weights and data reaches the same target.
 */
export function decide(input: DecisionInput): Decision {
  const { champion, challenger, weights, policy } = input;
  const total = weights.champion + weights.challenger > 0 ? weights.champion + weights.challenger : 1;
  const share = weights.challenger / total;
  const result = (action: Action, reason: string, targetShare: number, extra: Partial<Decision> = {}): Decision => {
    const target = {
      champion: roundWeight(total * (1 - targetShare)),
      challenger: roundWeight(total * targetShare),
    };
    const changed = Math.abs(target.champion - weights.champion) > WEIGHT_EPSILON
      || Math.abs(target.challenger - weights.challenger) > WEIGHT_EPSILON;
    return {
      action, reason, targetWeights: changed ? target : { ...weights }, changed,
      challengerSharePercent: roundWeight(100 * (changed ? targetShare : share)), ...extra,
    };
  };

  // 1. Latency guardrail.
  let latencyRatio: number | undefined;
  const latencyMin = Math.min(LATENCY_GUARDRAIL_MIN_SAMPLES, policy.minimumSamples);
  if (isPositive(champion.p99Latency) && isFinite(challenger.p99Latency)) {
    latencyRatio = challenger.p99Latency! / champion.p99Latency!;
    const limit = 1 + policy.latencyGuardrailPercent / 100;
    if (latencyRatio > limit && champion.invocations >= latencyMin && challenger.invocations >= latencyMin) {
      return result('ROLLBACK', `challenger p99 latency is ${pct(latencyRatio - 1)} above the champion's, more than the `
        + `${policy.latencyGuardrailPercent}% guardrail`, 0, { latencyRatio });
    }
  }

  // 2. Minimum samples.
  const fewest = Math.min(champion.samples, challenger.samples);
  if (!(fewest >= policy.minimumSamples)) {
    return result('CONTINUE', `not enough samples: champion ${champion.samples}, challenger ${challenger.samples}, `
      + `each needs ${policy.minimumSamples}`, share, { latencyRatio });
  }

  // 3. Error-rate guardrail, one-sided: is the challenger's error rate significantly higher?
  let errorTest: ZTest | undefined;
  if (champion.invocations > 0 && challenger.invocations > 0) {
    errorTest = twoProportionZTest(
      Math.min(champion.errors, champion.invocations), champion.invocations,
      Math.min(challenger.errors, challenger.invocations), challenger.invocations);
    if (errorTest.pGreater < policy.significance) {
      return result('ROLLBACK', `challenger error rate ${pct(errorTest.p2)} is significantly above the champion's ${pct(errorTest.p1)} `
        + `(one-sided p = ${errorTest.pGreater.toPrecision(3)} < ${policy.significance})`, 0, { latencyRatio, errorTest });
    }
  }

  // 4. The success measure, two-sided.
  const successTest = twoProportionZTest(
    Math.min(champion.successes, champion.samples), champion.samples,
    Math.min(challenger.successes, challenger.samples), challenger.samples);
  const extra = { latencyRatio, errorTest, successTest };
  const rates = `challenger ${pct(successTest.p2)} vs champion ${pct(successTest.p1)}, two-sided p = ${successTest.pTwoSided.toPrecision(3)}`;
  if (successTest.pTwoSided >= policy.significance) {
    return result('CONTINUE', `no significant difference (${rates} >= ${policy.significance})`, share, extra);
  }
  if (successTest.z < 0) {
    return result('ROLLBACK', `challenger is significantly worse (${rates})`, 0, extra);
  }
  const next = share + policy.stepPercent / 100;
  const cooling = input.minutesSinceLastChange !== undefined && input.minutesSinceLastChange < policy.cooldownMinutes;
  if (next >= 1 - WEIGHT_EPSILON) {
    if (policy.onCompletion === 'HOLD') {
      return result('HOLD', `challenger is significantly better (${rates}); the ramp is complete and the experiment holds its weights`, share, extra);
    }
    if (cooling && share < 1 - WEIGHT_EPSILON) {
      return result('CONTINUE', `challenger is significantly better (${rates}), but the endpoint changed `
        + `${input.minutesSinceLastChange} min ago, within the ${policy.cooldownMinutes} min cooldown`, share, extra);
    }
    return result('PROMOTE', `challenger is significantly better (${rates}); promoted to all of the pair's traffic`, 1, extra);
  }
  if (cooling) {
    return result('CONTINUE', `challenger is significantly better (${rates}), but the endpoint changed `
      + `${input.minutesSinceLastChange} min ago, within the ${policy.cooldownMinutes} min cooldown`, share, extra);
  }
  return result('SHIFT', `challenger is significantly better (${rates}); its share grows by ${policy.stepPercent} points`, next, extra);
}

function isFinite(v: number | undefined): boolean {
  return v !== undefined && Number.isFinite(v);
}

function isPositive(v: number | undefined): boolean {
  return isFinite(v) && v! > 0;
}

function pct(share: number): string {
  return `${(100 * share).toFixed(2)}%`;
}
