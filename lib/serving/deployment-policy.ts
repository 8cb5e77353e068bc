import { Duration, Token } from 'aws-cdk-lib';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { DeploymentTarget } from './private-deployment-target';
import { numberProblem, problemText } from '../private/validation';

/** Options shared by every deployment policy. */
export interface DeploymentPolicyOptions {
  /**
   * How long the old fleet is kept after all traffic moved, so that a late alarm can still roll back.
   *
   * @default Duration.seconds(0)
   */
  readonly terminationWait?: Duration;

  /**
   * The time limit of a whole deployment, 10 minutes to 8 hours; longer than the bake and termination waits together.
   *
   * @default - SageMaker's default
   */
  readonly maximumExecutionTime?: Duration;
}

/** Options of `DeploymentPolicy.allAtOnce()`. */
export interface AllAtOnceOptions extends DeploymentPolicyOptions {
  /**
   * How long SageMaker watches the rollback alarms after shifting all traffic, 0 to 3600 seconds.
   *
   * @default Duration.minutes(5)
   */
  readonly bake?: Duration;
}

/** Options of `DeploymentPolicy.canary()`. */
export interface CanaryOptions extends DeploymentPolicyOptions {
  /**
   * The share of each variant's capacity that takes traffic first, in percent (1-50). Give this or `instances`.
   *
   * @default 10
   */
  readonly percent?: number;

  /**
   * The number of instances of each variant that take traffic first, at most half of the variant's instances.
   *
   * @default - `percent` is used
   */
  readonly instances?: number;

  /**
   * How long SageMaker watches the rollback alarms on the canary before it shifts the rest, 0 to 3600 seconds.
   *
   * @default Duration.minutes(10)
   */
  readonly bake?: Duration;
}

/** Options of `DeploymentPolicy.linear()`. */
export interface LinearOptions extends DeploymentPolicyOptions {
  /**
   * The share of each variant's capacity shifted per step, in percent (10-50).
   *
   * @default 20
   */
  readonly step?: number;

  /**
   * How long SageMaker watches the rollback alarms after each step, 0 to 3600 seconds.
   *
   * @default Duration.minutes(5)
   */
  readonly bake?: Duration;
}

/** Options of `DeploymentPolicy.rolling()`. */
export interface RollingOptions extends DeploymentPolicyOptions {
  /**
   * The share of the variant's instances replaced per batch, in percent (5-50).
   *
   * @default 20
   */
  readonly batch?: number;

  /**
   * The share of the variant's instances restored per batch on rollback, in percent (5-100).
   *
   * @default - all at once (100%)
   */
  readonly rollbackBatch?: number;

  /**
   * How long SageMaker watches the rollback alarms after each batch, 0 to 3600 seconds.
   *
   * @default Duration.minutes(5)
   */
  readonly bake?: Duration;
}

/** The traffic shifting mode of a deployment policy. */
export enum DeploymentMode {
  /** Blue/green, all traffic at once. */
  ALL_AT_ONCE = 'ALL_AT_ONCE',
  /** Blue/green, a canary first, then the rest. */
  CANARY = 'CANARY',
  /** Blue/green, in equal steps. */
  LINEAR = 'LINEAR',
  /** Rolling: the fleet is replaced in batches, without a second full fleet. */
  ROLLING = 'ROLLING',
}

/**
 * How SageMaker rolls out a new endpoint configuration: blue/green with all-at-once, canary or linear traffic
 * shifting, or rolling batches. Every mode watches the endpoint's rollback alarms and rolls back when one fires.
 *
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/deployment-guardrails.html
 */
export class DeploymentPolicy {
  /** Blue/green: all traffic moves to the new fleet at once, then the alarms are watched for `bake`. */
  public static allAtOnce(options: AllAtOnceOptions = {}): DeploymentPolicy {
    return new DeploymentPolicy(DeploymentMode.ALL_AT_ONCE, options, options.bake ?? Duration.minutes(5));
  }

  /** Blue/green: a canary share of the new fleet takes traffic first; if no alarm fires during `bake`, the rest follows. */
  public static canary(options: CanaryOptions = {}): DeploymentPolicy {
    return new DeploymentPolicy(DeploymentMode.CANARY, options, options.bake ?? Duration.minutes(10));
  }

  /** Blue/green: traffic moves in steps of `step` percent, with `bake` between steps. */
  public static linear(options: LinearOptions = {}): DeploymentPolicy {
    return new DeploymentPolicy(DeploymentMode.LINEAR, options, options.bake ?? Duration.minutes(5));
  }

  /**
   * Rolling: instances are replaced in batches, without provisioning a second full fleet. Only for endpoints with a
   * single instance-based production variant.
   */
  public static rolling(options: RollingOptions = {}): DeploymentPolicy {
    return new DeploymentPolicy(DeploymentMode.ROLLING, options, options.bake ?? Duration.minutes(5));
  }

  private constructor(
    /** The traffic shifting mode. */
    public readonly mode: DeploymentMode,
    private readonly options: CanaryOptions & LinearOptions & RollingOptions,
    /** How long SageMaker watches the alarms after each step. */
    public readonly bake: Duration,
  ) {}

