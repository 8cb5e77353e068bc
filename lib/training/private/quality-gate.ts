import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { GateComparison, QualityGate } from '../training-options';

/** How each comparison is recorded in the model package's metadata (whose values may not contain `<` or `>`). */
const COMPARISON_NAMES: { [comparison: string]: string } = {
  [GateComparison.GREATER_THAN_OR_EQUAL]: 'GreaterThanOrEqual',
  [GateComparison.LESS_THAN_OR_EQUAL]: 'LessThanOrEqual',
};

/** The gate, as the states and the model package describe it. */
export interface GateTerms {
  readonly comparison: GateComparison;
  /** `>= 0.85`, for comments and messages. */
  readonly requirement: string;
  /** The metric name as a JSONata string literal. */
  readonly metricLiteral: string;
}

export function gateTerms(gate: QualityGate): GateTerms {
  const comparison = gate.comparison ?? GateComparison.GREATER_THAN_OR_EQUAL;
  return { comparison, requirement: `${comparison} ${gate.threshold}`, metricLiteral: JSON.stringify(gate.metricName) };
}

/**
 * The model package metadata that records the gate and the value the model reached. Keys and values allow only letters, spaces,
 * digits and _.:/=+-@ (no '<' or '>'), so the comparison is spelled out in words.
 */
export function gateMetadata(gate: QualityGate): { [key: string]: string } {
  const { comparison } = gateTerms(gate);
  return {
    GateMetric: gate.metricName,
    GateComparison: COMPARISON_NAMES[comparison],
    GateThreshold: String(gate.threshold),
    MetricValue: '{% $string($metric) %}',
  };
}

/** The states of the gate. */
export interface QualityGateStates {
  /** The Choice: `passed` when `$metric` is a number that meets the threshold, else `missed`. */
  readonly choice: sfn.Choice;
  /** The Fail state of a missed gate (error `QualityGateFailed`). */
  readonly gateFailed: sfn.Fail;
}

/**
 * The quality gate on the final metric read into `$metric`: a missing metric (no value parsed from the logs) misses the gate.
 * `passed` runs when the gate is met, `missed` (or the Fail state directly) when it is not.
 */
export function defineQualityGate(scope: Construct, gate: QualityGate, passed: sfn.IChainable,
  missed: (gateFailed: sfn.Fail) => sfn.IChainable): QualityGateStates {
  const { comparison, requirement, metricLiteral } = gateTerms(gate);
  const gateFailed = sfn.Fail.jsonata(scope, 'QualityGateFailed', {
    comment: `The model missed the quality gate ${gate.metricName} ${requirement}`,
    error: 'QualityGateFailed',
    cause: `{% 'The model of ' & $trainingJobName & ' missed the quality gate: ' & ${metricLiteral} & ' = ' `
      + '& ($type($metric) = \'number\' ? $string($metric) : \'no value (check the metric definition and the logs)\') '
      + `& ', required ${requirement}; it was not registered' %}`,
  });
  const choice = sfn.Choice.jsonata(scope, 'QualityGate', { comment: `${gate.metricName} ${requirement}` })
    .when(
      sfn.Condition.jsonata(`{% $type($metric) = 'number' and $metric ${comparison} ${gate.threshold} %}`),
      passed,
      { comment: 'The model passed the gate' },
    )
    .otherwise(missed(gateFailed));
  return { choice, gateFailed };
}
