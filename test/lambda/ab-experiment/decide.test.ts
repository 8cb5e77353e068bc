import {
  Decision, DecisionInput, ExperimentPolicy, ExperimentState, VariantWindow, WEIGHT_ACTIONS, decide, newState, roundWeight, sameWeights,
} from '../../../lambda/ab-experiment/decide';
import { GuardrailState, emptyGuardrail } from '../../../lambda/ab-experiment/stats';

const POLICY: ExperimentPolicy = {
  significance: 0.05, errorMargin: 0.25, latencyMargin: 0.5, latencyMinimumSamples: 1000, minimumSamples: 1000,
  mixtureRelativeEffect: 0.1, stepPercent: 10, onCompletion: 'PROMOTE',
};
const W = { champion: 90, challenger: 10 };
const T0 = '2026-01-01T00:00:00.000Z';
const hour = (h: number) => new Date(Date.parse(T0) + h * 3_600_000).toISOString();

/** A running state after the start, at the given weights. */
function running(over: Partial<ExperimentState> = {}): ExperimentState {
  return { ...newState('model-b', W, W, T0, 1), ...over };
}

function v(o: Partial<VariantWindow> = {}): VariantWindow {
  return { requests: 0, errors: 0, ...o };
}

function input(over: Partial<DecisionInput> & { champion?: VariantWindow; challenger?: VariantWindow; h?: number } = {}): DecisionInput {
  const h = over.h ?? 1;
  return {
    state: 'state' in over ? over.state : running(),
    challengerModel: over.challengerModel ?? 'model-b',
    weights: over.weights ?? W,
    initialWeights: over.initialWeights ?? W,
    policy: over.policy ?? POLICY,
    window: over.window ?? { windowStart: hour(h - 1), windowEnd: hour(h), champion: over.champion ?? v(), challenger: over.challenger ?? v() },
  };
}

/** A guardrail state with this always-valid p-value (the counts do not matter to the decision). */
function guardrail(pValue: number): GuardrailState {
  return { ...emptyGuardrail(), pValue };
}

describe('weights helpers', () => {
  test('roundWeight rounds to 1e-6', () => {
    expect(roundWeight(0.1 + 0.2)).toBe(0.3);
    expect(roundWeight(12.3456789)).toBe(12.345679);
  });

  test('sameWeights tolerates 1e-6 and no more', () => {
    expect(sameWeights({ champion: 90, challenger: 10 }, { champion: 90.000001, challenger: 10 })).toBe(true);
    expect(sameWeights({ champion: 90, challenger: 10 }, { champion: 90.00001, challenger: 10 })).toBe(false);
    expect(sameWeights({ champion: 90, challenger: 10 }, { champion: 90, challenger: 10.00001 })).toBe(false);
  });

  test('the weight actions are START, SHIFT, PROMOTE and ROLLBACK', () => {
    expect(WEIGHT_ACTIONS).toEqual(['START', 'SHIFT', 'PROMOTE', 'ROLLBACK']);
  });
});

describe('newState', () => {
  test('is a running first epoch with empty tests', () => {
    expect(newState('m', W, { champion: 1, challenger: 1 }, T0, 3)).toEqual({
      stateVersion: 1, status: 'RUNNING', challengerModel: 'm', weights: W, initialWeights: { champion: 1, challenger: 1 },
      epochStart: T0, lastWindowEnd: T0, epoch: 3, windows: 0,
      success: { championTrials: 0, championSuccesses: 0, challengerTrials: 0, challengerSuccesses: 0, pValue: 1 },
      errors: emptyGuardrail(), latency: emptyGuardrail(),
    });
  });
});