  /**
   * The problems of this policy on an endpoint, as messages `<prop> must be <allowed>, got <value>`.
   *
   * @internal
   */
  public _validate(target: DeploymentTarget): string[] {
    const problems: string[] = [];
    const o = this.options;
    const add = (prop: string, value: unknown, allowed: string) => problems.push(problemText(`deployment.${prop}`, value, allowed));
    const inRange = (prop: string, v: number | undefined, min: number, max: number, allowed: string) => {
      const problem = numberProblem(`deployment.${prop}`, v, { min, max, allowed }, true);
      if (problem) {
        problems.push(problem);
      }
    };
    const bake = seconds(this.bake);
    if (bake !== undefined && (bake < 0 || bake > 3600)) {
      add('bake', this.bake, 'from 0 to 3600 seconds (AWS WaitIntervalInSeconds)');
    }
    const termination = seconds(o.terminationWait);
    if (termination !== undefined && (termination < 0 || termination > 3600)) {
      add('terminationWait', o.terminationWait, 'from 0 to 3600 seconds (AWS TerminationWaitInSeconds)');
    }
    const maxTime = seconds(o.maximumExecutionTime);
    if (maxTime !== undefined) {
      if (maxTime < 600 || maxTime > 28800) {
        add('maximumExecutionTime', o.maximumExecutionTime, 'from 600 to 28800 seconds (AWS MaximumExecutionTimeoutInSeconds)');
      } else if (bake !== undefined && maxTime <= bake + (termination ?? 0)) {
        add('maximumExecutionTime', o.maximumExecutionTime, `longer than bake plus terminationWait (${bake + (termination ?? 0)} seconds)`);
      }
    }

    switch (this.mode) {
      case DeploymentMode.CANARY:
        if (o.percent !== undefined && o.instances !== undefined) {
          problems.push('deployment: give canary percent or instances, not both');
        }
        inRange('percent', o.percent, 1, 50, 'a whole percentage from 1 to 50 (a canary is at most half of the fleet)');
        inRange('instances', o.instances, 1, Number.MAX_SAFE_INTEGER, 'a whole number of instances >= 1');
        if (o.instances !== undefined && !Token.isUnresolved(o.instances) && target.minInstanceCount !== undefined
          && o.instances > target.minInstanceCount / 2) {
          add('instances', o.instances, `at most half of the smallest variant's ${target.minInstanceCount} instances (a canary is at most 50% of the fleet)`);
        }
        break;
      case DeploymentMode.LINEAR:
        inRange('step', o.step, 10, 50, 'a whole percentage from 10 to 50 of the fleet');
        break;
      case DeploymentMode.ROLLING:
        inRange('batch', o.batch, 5, 50, 'a whole percentage from 5 to 50 of the fleet');
        inRange('rollbackBatch', o.rollbackBatch, 5, 100, 'a whole percentage from 5 to 100 of the fleet');
        if (target.serverless) {
          problems.push('deployment must not be rolling for an endpoint with a serverless variant, got DeploymentPolicy.rolling() '
            + '(AWS supports rolling updates only for instance-based, single-variant endpoints; use canary, linear or allAtOnce)');
        }
        if (target.productionVariants > 1) {
          problems.push('deployment must not be rolling for an endpoint with several production variants, got DeploymentPolicy.rolling() '
            + `with ${target.productionVariants} variants (AWS supports rolling updates only for single-variant endpoints)`);
        }
        break;
      default:
        break;
    }
    return problems;
  }

  /**
   * The `DeploymentConfig` of the endpoint.
   *
   * @internal
   */
  public _render(alarmNames: string[]): sagemaker.CfnEndpoint.DeploymentConfigProperty {
    const o = this.options;
    const autoRollbackConfiguration = alarmNames.length > 0
      ? { alarms: alarmNames.map((alarmName) => ({ alarmName })) }
      : undefined;
    const bake = this.bake.toSeconds();
    const maximumExecutionTimeoutInSeconds = o.maximumExecutionTime?.toSeconds();
    if (this.mode === DeploymentMode.ROLLING) {
      return {
        autoRollbackConfiguration,
        rollingUpdatePolicy: {
          maximumBatchSize: { type: 'CAPACITY_PERCENT', value: o.batch ?? 20 },
          rollbackMaximumBatchSize: o.rollbackBatch !== undefined ? { type: 'CAPACITY_PERCENT', value: o.rollbackBatch } : undefined,
          waitIntervalInSeconds: bake,
          maximumExecutionTimeoutInSeconds,
        },
      };
    }
    let trafficRoutingConfiguration: sagemaker.CfnEndpoint.TrafficRoutingConfigProperty;
    switch (this.mode) {
      case DeploymentMode.CANARY:
        trafficRoutingConfiguration = {
          type: 'CANARY',
          canarySize: o.instances !== undefined
            ? { type: 'INSTANCE_COUNT', value: o.instances }
            : { type: 'CAPACITY_PERCENT', value: o.percent ?? 10 },
          waitIntervalInSeconds: bake,
        };
        break;
      case DeploymentMode.LINEAR:
        trafficRoutingConfiguration = {
          type: 'LINEAR',
          linearStepSize: { type: 'CAPACITY_PERCENT', value: o.step ?? 20 },
          waitIntervalInSeconds: bake,
        };
        break;
      default:
        trafficRoutingConfiguration = { type: 'ALL_AT_ONCE', waitIntervalInSeconds: bake };
    }
    return {
      autoRollbackConfiguration,
      blueGreenUpdatePolicy: {
        trafficRoutingConfiguration,
        terminationWaitInSeconds: o.terminationWait?.toSeconds(),
        maximumExecutionTimeoutInSeconds,
      },
    };
  }
}

function seconds(d: Duration | undefined): number | undefined {
  if (d === undefined || d.isUnresolved()) {
    return undefined;
  }
  return d.toSeconds({ integral: false });
}
