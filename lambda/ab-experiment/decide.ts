/**
 * The lifecycle and the decision of an A/B experiment between a champion and a challenger variant. Pure: no AWS, no
 * clock, no I/O, so that every rule is tested on tables of inputs and simulated (scripts/simulate-experiment-core.ts).
 *
 * An experiment runs in epochs: an epoch starts when the weights are set (start, shift) and the success measure pools
 * every window since (the mSPRT needs a constant split). The guardrails condition each window on its own split, so
 * they stay valid across shifts and pool the whole experiment: one test each, not one per step of the ramp.
 * Each run adds one window and tests, in this order:
 * 1. the error guardrail: is the challenger's 5XX rate more than (1 + errorMargin) times the champion's?
 * 2. the latency guardrail: is the challenger's share of requests slower than the champion's p99 of the epoch's first
 *    window more than (1 + latencyMargin) times the champion's share?
 * 3. the success measure (ground truth joined by inference id): is the challenger's success proportion different?
 * Guardrails are one-sided sequential non-inferiority tests, the success measure a two-sided mSPRT (stats.ts); all
 * are always valid, so looking every hour does not inflate alpha. A guardrail breach or a worse challenger rolls back;
 * a better challenger gains one step of traffic (a new epoch) and at the end of the ramp is promoted (or held).
 */
import {
  GuardrailBatch, GuardrailState, ProportionEvidence, emptyGuardrail, proportionDifferenceTest, rateRatio, updateGuardrail,
} from './stats';

/** What a run decides. */
export type Action = 'START' | 'RESTART' | 'CONTINUE' | 'SHIFT' | 'PROMOTE' | 'HOLD' | 'ROLLBACK' | 'DUPLICATE' | 'STOPPED';

/** The actions that change the weights on the endpoint (when they differ from the current ones). */
export const WEIGHT_ACTIONS: readonly Action[] = ['START', 'SHIFT', 'PROMOTE', 'ROLLBACK'];

/** What to do once the challenger has won and the ramp would reach 100%. */
export type OnCompletion = 'PROMOTE' | 'HOLD';

export type Status = 'RUNNING' | 'PROMOTED' | 'HELD' | 'ROLLED_BACK';

export interface ExperimentPolicy {
  /** The significance level alpha of every test, in (0, 0.5]. */
  readonly significance: number;
  /** The challenger's 5XX rate may be up to (1 + errorMargin) times the champion's (> 0). */
  readonly errorMargin: number;
  /** The challenger's share of slow requests may be up to (1 + latencyMargin) times the champion's (> 0). */
  readonly latencyMargin: number;
  /** The champion requests the first window of an epoch needs to set the latency threshold (its p99). */
  readonly latencyMinimumSamples: number;
  /** The labelled requests each variant needs in the epoch before the success measure is tested. */
  readonly minimumSamples: number;
  /** The relative lift the success test is tuned for (the mixing standard deviation, relative to the pooled rate). */
  readonly mixtureRelativeEffect: number;
  /** The challenger's share of the pair's traffic grows by this many percentage points per shift, in (0, 100]. */
  readonly stepPercent: number;
  readonly onCompletion: OnCompletion;
}

export interface Weights {
  readonly champion: number;
  readonly challenger: number;
}

/** What one variant did in one window. */
export interface VariantWindow {
  /** Requests (SageMaker Invocations). */
  readonly requests: number;
  /** Requests answered with a 5XX error. */
  readonly errors: number;
  /** Requests slower than the epoch's latency threshold (CloudWatch TC(threshold:)); undefined when not measured. */
  readonly slowRequests?: number;
  /** The window's latency quantile (p99), used to set the threshold in an epoch's first window; undefined if unknown. */
  readonly latencyQuantile?: number;
  /** Requests whose ground truth arrived in the window (joined by inference id); undefined without a success measure. */
  readonly trials?: number;
  /** Those of `trials` whose ground truth is a success. */
  readonly successes?: number;
}

export interface WindowObservation {
  /** ISO time; windows are processed in order, one run each. */
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly champion: VariantWindow;
  readonly challenger: VariantWindow;
}