describe('decide: the lifecycle', () => {
  test('a first run starts the experiment at the configuration weights without pooling its window', () => {
    const d = decide(input({ state: undefined, champion: v({ requests: 5000, errors: 400 }), challenger: v({ requests: 500, errors: 400 }) }));
    expect(d.action).toBe('START');
    expect(d.changed).toBe(false);
    expect(d.targetWeights).toEqual(W);
    expect(d.challengerSharePercent).toBe(10);
    expect(d.reason).toBe('the experiment starts with challenger model model-b at 10.00% of the pair\'s traffic');
    expect(d.state).toEqual(newState('model-b', W, W, hour(1), 1));
  });

  test('a first run on weights that differ from the configuration resets them', () => {
    const d = decide(input({ state: undefined, weights: { champion: 100, challenger: 0 } }));
    expect(d).toMatchObject({ action: 'START', changed: true, targetWeights: { champion: 90, challenger: 10 }, challengerSharePercent: 10 });
    expect(d.state.weights).toEqual({ champion: 90, challenger: 10 });
    expect(d.state.initialWeights).toEqual(W);
  });

  test('a new challenger model restarts the experiment and resets the weights, even after a rollback', () => {
    const old = running({ challengerModel: 'model-a', status: 'ROLLED_BACK', weights: { champion: 100, challenger: 0 }, epoch: 4 });
    const d = decide(input({ state: old, challengerModel: 'model-c', weights: { champion: 100, challenger: 0 }, initialWeights: { champion: 3, challenger: 1 } }));
    expect(d.action).toBe('RESTART');
    expect(d.changed).toBe(true);
    expect(d.targetWeights).toEqual({ champion: 75, challenger: 25 });
    expect(d.reason).toBe('a new challenger model model-c (was model-a) starts a new experiment at 25.00% of the pair\'s traffic');
    expect(d.state).toMatchObject({ status: 'RUNNING', challengerModel: 'model-c', epoch: 1, windows: 0, initialWeights: { champion: 3, challenger: 1 } });
  });

  test('a configuration with zero total weight keeps the current share', () => {
    const d = decide(input({ state: undefined, weights: { champion: 80, challenger: 20 }, initialWeights: { champion: 0, challenger: 0 } }));
    expect(d).toMatchObject({ action: 'START', changed: false, challengerSharePercent: 20 });
  });

  test.each(['PROMOTED', 'HELD', 'ROLLED_BACK'] as const)('an experiment that ended (%s) does nothing until a new challenger model', (status) => {
    const s = running({ status });
    const d = decide(input({ state: s, challenger: v({ requests: 1000, errors: 900 }), champion: v({ requests: 1000 }) }));
    expect(d.action).toBe('STOPPED');
    expect(d.changed).toBe(false);
    expect(d.state).toBe(s);
    expect(d.reason).toBe(`the experiment on challenger model model-b ended (${status}); deploy a new challenger model to start another`);
  });

  test('a window already processed is a duplicate and changes nothing', () => {
    const s = running({ lastWindowEnd: hour(2) });
    for (const h of [1, 2]) {
      const d = decide(input({ state: s, h, challenger: v({ requests: 1000, errors: 900 }), champion: v({ requests: 1000 }) }));
      expect(d.action).toBe('DUPLICATE');
      expect(d.changed).toBe(false);
      expect(d.state).toBe(s);
      expect(d.reason).toBe(`window ending ${hour(h)} was already processed (last ${hour(2)}): nothing done`);
    }
    expect(decide(input({ state: s, h: 3 })).action).toBe('CONTINUE');
  });

  test('weights changed outside the experiment start a new epoch without pooling the window', () => {
    const s = running({ epoch: 2, windows: 5, errors: guardrail(0.2) });
    const d = decide(input({
      state: s, weights: { champion: 50, challenger: 50 }, challenger: v({ requests: 1000, errors: 900 }), champion: v({ requests: 1000 }),
    }));
    expect(d.action).toBe('CONTINUE');
    expect(d.changed).toBe(false);
    expect(d.reason).toBe('the weights changed outside the experiment (90/10 to 50/50): a new epoch starts, earlier data is not pooled '
      + 'for the success measure');
    expect(d.state).toEqual({ ...newState('model-b', { champion: 50, challenger: 50 }, W, hour(1), 3), windows: 5, errors: guardrail(0.2) });
  });
});

