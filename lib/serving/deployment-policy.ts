import { Duration, Token } from 'aws-cdk-lib';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { DeploymentTarget } from './private-deployment-target';
import { isDuration, numberProblem, problemText } from '../private/validation';

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
    const duration = (prop: string, d: unknown, min: number, max: number, api: string): number | undefined => {
      if (d === undefined || d === null) {
        return undefined;
      }
      if (!isDuration(d)) {
        add(prop, d, `a Duration from ${min} to ${max} seconds (AWS ${api})`);
        return undefined;
      }
      const n = seconds(d);
      if (n !== undefined && !Number.isInteger(n)) {
        add(prop, d, `a whole number of seconds from ${min} to ${max} (AWS ${api})`);
        return undefined;
      }
      if (n !== undefined && (n < min || n > max)) {
        add(prop, d, `from ${min} to ${max} seconds (AWS ${api})`);
        return undefined;
      }
      return n;
    };
    const bake = duration('bake', this.bake, 0, 3600, 'WaitIntervalInSeconds');
    const termination = duration('terminationWait', o.terminationWait, 0, 3600, 'TerminationWaitInSeconds');
    const maxTime = duration('maximumExecutionTime', o.maximumExecutionTime, 600, 28800, 'MaximumExecutionTimeoutInSeconds');
    if (maxTime !== undefined && bake !== undefined) {
      const need = this.requiredExecution(bake, termination ?? 0);
      if (need !== undefined && maxTime < need.seconds) {
        add('maximumExecutionTime', o.maximumExecutionTime, `at least ${need.seconds} seconds: ${need.why}`);
      }
    }

    switch (this.mode) {
      case DeploymentMode.CANARY:
        if (o.percent !== undefined && o.instances !== undefined) {
          problems.push('deployment: give canary percent or instances, not both');
        }
        inRange('percent', o.percent, 1, 50, 'a whole percentage from 1 to 50 (a canary is at most half of the fleet)');
        inRange('instances', o.instances, 1, Number.MAX_SAFE_INTEGER, 'a whole number of instances >= 1');
        if (target.minInstanceCount !== undefined && target.minInstanceCount < 2) {
          problems.push(singleInstance('canary', target.minInstanceCount));
        } else if (o.instances !== undefined && !Token.isUnresolved(o.instances) && target.minInstanceCount !== undefined
          && o.instances > target.minInstanceCount / 2) {
          add('instances', o.instances, `at most half of the smallest variant's ${target.minInstanceCount} instances (a canary is at most 50% of the fleet)`);
        }
        break;
      case DeploymentMode.LINEAR:
        inRange('step', o.step, 10, 50, 'a whole percentage from 10 to 50 of the fleet');
        if (target.minInstanceCount !== undefined && target.minInstanceCount < 2) {
          problems.push(singleInstance('linear', target.minInstanceCount));
        }
        break;
      case DeploymentMode.ROLLING:
        inRange('batch', o.batch, 5, 50, 'a whole percentage from 5 to 50 of the fleet');
        inRange('rollbackBatch', o.rollbackBatch, 5, 100, 'a whole percentage from 5 to 100 of the fleet');
        // A rolling batch is 5-50% of the variant's instances (RollingUpdatePolicy MaximumBatchSize) and at least one instance.
        if (target.minInstanceCount !== undefined && target.minInstanceCount < 2) {
          problems.push(singleInstance('rolling', target.minInstanceCount));
        }
        if (o.terminationWait !== undefined) {
          add('terminationWait', o.terminationWait, 'absent for a rolling deployment: SageMaker\'s RollingUpdatePolicy has no termination wait '
            + '(each batch of old instances stops as its replacement takes traffic); watch longer with bake, or use a blue/green policy '
            + '(canary, linear, allAtOnce) to keep the old fleet');
        }
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
   * What a deployment of this policy waits for at least, in seconds, and why: every bake (a canary bakes once on the canary and
   * once after the rest; linear bakes after each of its ceil(100 / step) steps; rolling after each of its ceil(100 / batch)
   * batches), the termination wait, and PROVISIONING_MARGIN per fleet SageMaker provisions (one for blue/green, one per batch
   * for rolling). SageMaker times the whole deployment out after MaximumExecutionTimeoutInSeconds, "larger than the total
   * waiting time" (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_BlueGreenUpdatePolicy.html). Undefined when a
   * step size is a token.
   */
  private requiredExecution(bake: number, termination: number): { seconds: number; why: string } | undefined {
    const o = this.options;
    const minutes = PROVISIONING_MARGIN / 60;
    switch (this.mode) {
      case DeploymentMode.CANARY:
        return {
          seconds: 2 * bake + termination + PROVISIONING_MARGIN,
          why: `the canary bake and the final bake (${bake} s each), terminationWait (${termination} s) and ${minutes} minutes to provision the new fleet`,
        };
      case DeploymentMode.LINEAR: {
        const step = o.step ?? 20;
        if (Token.isUnresolved(step) || !(step > 0)) {
          return undefined;
        }
        const steps = Math.ceil(100 / step);
        return {
          seconds: steps * bake + termination + PROVISIONING_MARGIN,
          why: `a bake after each of the ${steps} steps of ${step}% (${bake} s each), terminationWait (${termination} s) and ${minutes} minutes `
            + 'to provision the new fleet',
        };
      }
      case DeploymentMode.ROLLING: {
        const batch = o.batch ?? 20;
        if (Token.isUnresolved(batch) || !(batch > 0)) {
          return undefined;
        }
        const batches = Math.ceil(100 / batch);
        return {
          seconds: batches * (bake + PROVISIONING_MARGIN),
          why: `a bake after each of the ${batches} batches of ${batch}% (${bake} s each) and ${minutes} minutes to provision each batch`,
        };
      }
      default:
        return {
          seconds: bake + termination + PROVISIONING_MARGIN,
          why: `the bake (${bake} s), terminationWait (${termination} s) and ${minutes} minutes to provision the new fleet`,
        };
    }
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
    // A value of the wrong type (from JavaScript) renders as absent; the endpoint's validation reports it.
    const bake = isDuration(this.bake) ? this.bake.toSeconds() : 0;
    const maximumExecutionTimeoutInSeconds = isDuration(o.maximumExecutionTime) ? o.maximumExecutionTime.toSeconds() : undefined;
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
        terminationWaitInSeconds: isDuration(o.terminationWait) ? o.terminationWait.toSeconds() : undefined,
        maximumExecutionTimeoutInSeconds,
      },
    };
  }
}

/**
 * A canary or linear step is at most half of a variant's instances
 * (https://docs.aws.amazon.com/sagemaker/latest/dg/deployment-guardrails-blue-green-canary.html), and a step has at least one
 * instance: a variant of one instance can have neither.
 */
function singleInstance(mode: string, count: number): string {
  return problemText('deployment', `DeploymentPolicy.${mode}()`, `allAtOnce when a variant has ${count} instance${count === 1 ? '' : 's'}: `
    + `a ${mode} step is at most half of a variant's instances and at least one instance; give every instance variant instanceCount >= 2, `
    + 'or use DeploymentPolicy.allAtOnce()');
}

/**
 * Time allowed for SageMaker to provision and health-check one new fleet (or one rolling batch) in a deployment's time limit: our
 * assumption, not an AWS figure (instances take minutes to launch, download the model and pass /ping; the model download and
 * container startup timeouts alone may be up to an hour each when raised).
 */
const PROVISIONING_MARGIN = 600;

function seconds(d: Duration | undefined): number | undefined {
  if (d === undefined || d.isUnresolved()) {
    return undefined;
  }
  return d.toSeconds({ integral: false });
}