export interface SuccessState {
  readonly championTrials: number;
  readonly championSuccesses: number;
  readonly challengerTrials: number;
  readonly challengerSuccesses: number;
  /** The always-valid two-sided p-value (running minimum since the epoch started). */
  readonly pValue: number;
}

export interface LatencyState extends GuardrailState {
  /** The champion's p99 in the epoch's first window with enough requests; undefined until then. */
  readonly threshold?: number;
}

/** What the experiment remembers between runs (kept in the lake). */
export interface ExperimentState {
  readonly stateVersion: 1;
  readonly status: Status;
  /** The identity of the challenger's model: a new model starts a new experiment. */
  readonly challengerModel: string;
  /** The weights of the current epoch. */
  readonly weights: Weights;
  /** The weights the experiment started from. */
  readonly initialWeights: Weights;
  /** When the current epoch started (ISO); windows before it are not pooled. */
  readonly epochStart: string;
  /** The end of the last window processed (ISO). */
  readonly lastWindowEnd: string;
  /** The epoch's number: 1 at the start, +1 at each shift. */
  readonly epoch: number;
  readonly windows: number;
  readonly success: SuccessState;
  readonly errors: GuardrailState;
  readonly latency: LatencyState;
}

export interface DecisionInput {
  /** The state of the previous run; undefined for the first run. */
  readonly state?: ExperimentState;
  /** The challenger's model now on the endpoint. */
  readonly challengerModel: string;
  /** The variants' current weights (DescribeEndpoint ProductionVariants[].CurrentWeight). */
  readonly weights: Weights;
  /** The weights of the endpoint configuration (its InitialVariantWeight), where a new experiment starts. */
  readonly initialWeights: Weights;
  /** The window of this run; for START and RESTART it marks where the new epoch starts and is not pooled. */
  readonly window: WindowObservation;
  readonly policy: ExperimentPolicy;
}

/** The evidence of a run, for the report and the metrics. */
export interface Evidence {
  readonly success?: ProportionEvidence & { readonly pValue: number };
  readonly errors: GuardrailState & { readonly rateRatio?: number };
  readonly latency: LatencyState & { readonly rateRatio?: number };
}

export interface Decision {
  readonly action: Action;
  /** Why, in one sentence, for logs and notifications. */
  readonly reason: string;
  /** The weights to set (equal to the current weights when nothing changes). */
  readonly targetWeights: Weights;
  /** Whether the target weights differ from the current ones (an update is needed). */
  readonly changed: boolean;
  /** The challenger's share of the pair's traffic after the decision, in percent. */
  readonly challengerSharePercent: number;
  /** The state to keep (write it only once the weights are applied). */
  readonly state: ExperimentState;
  readonly evidence?: Evidence;
}

const WEIGHT_EPSILON = 1e-6;

/** Rounds a weight so that repeated arithmetic (0.1 + 0.2) does not produce spurious changes. */
export function roundWeight(w: number): number {
  return Math.round(w * 1e6) / 1e6;
}

export function sameWeights(a: Weights, b: Weights): boolean {
  return Math.abs(a.champion - b.champion) <= WEIGHT_EPSILON && Math.abs(a.challenger - b.challenger) <= WEIGHT_EPSILON;
}

/** An epoch's empty tests. */
function emptyEpoch(): Pick<ExperimentState, 'success' | 'errors' | 'latency'> {
  return {
    success: { championTrials: 0, championSuccesses: 0, challengerTrials: 0, challengerSuccesses: 0, pValue: 1 },
    errors: emptyGuardrail(),
    latency: emptyGuardrail(),
  };
}

/** A new experiment (or epoch) at these weights, starting at `at`. */
export function newState(challengerModel: string, weights: Weights, initialWeights: Weights, at: string, epoch: number): ExperimentState {
  return {
    stateVersion: 1, status: 'RUNNING', challengerModel, weights: { ...weights }, initialWeights: { ...initialWeights },
    epochStart: at, lastWindowEnd: at, epoch, windows: 0, ...emptyEpoch(),
  };
}

function count(v: number | undefined): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.round(v) : 0;
}

function errorBatch(w: WindowObservation): GuardrailBatch {
  return {
    championRequests: count(w.champion.requests), challengerRequests: count(w.challenger.requests),
    championEvents: count(w.champion.errors), challengerEvents: count(w.challenger.errors),
  };
}