describe('decide: guardrails', () => {
  test('a challenger erring far more than the margin is rolled back', () => {
    const d = decide(input({ champion: v({ requests: 9000, errors: 9 }), challenger: v({ requests: 1000, errors: 30 }) }));
    expect(d.action).toBe('ROLLBACK');
    expect(d.changed).toBe(true);
    expect(d.targetWeights).toEqual({ champion: 100, challenger: 0 });
    expect(d.challengerSharePercent).toBe(0);
    expect(d.state.status).toBe('ROLLED_BACK');
    expect(d.state.weights).toEqual({ champion: 100, challenger: 0 });
    expect(d.evidence!.errors.rateRatio).toBeCloseTo(30, 9);
    expect(d.reason).toMatch(/^challenger 5XX rate 3.00% is more than 1.25 times the champion's 0.10% \(ratio 30.000, always-valid p = [0-9.e-]+ <= 0.05\)$/);
  });

  test('the rollback is at p <= alpha: exactly at alpha rolls back, just above continues', () => {
    const at = decide(input({ state: running({ errors: guardrail(0.05) }) }));
    expect(at.action).toBe('ROLLBACK');
    const above = decide(input({ state: running({ errors: guardrail(0.0500001) }) }));
    expect(above.action).toBe('CONTINUE');
  });

  test('a challenger with the champion\'s error rate is not rolled back', () => {
    const d = decide(input({ champion: v({ requests: 9000, errors: 18 }), challenger: v({ requests: 1000, errors: 2 }) }));
    expect(d.action).toBe('CONTINUE');
    expect(d.state.errors).toMatchObject({ championRequests: 9000, challengerRequests: 1000, championEvents: 18, challengerEvents: 2, pValue: 1 });
    expect(d.state).toMatchObject({ lastWindowEnd: hour(1), windows: 1 });
  });

  test('the error guardrail reports the ratio n/a before the champion errs, and a champion rate over at least one request', () => {
    const d = decide(input({ state: running({ errors: guardrail(0.01) }), challenger: v({ requests: 10, errors: 1 }) }));
    expect(d.reason).toMatch(/^challenger 5XX rate 10.00% is more than 1.25 times the champion's 0.00% \(ratio n\/a, /);
  });

  test('the first window with enough champion requests sets the latency threshold, and is not tested', () => {
    const d = decide(input({
      champion: v({ requests: 1000, latencyQuantile: 120, slowRequests: 0 }), challenger: v({ requests: 100, slowRequests: 100 }),
    }));
    expect(d.state.latency).toEqual({ ...emptyGuardrail(), threshold: 120 });
    expect(d.action).toBe('CONTINUE');
  });

  test.each([
    ['too few champion requests', v({ requests: 999, latencyQuantile: 120 })],
    ['no quantile', v({ requests: 1000 })],
    ['a zero quantile', v({ requests: 1000, latencyQuantile: 0 })],
    ['a non-finite quantile', v({ requests: 1000, latencyQuantile: Infinity })],
  ])('the threshold waits with %s', (_, champion) => {
    expect(decide(input({ champion })).state.latency.threshold).toBeUndefined();
  });

  test('once set, the threshold stays and slow requests are tested against the margin', () => {
    const s = running({ latency: { ...emptyGuardrail(), threshold: 120 } });
    const d = decide(input({
      state: s, champion: v({ requests: 9000, slowRequests: 90, latencyQuantile: 50 }), challenger: v({ requests: 1000, slowRequests: 60 }),
    }));
    expect(d.action).toBe('ROLLBACK');
    expect(d.state.latency).toMatchObject({
      threshold: 120, championEvents: 90, challengerEvents: 60, championRequests: 9000, challengerRequests: 1000,
    });
    expect(d.evidence!.latency.rateRatio).toBeCloseTo(6, 9);
    expect(d.reason).toMatch(/^challenger requests slower than the champion's p99 \(120\) are more than 1.5 times the champion's share \(ratio 6.000, always-valid p = [0-9.e-]+ <= 0.05\)$/);
  });

  test('slow requests equal in share do not roll back', () => {
    const s = running({ latency: { ...emptyGuardrail(), threshold: 120 } });
    const d = decide(input({ state: s, champion: v({ requests: 9000, slowRequests: 90 }), challenger: v({ requests: 1000, slowRequests: 10 }) }));
    expect(d.action).toBe('CONTINUE');
    expect(d.state.latency.pValue).toBe(1);
  });

  test.each([
    ['champion', v({ requests: 9000 }), v({ requests: 1000, slowRequests: 60 })],
    ['challenger', v({ requests: 9000, slowRequests: 0 }), v({ requests: 1000 })],
  ])('without slow-request counts of the %s the latency guardrail waits', (_, champion, challenger) => {
    const s = running({ latency: { ...emptyGuardrail(), threshold: 120 } });
    const d = decide(input({ state: s, champion, challenger }));
    expect(d.state.latency).toEqual({ ...emptyGuardrail(), threshold: 120 });
  });

  test('the latency rollback is at p <= alpha', () => {
    expect(decide(input({ state: running({ latency: { ...guardrail(0.05), threshold: 1 } }) })).action).toBe('ROLLBACK');
    expect(decide(input({ state: running({ latency: { ...guardrail(0.0500001), threshold: 1 } }) })).action).toBe('CONTINUE');
  });

  test('the error guardrail is judged before the latency guardrail', () => {
    const d = decide(input({ state: running({ errors: guardrail(0.01), latency: { ...guardrail(0.01), threshold: 1 } }) }));
    expect(d.reason).toMatch(/^challenger 5XX rate/);
  });
});

describe('decide: the success measure', () => {
  const success = (c: [number, number], ch: [number, number], state = running(), policy = POLICY): Decision => decide(input({
    state, policy,
    champion: v({ requests: c[0], trials: c[0], successes: c[1] }),
    challenger: v({ requests: ch[0], trials: ch[0], successes: ch[1] }),
  }));

  test('without ground truth the experiment only guards', () => {
    const d = decide(input({ champion: v({ requests: 9000 }), challenger: v({ requests: 1000 }) }));
    expect(d.action).toBe('CONTINUE');
    expect(d.reason).toBe('guardrails hold; no success measure, so the experiment never promotes');
    expect(d.evidence!.success).toBeUndefined();
  });

  test('waits for the minimum labelled requests of each variant', () => {
    const d = success([9000, 900], [999, 200]);
    expect(d.action).toBe('CONTINUE');
    expect(d.reason).toBe('guardrails hold; not enough labelled requests for the success measure: champion 9000, challenger 999, each needs 1000');
    expect(d.state.success).toEqual({ championTrials: 9000, championSuccesses: 900, challengerTrials: 999, challengerSuccesses: 200, pValue: 1 });
    const e = success([999, 90], [5000, 1000]);
    expect(e.reason).toMatch(/champion 999, challenger 5000/);
  });

  test('pools the epoch and judges once both variants reach the minimum', () => {
    const s = running({ success: { championTrials: 8000, championSuccesses: 800, challengerTrials: 900, challengerSuccesses: 100, pValue: 1 } });
    const d = success([1000, 100], [100, 10], s);
    expect(d.state.success).toMatchObject({ championTrials: 9000, championSuccesses: 900, challengerTrials: 1000, challengerSuccesses: 110 });
    expect(d.evidence!.success).toMatchObject({ championTrials: 9000, challengerTrials: 1000, difference: expect.any(Number) });
    expect(d.evidence!.success!.difference).toBeCloseTo(0.01, 12);
  });

  test('no significant difference continues and keeps the running p-value', () => {
    const none = { championTrials: 0, championSuccesses: 0, challengerTrials: 0, challengerSuccesses: 0 };
    const d = success([9000, 900], [1000, 100], running({ success: { ...none, pValue: 0.3 } }));
    expect(d.action).toBe('CONTINUE');
    expect(d.state.success.pValue).toBe(0.3);
    expect(d.evidence!.success!.pValue).toBe(0.3);
    expect(d.reason).toBe('no significant difference yet (challenger 10.00% vs champion 10.00%, always-valid p = 0.300 > 0.05)');
  });

  test('a significantly better challenger gains one step and starts a new epoch', () => {
    const d = success([9000, 900], [1000, 200]);
    expect(d.action).toBe('SHIFT');
    expect(d.changed).toBe(true);
    expect(d.targetWeights).toEqual({ champion: 80, challenger: 20 });
    expect(d.challengerSharePercent).toBe(20);
    expect(d.state).toEqual({ ...newState('model-b', { champion: 80, challenger: 20 }, W, hour(1), 2), windows: 1, errors: d.state.errors });
    // The guardrails keep pooling across the shift: this window's requests are in them.
    expect(d.state.errors).toMatchObject({ championRequests: 9000, challengerRequests: 1000 });
    expect(d.reason).toMatch(/^challenger is significantly better \(challenger 20.00% vs champion 10.00%, always-valid p = [0-9.e-]+\); its share grows by 10 points and a new epoch starts$/);
    expect(d.evidence!.success!.pValue).toBeLessThanOrEqual(0.05);
  });

  test('a significantly worse challenger is rolled back', () => {
    const d = success([9000, 1800], [1000, 100]);
    expect(d).toMatchObject({ action: 'ROLLBACK', changed: true, targetWeights: { champion: 100, challenger: 0 } });
    expect(d.state.status).toBe('ROLLED_BACK');
    expect(d.reason).toMatch(/^challenger is significantly worse \(challenger 10.00% vs champion 20.00%, always-valid p = /);
  });

  test('a decision at p exactly alpha, none just above', () => {
    const base = { championTrials: 0, championSuccesses: 0, challengerTrials: 0, challengerSuccesses: 0 };
    expect(success([9000, 900], [1000, 105], running({ success: { ...base, pValue: 0.05 } })).action).toBe('SHIFT');
    expect(success([9000, 900], [1000, 105], running({ success: { ...base, pValue: 0.0500001 } })).action).toBe('CONTINUE');
  });

  test('at the end of the ramp a better challenger is promoted to all of the pair\'s traffic', () => {
    const s = running({ weights: { champion: 10, challenger: 90 } });
    const d = decide(input({
      state: s, weights: { champion: 10, challenger: 90 },
      champion: v({ requests: 1000, trials: 1000, successes: 100 }), challenger: v({ requests: 9000, trials: 9000, successes: 1800 }),
    }));
    expect(d).toMatchObject({ action: 'PROMOTE', changed: true, targetWeights: { champion: 0, challenger: 100 }, challengerSharePercent: 100 });
    expect(d.state.status).toBe('PROMOTED');
    expect(d.reason).toMatch(/; promoted to all of the pair's traffic$/);
  });

  test('with onCompletion HOLD the end of the ramp holds the weights', () => {
    const s = running({ weights: { champion: 10, challenger: 90 } });
    const d = decide(input({
      state: s, weights: { champion: 10, challenger: 90 }, policy: { ...POLICY, onCompletion: 'HOLD' },
      champion: v({ requests: 1000, trials: 1000, successes: 100 }), challenger: v({ requests: 9000, trials: 9000, successes: 1800 }),
    }));
    expect(d).toMatchObject({ action: 'HOLD', changed: false, targetWeights: { champion: 10, challenger: 90 }, challengerSharePercent: 90 });
    expect(d.state.status).toBe('HELD');
    expect(d.reason).toMatch(/; the ramp is complete and the experiment holds its weights$/);
  });

  test('a 100-point step promotes at once; a step that ends just short of 100% shifts', () => {
    expect(success([9000, 900], [1000, 200], running(), { ...POLICY, stepPercent: 100 }).action).toBe('PROMOTE');
    expect(success([9000, 900], [1000, 200], running(), { ...POLICY, stepPercent: 89.9999 }).action).toBe('PROMOTE');
    const d = success([9000, 900], [1000, 200], running(), { ...POLICY, stepPercent: 89.99 });
    expect(d.action).toBe('SHIFT');
    expect(d.targetWeights).toEqual({ champion: 0.01, challenger: 99.99 });
  });

  test('keeps the pair\'s total weight and leaves zero weights as they are', () => {
    const s = running({ weights: { champion: 3, challenger: 1 } });
    const d = decide(input({
      state: s, weights: { champion: 3, challenger: 1 },
      champion: v({ requests: 7500, trials: 7500, successes: 750 }), challenger: v({ requests: 2500, trials: 2500, successes: 500 }),
    }));
    expect(d.targetWeights).toEqual({ champion: 2.6, challenger: 1.4 });
    expect(d.challengerSharePercent).toBe(35);
    const zero = decide(input({ state: running({ weights: { champion: 0, challenger: 0 } }), weights: { champion: 0, challenger: 0 } }));
    expect(zero).toMatchObject({ changed: false, challengerSharePercent: 0, targetWeights: { champion: 0, challenger: 0 } });
  });

  test('ignores negative, fractional and non-finite counts safely', () => {
    const d = decide(input({
      champion: v({ requests: -5, errors: NaN, trials: 10.4, successes: 20 }),
      challenger: v({ requests: Infinity, errors: 2, trials: undefined, successes: 3 }),
    }));
    expect(d.state.errors).toMatchObject({ championRequests: 0, challengerRequests: 0, championEvents: 0, challengerEvents: 0 });
    expect(d.state.success).toMatchObject({ championTrials: 10, championSuccesses: 10, challengerTrials: 0, challengerSuccesses: 0 });
  });
});
