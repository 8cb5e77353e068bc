/** Never exported from the package: checks a `DriftDecision` and turns it into the drift handler's policy. */
import { DriftDecision, FamilyCorrection } from './drift-decision';
import { InputErrors, checkNumber, checkWholeNumber } from '../private/validation';

/** The decision with its defaults. */
export interface ResolvedDriftDecision {
  readonly datapointsToAlarm: number;
  readonly evaluationPeriods: number;
  /** The handler's `policy` (lambda/drift/decide.ts). */
  readonly policy: Record<string, unknown>;
}

/** Checks a decision against the watched features and resolves its defaults. */
export function resolveDriftDecision(errors: InputErrors, d: DriftDecision | undefined, featureNames: readonly string[],
  m: number, n: number): ResolvedDriftDecision {
  const decision = d ?? {};
  checkNumber(errors, 'decision.alpha', decision.alpha, { min: 0, minExclusive: true, max: 0.5 });
  if (decision.correction !== undefined && !Object.values(FamilyCorrection).includes(decision.correction)) {
    errors.add('decision.correction', decision.correction, 'FamilyCorrection.BONFERRONI or FamilyCorrection.BENJAMINI_HOCHBERG');
  }
  checkNumber(errors, 'decision.minPsi', decision.minPsi, { min: 0 });
  checkWholeNumber(errors, 'decision.minSamples', decision.minSamples, { min: 1 });
  const known = new Set(featureNames);
  const seen = new Set<string>();
  const features: Record<string, Record<string, unknown>> = {};
  (decision.featureOverrides ?? []).forEach((o, i) => {
    const prop = `decision.featureOverrides[${i}]`;
    if (!known.has(o?.feature)) {
      errors.add(`${prop}.feature`, o?.feature, `one of the watched features (${featureNames.join(', ')})`);
    } else if (seen.has(o.feature)) {
      errors.add(`${prop}.feature`, o.feature, 'a feature overridden once, but it is listed twice');
    }
    seen.add(o?.feature);
    checkNumber(errors, `${prop}.minPsi`, o?.minPsi, { min: 0 });
    checkWholeNumber(errors, `${prop}.minSamples`, o?.minSamples, { min: 1 });
    features[o?.feature] = {
      ...(o?.minPsi === undefined ? {} : { minPsi: o.minPsi }),
      ...(o?.minSamples === undefined ? {} : { minCount: o.minSamples }),
      ...(o?.ignore === undefined ? {} : { ignore: o.ignore }),
    };
  });
  return {
    datapointsToAlarm: m,
    evaluationPeriods: n,
    policy: {
      alpha: decision.alpha ?? 0.005,
      correction: decision.correction ?? FamilyCorrection.BONFERRONI,
      minPsi: decision.minPsi ?? 0.01,
      minCount: decision.minSamples ?? 50,
      datapointsToAlarm: m,
      evaluationPeriods: n,
      features,
    },
  };
}