/** Adds the window to the latency guardrail, or sets its threshold from the champion's first window with enough requests. */
function updateLatency(s: LatencyState, w: WindowObservation, policy: ExperimentPolicy): LatencyState {
  if (s.threshold === undefined) {
    const q = w.champion.latencyQuantile;
    if (count(w.champion.requests) >= policy.latencyMinimumSamples && typeof q === 'number' && Number.isFinite(q) && q > 0) {
      return { ...s, threshold: q };
    }
    return s;
  }
  if (w.champion.slowRequests === undefined || w.challenger.slowRequests === undefined) {
    return s;
  }
  const next = updateGuardrail(s, {
    championRequests: count(w.champion.requests), challengerRequests: count(w.challenger.requests),
    championEvents: count(w.champion.slowRequests), challengerEvents: count(w.challenger.slowRequests),
  }, policy.latencyMargin);
  return { ...next, threshold: s.threshold };
}

function updateSuccess(s: SuccessState, w: WindowObservation): SuccessState {
  const n1 = count(w.champion.trials);
  const n2 = count(w.challenger.trials);
  return {
    championTrials: s.championTrials + n1,
    championSuccesses: s.championSuccesses + Math.min(count(w.champion.successes), n1),
    challengerTrials: s.challengerTrials + n2,
    challengerSuccesses: s.challengerSuccesses + Math.min(count(w.challenger.successes), n2),
    pValue: s.pValue,
  };
}

function pct(share: number): string {
  return `${(100 * share).toFixed(2)}%`;
}

function ratioText(g: GuardrailBatch): string {
  const r = rateRatio(g);
  return r === undefined ? 'n/a' : r.toFixed(3);
}

/**
 * Decides one run. Idempotent: a window that ends no later than the last one processed is a DUPLICATE and changes
 * nothing; the returned state is to be written only after the target weights are applied, so a failed or refused
 * update is retried by the next run on the same state.
 */
