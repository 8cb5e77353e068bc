import { Annotations, Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import * as perms from './perms';
import { AlarmSeverity, IAlertTopics } from '../monitoring';
import { AlarmFactory } from '../private/alarm-factory';
import { HandlerFunction } from '../private/handler-function';
import { acknowledgeWildcardResources } from '../private/nag';
import { checkSchedule } from '../private/schedules';
import { InputErrors, requireProps, checkDuration, checkNumber, checkWholeNumber, describe, isToken } from '../private/validation';
import { IModelEndpoint } from '../serving';

/** What the experiment does once the challenger has won and the next step would give it all of the pair's traffic. */
export enum ExperimentCompletion {
  /** Give the challenger 100% of the pair's traffic (the champion's weight becomes 0). */
  PROMOTE = 'PROMOTE',
  /** Keep the last weights of the ramp and leave the final switch to a person. */
  HOLD = 'HOLD',
}

/** A business metric that the application publishes per variant. */
export interface BusinessMetricOptions {
  /** The CloudWatch namespace of the application's metrics (not an `AWS/` namespace). */
  readonly namespace: string;

  /**
   * The metric counting successes (e.g. conversions), published with the dimensions `EndpointName` and `VariantName`;
   * its Sum over the window is the number of successes.
   */
  readonly successMetricName: string;

  /**
   * The metric counting trials (e.g. offers shown), with the same dimensions; its Sum over the window is the number of
   * trials. Successes must be a subset of trials.
   *
   * @default - SageMaker's Invocations of the variant
   */
  readonly trialMetricName?: string;
}

/**
 * What "better" means in an experiment: a proportion of successes per trial, compared between the variants.
 */
export class SuccessMeasure {
  /**
   * The share of invocations answered without a 5XX error (SageMaker's Invocations and Invocation5XXErrors).
   */
  public static errorRate(): SuccessMeasure {
    return new SuccessMeasure('errorRate');
  }

  /**
   * The share of trials that succeed, from metrics the application publishes per variant (e.g. conversions per
   * invocation). The 5XX error rate stays a guardrail.
   */
  public static businessMetric(options: BusinessMetricOptions): SuccessMeasure {
    return new SuccessMeasure('businessMetric', options.namespace, options.successMetricName, options.trialMetricName);
  }

  private constructor(
    /** `errorRate` or `businessMetric`. */
    public readonly kind: string,
    /** The namespace of a business metric. */
    public readonly namespace?: string,
    /** The success metric of a business metric. */
    public readonly successMetricName?: string,
    /** The trial metric of a business metric, if not SageMaker's Invocations. */
    public readonly trialMetricName?: string,
  ) {}
}

/** Properties of an `AbExperiment`. */
export interface AbExperimentProps {
  /** The endpoint whose traffic is split between the champion and the challenger. */
  readonly endpoint: IModelEndpoint;

  /** The production variant that serves today's model. */
  readonly championVariant: string;

  /** The production variant that serves the candidate. */
  readonly challengerVariant: string;

  /**
   * What "better" means.
   *
   * @default SuccessMeasure.errorRate()
   */
  readonly successMeasure?: SuccessMeasure;

  /**
   * No decision (other than the latency guardrail) until each variant has this many samples in the window.
   *
   * @default 1000
   */
  readonly minimumSamples?: number;

  /**
   * The significance level alpha of the tests, in (0, 0.5].
   *
   * @default 0.05
   */
  readonly significance?: number;

  /**
   * Roll back when the challenger's p99 model latency is more than this many percent above the champion's (>= 0).
   *
   * @default 20
   */
  readonly latencyGuardrailPercent?: number;

  /**
   * How many percentage points of the pair's traffic the challenger gains per shift, in (0, 100].
   *
   * @default 10
   */
  readonly stepPercent?: number;

  /**
   * When the experiment is evaluated.
   *
   * @default ScheduleExpression.rate(Duration.hours(1))
   */
  readonly schedule?: scheduler.ScheduleExpression;

  /**
   * The window of metrics each run evaluates, ending at the run, in whole minutes. For a rate schedule, at most the
   * rate, so that each decision rests on its own data.
   *
   * @default - the rate of the schedule; 1 hour for a cron schedule
   */
  readonly window?: Duration;

  /**
   * What to do once the challenger has won the whole ramp.
   *
   * @default ExperimentCompletion.PROMOTE
   */
  readonly onCompletion?: ExperimentCompletion;

  /**
   * Where the failure alarm of the function goes (warning topic); promotions and rollbacks are published to the warning
   * topic too, unless `notificationTopic` is given.
   *
   * @default - the failure alarm has no action, and no notifications unless `notificationTopic`
   */
  readonly alerts?: IAlertTopics;

  /**
   * The topic that receives a message at each promotion and rollback.
   *
   * @default - the warning topic of `alerts`; none without alerts
   */
  readonly notificationTopic?: sns.ITopic;

  /**
   * The experiment's name: the `Experiment` dimension of its metrics and the subject of its notifications.
   *
   * @default - the construct id
   */
  readonly experimentName?: string;

  /**
   * The Lambda runtime of the stack's experiment function (one function serves every experiment of a stack; all must
   * agree on the runtime).
   *
   * @default lambda.Runtime.NODEJS_24_X
   */
  readonly runtime?: lambda.Runtime;
}

/** The namespace of the decision metrics. */
const METRIC_NAMESPACE = 'cdk-mlops/Experiments';
/** SageMaker publishes invocation metrics per minute: the shortest meaningful window. */
const METRIC_PERIOD_MINUTES = 1;
/** CloudWatch keeps 1-minute datapoints for 15 days. */
const MAX_WINDOW_MINUTES = 14 * 24 * 60;
const HANDLER = 'ab-experiment';
/** Alarms already routed to a set of alert topics (one function, and one failure alarm, serve many experiments). */
/** Policies whose wildcard resource is already acknowledged. */
const acknowledged = new WeakSet<Construct>();

/**
 * An automated A/B evaluation of a challenger variant against the champion of an endpoint: on a schedule, a Lambda
 * function reads both variants' metrics over the window, tests the difference of their success proportions (pooled
 * two-proportion z-test), and moves traffic step by step toward a challenger that is significantly better, promotes
 * it at the end of the ramp (or holds), and rolls back to the champion at once when the challenger is significantly
 * worse, errs significantly more or breaches the latency guardrail. Each decision is logged, published as metrics
 * (`cdk-mlops/Experiments`) and, for promotions and rollbacks, notified.
 *
 * The weights the experiment sets live on the running endpoint: a deployment of the endpoint's stack resets them to the
 * weights in code unless the endpoint retains them (`ModelEndpoint` `retainWeightsOnDeploy: true`).
 *
 * @example
 * new AbExperiment(this, 'ChurnV4', {
 *   endpoint,
 *   championVariant: 'champion',
 *   challengerVariant: 'challenger',
 *   successMeasure: SuccessMeasure.businessMetric({ namespace: 'Shop', successMetricName: 'Conversions' }),
 *   alerts,
 * });
 */
export class AbExperiment extends Construct {
  /** The experiment's name (the `Experiment` dimension of its metrics). */
  public readonly experimentName: string;
  /** The function that evaluates experiments (one per stack, shared by the stack's experiments). */
  public readonly experimentFunction: lambda.IFunction;
  /** Fires when a run of the stack's experiment function fails. */
  public readonly failureAlarm: cloudwatch.IAlarm;
  /** The schedule of the runs. */
  public readonly schedule: scheduler.Schedule;
  /** The topic notified at promotions and rollbacks, if any. */
  public readonly notificationTopic?: sns.ITopic;
  /** The window each run evaluates. */
  public readonly window: Duration;

  private readonly endpointName: string;

  constructor(scope: Construct, id: string, props: AbExperimentProps) {
    super(scope, id);
    requireProps(this, 'AbExperiment', props, {
      endpoint: 'an IModelEndpoint (a ModelEndpoint, or one imported with fromEndpointAttributes)',
      championVariant: 'the name of the champion variant', challengerVariant: 'the name of the challenger variant',
    });
    this.experimentName = props.experimentName ?? id;
    const { windowMinutes, intervalMinutes } = validate(this, props, this.experimentName);
    this.window = Duration.minutes(windowMinutes);
    this.endpointName = props.endpoint.endpointName;
    const measure = props.successMeasure ?? SuccessMeasure.errorRate();
    const runtime = props.runtime ?? lambda.Runtime.NODEJS_24_X;

    if (resetsWeightsOnDeploy(props.endpoint)) {
      Annotations.of(this).addWarningV2('cdk-mlops:experiment-weights-reset-on-deploy', `Endpoint ${props.endpoint.node.path} does not `
        + 'retain variant weights: each deployment of its configuration resets the weights this experiment shifted to the weights in code. '
        + 'Set retainWeightsOnDeploy: true on the ModelEndpoint.');
    }

    const fn = HandlerFunction.of(this, {
      handler: HANDLER,
      description: 'cdk-mlops: evaluates A/B experiments of SageMaker endpoints and shifts traffic between variants',
      memorySize: 256,
      timeout: Duration.minutes(1),
      runtime,
    });
    if (fn.function.runtime.name !== runtime.name) {
      const errors = new InputErrors(this, 'AbExperiment');
      errors.add('runtime', runtime.name, `${fn.function.runtime.name}, the runtime of the stack's experiment function defined by an earlier experiment`);
      errors.throwIfAny();
    }
    this.experimentFunction = fn.function;
    this.failureAlarm = fn.errorsAlarm;
    new AlarmFactory(this, props.alerts).route(fn.errorsAlarm, AlarmSeverity.WARNING);

    // Least privilege: read metrics (no resource-level permissions), publish decision metrics to our namespace only,
    // read and set the weights of this endpoint only, publish to this experiment's topic only.
    fn.function.addToRolePolicy(new iam.PolicyStatement({ actions: perms.GET_METRIC_ACTIONS, resources: ['*'] }));
    fn.function.addToRolePolicy(new iam.PolicyStatement({
      actions: perms.PUT_METRIC_ACTIONS,
      resources: ['*'],
      conditions: { StringEquals: { 'cloudwatch:namespace': METRIC_NAMESPACE } },
    }));
    fn.function.addToRolePolicy(new iam.PolicyStatement({ actions: perms.ENDPOINT_WEIGHT_ACTIONS, resources: [props.endpoint.endpointArn] }));
    const policy = fn.role.node.tryFindChild('DefaultPolicy');
    if (policy && !acknowledged.has(policy)) {
      // Once per policy: the acknowledgment is keyed by the resource '*', shared by both statements.
      acknowledged.add(policy);
      acknowledgeWildcardResources(policy, ['*'], 'cloudwatch:GetMetricData and cloudwatch:PutMetricData have no resource-level '
        + `permissions; PutMetricData is limited by a condition to the ${METRIC_NAMESPACE} namespace.`);
    }

    this.notificationTopic = props.notificationTopic ?? props.alerts?.topic(AlarmSeverity.WARNING);
    if (this.notificationTopic) {
      const topic = this.notificationTopic;
      fn.function.addToRolePolicy(new iam.PolicyStatement({ actions: perms.PUBLISH_ACTIONS, resources: [topic.topicArn] }));
      if (topic.masterKey) {
        fn.function.addToRolePolicy(new iam.PolicyStatement({ actions: perms.TOPIC_KEY_ACTIONS, resources: [topic.masterKey.keyArn] }));
      }
    }

    const event = {
      experimentName: this.experimentName,
      endpointName: this.endpointName,
      championVariant: props.championVariant,
      challengerVariant: props.challengerVariant,
      successMeasure: {
        type: measure.kind,
        namespace: measure.namespace,
        successMetricName: measure.successMetricName,
        trialMetricName: measure.trialMetricName,
      },
      minimumSamples: props.minimumSamples ?? 1000,
      significance: props.significance ?? 0.05,
      latencyGuardrailPercent: props.latencyGuardrailPercent ?? 20,
      stepPercent: props.stepPercent ?? 10,
      onCompletion: props.onCompletion ?? ExperimentCompletion.PROMOTE,
      windowMinutes,
      // A shift waits half an interval after the endpoint's last change: a duplicate or retried run does not shift twice.
      cooldownMinutes: Math.floor(intervalMinutes / 2),
      metricNamespace: METRIC_NAMESPACE,
      topicArn: this.notificationTopic?.topicArn,
    };
    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      description: `cdk-mlops A/B experiment ${this.experimentName} on endpoint ${this.endpointName}`,
      schedule: props.schedule ?? scheduler.ScheduleExpression.rate(Duration.hours(1)),
      target: new schedulerTargets.LambdaInvoke(fn.function, {
        input: scheduler.ScheduleTargetInput.fromObject(event),
        retryAttempts: 2,
        role: fn.schedulerRole,
      }),
    });
  }

  /** The challenger's share of the pair's traffic after each run, in percent. */
  public metricChallengerWeight(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ChallengerWeight', { statistic: 'Maximum', ...props });
  }

  /** The two-sided p-value of the success measure at each run that had the minimum samples. */
  public metricPValue(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('PValue', { statistic: 'Minimum', ...props });
  }

  /** Runs that reached a decision: CONTINUE, SHIFT, PROMOTE, HOLD or ROLLBACK. */
  public metricDecisions(decision: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: METRIC_NAMESPACE,
      metricName: 'ExperimentDecision',
      statistic: 'Sum',
      period: this.window,
      ...props,
      dimensionsMap: { EndpointName: this.endpointName, Experiment: this.experimentName, Decision: decision, ...props?.dimensionsMap },
    });
  }

  private metric(metricName: string, props: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: METRIC_NAMESPACE,
      metricName,
      period: this.window,
      ...props,
      dimensionsMap: { EndpointName: this.endpointName, Experiment: this.experimentName, ...props.dimensionsMap },
    });
  }
}

