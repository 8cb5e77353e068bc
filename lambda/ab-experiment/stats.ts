/**
 * The sequential tests of an A/B experiment. Pure: no AWS, no clock, no I/O.
 *
 * - `normalMixtureLogLikelihoodRatio`: the mixture sequential probability ratio test (mSPRT) of Johari, Pekelis and
 *   Walsh, "Always Valid Inference: Bringing Sequential Analysis to A/B Testing" (2015/2017; the method of Optimizely's
 *   Stats Engine), for the difference of two success proportions, on data pooled since the weights were set.
 * - `RatioGuardrail`: a one-sided sequential non-inferiority test of a rate ratio (errors, slow requests). Given the
 *   requests of a batch, each event (an error) comes from the challenger with the binomial probability
 *   n2 rho / (n1 + n2 rho), where rho is the ratio of the challenger's rate to the champion's (the Poisson limit of
 *   rare events). The test mixes exact binomial likelihood ratios over a grid of ratios above the margin; under any
 *   ratio at or below the margin the mixture is a nonnegative supermartingale, so by Ville's inequality it ever
 *   reaches 1/alpha with probability at most alpha, however often it is looked at. Exact binomial likelihoods: no
 *   normal approximation, valid for small counts.
 */

/**
 * The log of the mSPRT statistic for a normal estimate `estimate` of an effect theta with variance `variance`, testing
 * theta = 0 against a normal mixture theta ~ N(0, tau2) (Johari et al., section 4, the two-sided normal mixture):
 *
 *   Lambda = sqrt(V / (V + tau2)) exp(tau2 d^2 / (2 V (V + tau2)))
 *
 * 0 (Lambda = 1, no evidence) when the variance is not positive or tau2 is not positive.
 */
export function normalMixtureLogLikelihoodRatio(estimate: number, variance: number, tau2: number): number {
  if (!(variance > 0) || !(tau2 > 0) || !Number.isFinite(estimate)) {
    return 0;
  }
  return 0.5 * Math.log(variance / (variance + tau2)) + (tau2 * estimate * estimate) / (2 * variance * (variance + tau2));
}

/** The difference test of two success proportions on pooled counts: challenger (2) minus champion (1). */
export interface ProportionEvidence {
  readonly championTrials: number;
  readonly championSuccesses: number;
  readonly challengerTrials: number;
  readonly challengerSuccesses: number;
  /** p2 - p1. */
  readonly difference: number;
  /** p2 / p1 - 1; 0 when p1 is 0. */
  readonly relativeLift: number;
  /** The variance of the difference under the null, from the pooled proportion: p (1 - p) (1/n1 + 1/n2). */
  readonly variance: number;
  /** The mixing variance tau^2 used. */
  readonly tau2: number;
  /** log Lambda of the mSPRT at this look. */
  readonly logLikelihoodRatio: number;
  /** min(1, 1 / Lambda) at this look (the always-valid p-value is the running minimum of these). */
  readonly pValueAtLook: number;
}

/**
 * The mSPRT of p2 - p1 = 0 on pooled counts. The mixing standard deviation is `mixtureRelativeEffect` times the pooled
 * proportion: the test is most powerful for relative lifts of about that size. Throws on counts that are not
 * 0 <= successes <= trials.
 */
export function proportionDifferenceTest(n1: number, x1: number, n2: number, x2: number, mixtureRelativeEffect: number): ProportionEvidence {
  for (const [n, x] of [[n1, x1], [n2, x2]]) {
    if (!(n >= 0 && x >= 0 && x <= n)) {
      throw new Error(`proportionDifferenceTest needs 0 <= successes <= trials, got ${x} of ${n}`);
    }
  }
  const p1 = n1 > 0 ? x1 / n1 : 0;
  const p2 = n2 > 0 ? x2 / n2 : 0;
  const pooled = n1 + n2 > 0 ? (x1 + x2) / (n1 + n2) : 0;
  const variance = n1 > 0 && n2 > 0 ? pooled * (1 - pooled) * (1 / n1 + 1 / n2) : 0;
  const tau = mixtureRelativeEffect * pooled;
  const tau2 = tau * tau;
  const difference = p2 - p1;
  const logLikelihoodRatio = normalMixtureLogLikelihoodRatio(difference, variance, tau2);
  return {
    championTrials: n1, championSuccesses: x1, challengerTrials: n2, challengerSuccesses: x2,
    difference,
    relativeLift: p1 > 0 ? p2 / p1 - 1 : 0,
    variance, tau2, logLikelihoodRatio,
    pValueAtLook: Math.min(1, Math.exp(-logLikelihoodRatio)),
  };
}