export function decide(input: DecisionInput): Decision {
  const { state, weights, policy, window: w } = input;
  const total = weights.champion + weights.challenger > 0 ? weights.champion + weights.challenger : 1;
  const share = weights.challenger / total;
  const result = (action: Action, reason: string, targetShare: number, next: ExperimentState, evidence?: Evidence): Decision => {
    const target = { champion: roundWeight(total * (1 - targetShare)), challenger: roundWeight(total * targetShare) };
    // A pair without weight carries no traffic: the experiment does not give it any.
    const changed = weights.champion + weights.challenger > 0 && !sameWeights(target, weights);
    const targetWeights = changed ? target : { ...weights };
    return {
      action, reason, targetWeights, changed, challengerSharePercent: roundWeight(100 * targetWeights.challenger / total),
      state: changed ? { ...next, weights: targetWeights } : next, evidence,
    };
  };

  // A first run, or a new challenger model: a new experiment from the configuration's weights.
  if (!state || state.challengerModel !== input.challengerModel) {
    const initial = input.initialWeights;
    const initialTotal = initial.champion + initial.challenger;
    const initialShare = initialTotal > 0 ? initial.challenger / initialTotal : share;
    const fresh = newState(input.challengerModel, weights, initial, w.windowEnd, 1);
    const why = state ? `a new challenger model ${input.challengerModel} (was ${state.challengerModel}) starts a new experiment`
      : `the experiment starts with challenger model ${input.challengerModel}`;
    return result(state ? 'RESTART' : 'START', `${why} at ${pct(initialShare)} of the pair's traffic`, initialShare, fresh);
  }
  if (state.status !== 'RUNNING') {
    return result('STOPPED', `the experiment on challenger model ${state.challengerModel} ended (${state.status}); deploy a new `
      + 'challenger model to start another', share, state);
  }
  if (Date.parse(w.windowEnd) <= Date.parse(state.lastWindowEnd)) {
    return result('DUPLICATE', `window ending ${w.windowEnd} was already processed (last ${state.lastWindowEnd}): nothing done`, share, state);
  }
  if (!sameWeights(weights, state.weights)) {
    const fresh = newState(state.challengerModel, weights, state.initialWeights, w.windowEnd, state.epoch + 1);
    return result('CONTINUE', `the weights changed outside the experiment (${state.weights.champion}/${state.weights.challenger} to `
      + `${weights.champion}/${weights.challenger}): a new epoch starts, earlier data is not pooled for the success measure`, share,
    { ...fresh, windows: state.windows, errors: state.errors, latency: state.latency });
  }

  const errors = updateGuardrail(state.errors, errorBatch(w), policy.errorMargin);
  const latency = updateLatency(state.latency, w, policy);
  let success = updateSuccess(state.success, w);
  let successEvidence: Evidence['success'];
  if (Math.min(success.championTrials, success.challengerTrials) >= policy.minimumSamples) {
    const t = proportionDifferenceTest(success.championTrials, success.championSuccesses, success.challengerTrials,
      success.challengerSuccesses, policy.mixtureRelativeEffect);
    success = { ...success, pValue: Math.min(success.pValue, t.pValueAtLook) };
    successEvidence = { ...t, pValue: success.pValue };
  }
  const next: ExperimentState = { ...state, lastWindowEnd: w.windowEnd, windows: state.windows + 1, errors, latency, success };
  const evidence: Evidence = {
    errors: { ...errors, rateRatio: rateRatio(errors) },
    latency: { ...latency, rateRatio: rateRatio(latency) },
    success: successEvidence,
  };
  const alpha = policy.significance;

  if (errors.pValue <= alpha) {
    return result('ROLLBACK', `challenger 5XX rate ${pct(errors.challengerEvents / errors.challengerRequests)} is more than `
      + `${1 + policy.errorMargin} times the champion's ${pct(errors.championEvents / Math.max(1, errors.championRequests))} `
      + `(ratio ${ratioText(errors)}, always-valid p = ${errors.pValue.toPrecision(3)} <= ${alpha})`, 0, { ...next, status: 'ROLLED_BACK' }, evidence);
  }
  if (latency.pValue <= alpha) {
    return result('ROLLBACK', `challenger requests slower than the champion's p99 (${latency.threshold}) are more than `
      + `${1 + policy.latencyMargin} times the champion's share (ratio ${ratioText(latency)}, always-valid p = `
      + `${latency.pValue.toPrecision(3)} <= ${alpha})`, 0, { ...next, status: 'ROLLED_BACK' }, evidence);
  }
  if (!successEvidence) {
    const why = input.window.champion.trials === undefined && input.window.challenger.trials === undefined
      ? 'guardrails hold; no success measure, so the experiment never promotes'
      : `guardrails hold; not enough labelled requests for the success measure: champion ${success.championTrials}, challenger `
        + `${success.challengerTrials}, each needs ${policy.minimumSamples}`;
    return result('CONTINUE', why, share, next, evidence);
  }
  const rates = `challenger ${pct(success.challengerSuccesses / success.challengerTrials)} vs champion `
    + `${pct(success.championSuccesses / success.championTrials)}, always-valid p = ${success.pValue.toPrecision(3)}`;
  if (success.pValue > alpha) {
    return result('CONTINUE', `no significant difference yet (${rates} > ${alpha})`, share, next, evidence);
  }
  if (successEvidence.difference < 0) {
    return result('ROLLBACK', `challenger is significantly worse (${rates})`, 0, { ...next, status: 'ROLLED_BACK' }, evidence);
  }
  const after = share + policy.stepPercent / 100;
  if (after >= 1 - WEIGHT_EPSILON) {
    if (policy.onCompletion === 'HOLD') {
      return result('HOLD', `challenger is significantly better (${rates}); the ramp is complete and the experiment holds its weights`,
        share, { ...next, status: 'HELD' }, evidence);
    }
    return result('PROMOTE', `challenger is significantly better (${rates}); promoted to all of the pair's traffic`, 1,
      { ...next, status: 'PROMOTED' }, evidence);
  }
  const epoch = newState(state.challengerModel, weights, state.initialWeights, w.windowEnd, state.epoch + 1);
  return result('SHIFT', `challenger is significantly better (${rates}); its share grows by ${policy.stepPercent} points and a `
    + 'new epoch starts', after, { ...epoch, windows: next.windows, errors, latency }, evidence);
}