/** True for an endpoint known to apply the weights in code at each deployment (DesiredWeight not retained). */
function resetsWeightsOnDeploy(endpoint: IModelEndpoint): boolean {
  return endpoint.retainsWeightsOnDeploy === false;
}

/** Checks the props; returns the window and the interval between runs, in minutes. */
function validate(scope: Construct, props: AbExperimentProps, experimentName: string): { windowMinutes: number; intervalMinutes: number } {
  const errors = new InputErrors(scope, 'AbExperiment');
  const known = props.endpoint.variantNames;
  for (const prop of ['championVariant', 'challengerVariant'] as const) {
    const name = props[prop];
    if (!isToken(name) && known.length > 0 && !known.includes(name)) {
      errors.add(prop, name, `a production variant of endpoint ${props.endpoint.endpointName} (${known.map((n) => `'${n}'`).join(', ')})`);
    }
  }
  if (!isToken(props.championVariant) && props.championVariant === props.challengerVariant) {
    errors.add('challengerVariant', props.challengerVariant, 'a variant other than the champion');
  }
  checkWholeNumber(errors, 'minimumSamples', props.minimumSamples, { min: 1 });
  checkNumber(errors, 'significance', props.significance, { min: 0, minExclusive: true, max: 0.5, allowed: 'a level in (0, 0.5], e.g. 0.05' });
  checkNumber(errors, 'latencyGuardrailPercent', props.latencyGuardrailPercent, { min: 0, allowed: 'a percentage >= 0' });
  checkNumber(errors, 'stepPercent', props.stepPercent, { min: 0, minExclusive: true, max: 100, allowed: 'a percentage in (0, 100]' });
  if (!isToken(experimentName) && !/^[A-Za-z0-9_.:/ -]{1,255}$/.test(experimentName)) {
    errors.add('experimentName', experimentName, '1-255 letters, digits, spaces and _ . : / - (a CloudWatch dimension value)');
  }
  const measure = props.successMeasure;
  if (measure?.kind === 'businessMetric') {
    if (!isToken(measure.namespace) && (!measure.namespace || measure.namespace.startsWith('AWS/') || measure.namespace.length > 255)) {
      errors.add('successMeasure.namespace', measure.namespace ?? '', 'the application\'s own CloudWatch namespace (1-255 characters, not AWS/...)');
    }
    for (const [prop, v] of [['successMeasure.successMetricName', measure.successMetricName], ['successMeasure.trialMetricName', measure.trialMetricName]] as const) {
      if (v !== undefined && !isToken(v) && !(v.length >= 1 && v.length <= 255)) {
        errors.add(prop, v, 'a metric name of 1-255 characters');
      }
    }
  }

  const schedule = props.schedule ?? scheduler.ScheduleExpression.rate(Duration.hours(1));
  const rate = checkSchedule(errors, 'schedule', schedule, {
    minRateMinutes: METRIC_PERIOD_MINUTES, minRateAllowed: 'a rate of at least 1 minute, the period of SageMaker\'s metrics', at: true,
  }).rateMinutes;
  let windowMinutes = rate ?? 60;
  windowMinutes = checkDuration(errors, 'window', props.window, {
    unit: 'minutes', min: METRIC_PERIOD_MINUTES, max: MAX_WINDOW_MINUTES,
    allowed: `a whole number of minutes from ${METRIC_PERIOD_MINUTES} to 14 days (SageMaker's metrics have a 1-minute period)`,
  }) ?? windowMinutes;
  if (rate !== undefined && rate < windowMinutes) {
    errors.add('schedule', schedule.expressionString, `a rate at least as long as the window (${describe(Duration.minutes(windowMinutes))}), `
      + 'so that each decision rests on its own data; shorten the window or lengthen the rate');
  }
  errors.throwIfAny();
  return { windowMinutes, intervalMinutes: rate ?? windowMinutes };
}