/** The number of alternative ratios of a guardrail's mixture. */
export const GUARDRAIL_GRID_SIZE = 24;
/** The alternatives: (1 + margin) e^(k step), k = 1..GUARDRAIL_GRID_SIZE, up to 11 times the margin ratio. */
export const GUARDRAIL_GRID_STEP = 0.1;

/** The alternative ratios of a guardrail with this margin. */
export function guardrailGrid(margin: number): number[] {
  const bound = 1 + margin;
  return Array.from({ length: GUARDRAIL_GRID_SIZE }, (_, k) => bound * Math.exp((k + 1) * GUARDRAIL_GRID_STEP));
}

const grids = new Map<number, number[]>();

/** The grid of a margin, computed once per margin. */
function gridOf(margin: number): number[] {
  let g = grids.get(margin);
  if (!g) {
    g = guardrailGrid(margin);
    grids.set(margin, g);
  }
  return g;
}

/**
 * The log binomial likelihood ratio of one batch for ratio `rho` against the margin ratio `rho0`: `x` of `k` events
 * came from the challenger, which served `n2` requests against the champion's `n1`. 0 when the batch carries no
 * information (no events, or a variant without requests).
 */
export function batchLogLikelihoodRatio(n1: number, n2: number, k: number, x: number, rho: number, rho0: number): number {
  if (!(n1 > 0 && n2 > 0 && k > 0)) {
    return 0;
  }
  const pi = n2 * rho / (n1 + n2 * rho);
  const pi0 = n2 * rho0 / (n1 + n2 * rho0);
  return x * Math.log(pi / pi0) + (k - x) * Math.log((1 - pi) / (1 - pi0));
}

/** The running state of a guardrail since the weights were set. */
export interface GuardrailState {
  readonly championRequests: number;
  readonly challengerRequests: number;
  readonly championEvents: number;
  readonly challengerEvents: number;
  /** The log likelihood ratio of each alternative of the grid, summed over batches. */
  readonly logLikelihoodRatios: number[];
  /** The always-valid p-value: the running minimum of 1 / (the mixture likelihood ratio). */
  readonly pValue: number;
}

/** One batch of a guardrail: the requests of each variant and how many of them were events (errors, slow). */
export interface GuardrailBatch {
  readonly championRequests: number;
  readonly challengerRequests: number;
  readonly championEvents: number;
  readonly challengerEvents: number;
}

/** A guardrail with no data. */
export function emptyGuardrail(): GuardrailState {
  return {
    championRequests: 0, challengerRequests: 0, championEvents: 0, challengerEvents: 0,
    logLikelihoodRatios: new Array<number>(GUARDRAIL_GRID_SIZE).fill(0), pValue: 1,
  };
}

/** log(sum(w exp(l))) with equal weights 1/N, computed without overflow. */
export function logMeanExp(values: readonly number[]): number {
  const top = Math.max(...values);
  if (top === -Infinity) {
    return -Infinity;
  }
  const sum = values.reduce((s, v) => s + Math.exp(v - top), 0);
  return top + Math.log(sum / values.length);
}

/**
 * Adds one batch to a guardrail testing H0: challenger rate <= (1 + margin) x champion rate. Events are clamped to the
 * requests (a metric may count an error in a later minute than its request).
 */
export function updateGuardrail(state: GuardrailState, batch: GuardrailBatch, margin: number): GuardrailState {
  const n1 = Math.max(0, batch.championRequests);
  const n2 = Math.max(0, batch.challengerRequests);
  const e1 = Math.min(Math.max(0, batch.championEvents), n1);
  const e2 = Math.min(Math.max(0, batch.challengerEvents), n2);
  const rho0 = 1 + margin;
  const grid = gridOf(margin);
  const logLikelihoodRatios = state.logLikelihoodRatios.map((l, i) => l + batchLogLikelihoodRatio(n1, n2, e1 + e2, e2, grid[i], rho0));
  const atLook = Math.min(1, Math.exp(-logMeanExp(logLikelihoodRatios)));
  return {
    championRequests: state.championRequests + n1,
    challengerRequests: state.challengerRequests + n2,
    championEvents: state.championEvents + e1,
    challengerEvents: state.challengerEvents + e2,
    logLikelihoodRatios,
    pValue: Math.min(state.pValue, atLook),
  };
}

/** The challenger's rate over the champion's, pooled; undefined while the champion has no events or either no requests. */
export function rateRatio(s: GuardrailBatch): number | undefined {
  if (!(s.championRequests > 0 && s.challengerRequests > 0 && s.championEvents > 0)) {
    return undefined;
  }
  return (s.challengerEvents / s.challengerRequests) / (s.championEvents / s.championRequests);
}
