import { Annotations, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import * as perms from './perms';
import { ILakeZone } from '../data-lake';
import { AlarmSeverity, HandlerOptions, IAlertTopics } from '../monitoring';
import { Heartbeat, heartbeatOf } from './private-heartbeat';
import { AlarmFactory } from '../private/alarm-factory';
import { HandlerFunction, validateHandlerOptions } from '../private/handler-function';
import { acknowledgeWildcardResources } from '../private/nag';
import { grantObjects } from '../private/s3-grants';
import { checkSchedule } from '../private/schedules';
import { InputErrors, checkDuration, checkNumber, checkWholeNumber, describe, isToken, requireProps } from '../private/validation';
import { EndpointDataCapture, IModelEndpoint } from '../serving';

/** What the experiment does once the challenger has won and the next step would give it all of the pair's traffic. */
export enum ExperimentCompletion {
  /** Give the challenger 100% of the pair's traffic (the champion's weight becomes 0). */
  PROMOTE = 'PROMOTE',
  /** Keep the last weights of the ramp and leave the final switch to a person. */
  HOLD = 'HOLD',
}

/** Ground truth that says, per request, whether it succeeded (e.g. converted), joined to the request by inference id. */
export interface GroundTruthSuccessOptions {
  /**
   * The zone where ground-truth files land: JSON lines `{"inferenceId": "...", "label": 1}` (or SageMaker's ground-truth
   * shape), under `<groundTruthPrefix>yyyy/mm/dd/hh/`, the layout the model-quality check of `DriftMonitor` reads. The
   * inference id is the `InferenceId` the application passed to InvokeEndpoint (else the capture's event id).
   */
  readonly groundTruthZone: ILakeZone;

  /** The key prefix of the ground-truth files, e.g. `ground-truth/churn/`. */
  readonly groundTruthPrefix: string;

  /**
   * The label of a success. Labels and this value are compared as the model-quality check compares them: booleans and
   * 'true'/'false' (any case) are '1'/'0', numeric text is the number ('1.0' is '1'), other text is trimmed.
   *
   * @default '1'
   */
  readonly positiveLabel?: string;

  /**
   * How long before a label arrives its request may have been served (the lookback over the captured requests).
   *
   * @default Duration.hours(48)
   */
  readonly captureLookback?: Duration;
}

/**
 * What "better" means in an experiment: a success proportion per request, compared between the variants. The 5XX
 * error rate and the latency are guardrails, never the success measure.
 */
export class SuccessMeasure {
  /**
   * The share of requests whose ground truth is a success, from ground-truth files joined by inference id with the
   * requests each variant served (its data capture). Each request counts for the variant that served it, whenever its
   * ground truth arrives.
   */
  public static groundTruth(options: GroundTruthSuccessOptions): SuccessMeasure {
    return new SuccessMeasure(options);
  }

  private constructor(
    /** Where the ground truth lands, and what a success is. */
    public readonly groundTruthOptions: GroundTruthSuccessOptions,
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
   * What "better" means: without it the experiment only guards (rolls back a challenger that errs or is slow) and
   * never promotes.
   *
   * @default - no success measure: guardrails only
   */
  readonly successMeasure?: SuccessMeasure;

  /**
   * Where the endpoint captures its requests, for an imported endpoint (the success measure joins ground truth to them).
   *
   * @default - the data capture of the `ModelEndpoint`
   */
  readonly dataCapture?: EndpointDataCapture;

  /**
   * The zone that keeps the experiment's state and its JSON reports, under `experiments/<endpoint>/<experiment>/`.
   *
   * @default - the zone the endpoint captures into
   */
  readonly reportZone?: ILakeZone;

  /**
   * The significance level alpha of every test, in (0, 0.5]: over the whole experiment, however many runs look at the
   * data, an identical challenger is promoted or rolled back with probability at most about alpha.
   *
   * @default 0.05
   */
  readonly significance?: number;

  /**
   * The non-inferiority margin of the error guardrail, > 0: roll back only when the challenger's 5XX rate is
   * significantly more than (1 + errorMargin) times the champion's.
   *
   * @default 0.25
   */
  readonly errorMargin?: number;

  /**
   * The non-inferiority margin of the latency guardrail, > 0: roll back only when the challenger's share of requests
   * slower than the champion's p99 is significantly more than (1 + latencyMargin) times the champion's (1%).
   *
   * @default 0.5
   */
  readonly latencyMargin?: number;

  /**
   * Whether the latency guardrail runs.
   *
   * @default true
   */
  readonly latencyGuardrail?: boolean;

  /**
   * The labelled requests each variant needs in an epoch before the success measure is tested (a floor for the normal
   * approximation, not a stopping rule).
   *
   * @default 1000
   */
  readonly minimumSamples?: number;

  /**
   * How many percentage points of the pair's traffic the challenger gains per shift, in (0, 100]. Each step starts a new
   * epoch that must confirm the challenger again; 100 promotes at the first significant result.
   *
   * @default 10
   */
  readonly stepPercent?: number;

  /**
   * When the experiment is evaluated: a rate of at least 10 minutes (SageMaker buffers captures for minutes) or a cron.
   * Runs are cheap to add: the tests stay valid however often they look.
   *
   * @default ScheduleExpression.rate(Duration.hours(1))
   */
  readonly schedule?: scheduler.ScheduleExpression;

  /**
   * The most a run reads back, after a gap between runs (older minutes are skipped, never pooled twice). At least the
   * schedule's rate, at most 14 days.
   *
   * @default Duration.days(1)
   */
  readonly window?: Duration;

  /**
   * What to do once the challenger has won the whole ramp.
   *
   * @default ExperimentCompletion.PROMOTE
   */
  readonly onCompletion?: ExperimentCompletion;

  /**
   * Whether the schedule runs; false stops the experiment where it is (its state is kept).
   *
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * Where the failure alarm of the function goes (warning topic); restarts, promotions and rollbacks are published to
   * the warning topic too, unless `notificationTopic` is given.
   *
   * @default - the failure alarm has no action, and no notifications unless `notificationTopic`
   */
  readonly alerts?: IAlertTopics;

  /**
   * The topic that receives a message at each restart, promotion and rollback.
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

  /**
   * VPC placement and reserved concurrency of the stack's experiment function (shared by every experiment of the stack, so
   * all that give options must give the same ones).
   *
   * @default - no VPC, unreserved concurrency
   */
  readonly handlerOptions?: HandlerOptions;
}

/** The namespace of the decision metrics. */
const METRIC_NAMESPACE = 'cdk-mlops/Experiments';
/** SageMaker writes capture files every few minutes and CloudWatch needs minutes to settle: the shortest useful rate. */
const MIN_RATE_MINUTES = 10;
/** CloudWatch keeps 1-minute datapoints for 15 days. */
const MAX_WINDOW_MINUTES = 14 * 24 * 60;
const DEFAULT_WINDOW_MINUTES = 24 * 60;
const HANDLER = 'ab-experiment';
/** Policies whose wildcard resources are already acknowledged, by pattern. */
const acknowledged = new WeakMap<Construct, Set<string>>();

/**
 * An automated champion/challenger experiment on an endpoint. On a schedule, a Lambda function pools the variants'
 * metrics and (with a success measure) the ground truth joined to their requests since the weights were last set, and
 * runs always-valid sequential tests: a two-sided mSPRT on the success proportion and one-sided non-inferiority tests
 * with a margin on the 5XX rate and on the share of slow requests. A guardrail breach or a worse challenger rolls back
 * to the champion; a better challenger gains a step of traffic (a new epoch, tested afresh) and at the end of the ramp
 * is promoted (or held). The state is kept in the lake; each run writes a JSON report there and publishes metrics
 * (`cdk-mlops/Experiments`); restarts, promotions and rollbacks are notified. A new challenger model starts a new
 * experiment and resets the weights to the endpoint configuration's.
 *
 * The weights the experiment sets live on the running endpoint: a deployment of the endpoint's stack resets them to the
 * weights in code unless the endpoint retains them (`ModelEndpoint` `retainWeightsOnDeploy: true`).
 *
 * @example
 * new AbExperiment(this, 'ChurnV4', {
 *   endpoint,
 *   championVariant: 'champion',
 *   challengerVariant: 'challenger',
 *   successMeasure: SuccessMeasure.groundTruth({ groundTruthZone: lake.zone('monitoring'), groundTruthPrefix: 'ground-truth/churn/' }),
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
  /**
   * Fires when the stack's experiment function has not run for a few schedule periods: the decision loop stopped (the schedule
   * was deleted or disabled out of band, the Scheduler dropped its invocations, the function is never invoked). Absent when
   * the schedule is disabled (`enabled: false`) or its rate is too long for a CloudWatch alarm (over 6 days).
   */
  public readonly heartbeatAlarm?: cloudwatch.IAlarm;
  /** The schedule of the runs. */
  public readonly schedule: scheduler.Schedule;
  /** The topic notified at restarts, promotions and rollbacks, if any. */
  public readonly notificationTopic?: sns.ITopic;
  /** The zone of the state and the reports. */
  public readonly reportZone: ILakeZone;
  /** The key prefix of the state (`state.json`) and the reports (`reports/`) in `reportZone`. */
  public readonly reportPrefix: string;

  private readonly endpointName: string;
  private readonly period: Duration;

  constructor(scope: Construct, id: string, props: AbExperimentProps) {
    super(scope, id);
    requireProps(this, 'AbExperiment', props, {
      endpoint: 'an IModelEndpoint (a ModelEndpoint, or one imported with fromEndpointAttributes)',
      championVariant: 'the name of the champion variant', challengerVariant: 'the name of the challenger variant',
    });
    this.experimentName = props.experimentName ?? id;
    const capture = props.dataCapture ?? props.endpoint.dataCapture;
    const { windowMinutes, intervalMinutes, scheduleKind, reportZone } = validate(this, props, this.experimentName, capture);
    this.period = Duration.minutes(intervalMinutes);
    this.endpointName = props.endpoint.endpointName;
    this.reportZone = reportZone;
    this.reportPrefix = `experiments/${this.endpointName}/${this.experimentName}/`;

    if (resetsWeightsOnDeploy(props.endpoint)) {
      Annotations.of(this).addWarningV2('cdk-mlops:experiment-weights-reset-on-deploy', `Endpoint ${props.endpoint.node.path} does not `
        + 'retain variant weights: each deployment of its configuration resets the weights this experiment shifted to the weights in code. '
        + 'Set retainWeightsOnDeploy: true on the ModelEndpoint.');
    }

    const fn = experimentHandler(this, props);
    this.experimentFunction = fn.function;
    this.failureAlarm = fn.errorsAlarm;
    const alarms = new AlarmFactory(this, props.alerts);
    fn.routeAlarms(alarms);
    if (props.enabled ?? true) {
      this.heartbeatAlarm = this.defineHeartbeat(alarms, fn.function, heartbeatOf(this, intervalMinutes, scheduleKind,
        props.schedule?.expressionString));
    }

    const measure = props.successMeasure?.groundTruthOptions;
    this.grant(fn, props, reportZone, capture, measure);

    this.notificationTopic = props.notificationTopic ?? props.alerts?.topic(AlarmSeverity.WARNING);
    if (this.notificationTopic) {
      grantPublish(fn.function, this.notificationTopic);
    }

    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      description: `cdk-mlops A/B experiment ${this.experimentName} on endpoint ${this.endpointName}`,
      schedule: props.schedule ?? scheduler.ScheduleExpression.rate(Duration.hours(1)),
      enabled: props.enabled ?? true,
      target: new schedulerTargets.LambdaInvoke(fn.function, {
        input: scheduler.ScheduleTargetInput.fromObject(this.scheduleInput(props, windowMinutes, capture, measure)),
        retryAttempts: 2,
        role: fn.schedulerRole,
        deadLetterQueue: fn.deadLetterQueue,
      }),
    });
  }

  /** The event of each run: the experiment, its policy and where its state, captures and ground truth are. */
  private scheduleInput(props: AbExperimentProps, windowMinutes: number, capture: EndpointDataCapture | undefined,
    measure: GroundTruthSuccessOptions | undefined): Record<string, unknown> {
    return {
      experimentName: this.experimentName,
      endpointName: this.endpointName,
      championVariant: props.championVariant,
      challengerVariant: props.challengerVariant,
      significance: props.significance ?? 0.05,
      errorMargin: props.errorMargin ?? 0.25,
      latencyMargin: props.latencyMargin ?? 0.5,
      latencyMinimumSamples: 1000,
      minimumSamples: props.minimumSamples ?? 1000,
      mixtureRelativeEffect: 0.1,
      stepPercent: props.stepPercent ?? 10,
      onCompletion: props.onCompletion ?? ExperimentCompletion.PROMOTE,
      windowMinutes,
      stateBucket: this.reportZone.bucket.bucketName,
      statePrefix: this.reportPrefix,
      successMeasure: measure && capture ? {
        captureBucket: capture.zone.bucket.bucketName,
        capturePrefix: capture.prefix.replace(/\/+$/, ''),
        groundTruthBucket: measure.groundTruthZone.bucket.bucketName,
        groundTruthPrefix: measure.groundTruthPrefix.replace(/\/+$/, ''),
        positiveLabel: measure.positiveLabel ?? '1',
        captureLookbackHours: measure.captureLookback?.toHours() ?? 48,
      } : undefined,
      metricNamespace: METRIC_NAMESPACE,
      topicArn: this.notificationTopic?.topicArn,
      latencyGuardrail: props.latencyGuardrail ?? true,
    };
  }

  /** The challenger's share of the pair's traffic after each run, in percent. */
  public metricChallengerWeight(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ChallengerWeight', { statistic: 'Maximum', ...props });
  }

  /** The always-valid two-sided p-value of the success measure, at each run that tested it. */
  public metricPValue(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('PValue', { statistic: 'Minimum', ...props });
  }

  /** The always-valid p-value of the error guardrail (a rollback at or below the significance). */
  public metricErrorGuardrailPValue(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ErrorGuardrailPValue', { statistic: 'Minimum', ...props });
  }

  /** The always-valid p-value of the latency guardrail (a rollback at or below the significance). */
  public metricLatencyGuardrailPValue(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('LatencyGuardrailPValue', { statistic: 'Minimum', ...props });
  }

  /** Runs that reached a decision: START, RESTART, CONTINUE, SHIFT, PROMOTE, HOLD or ROLLBACK. */
  public metricDecisions(decision: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: METRIC_NAMESPACE,
      metricName: 'ExperimentDecision',
      statistic: 'Sum',
      period: this.period,
      ...props,
      dimensionsMap: { EndpointName: this.endpointName, Experiment: this.experimentName, Decision: decision, ...props?.dimensionsMap },
    });
  }

  private metric(metricName: string, props: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: METRIC_NAMESPACE,
      metricName,
      period: this.period,
      ...props,
      dimensionsMap: { EndpointName: this.endpointName, Experiment: this.experimentName, ...props.dimensionsMap },
    });
  }

  /**
   * An alarm on the runs of the experiment function: fewer than 1 invocation (Sum of Lambda's `Invocations`, which counts every
   * run, failed or not: https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html) in each of the last
   * `evaluationPeriods` periods. Lambda publishes nothing for a period without invocations, so missing data is breaching
   * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarms-and-missing-data).
   */
  private defineHeartbeat(alarms: AlarmFactory, fn: lambda.IFunction, beat: Heartbeat | undefined): cloudwatch.IAlarm | undefined {
    if (!beat) {
      return undefined;
    }
    const silence = describe(Duration.minutes(beat.periodMinutes * beat.evaluationPeriods));
    return alarms.alarm({
      id: 'Heartbeat',
      description: `The cdk-mlops ab-experiment function has not run for ${silence}: the decision loop of experiment ${this.experimentName} `
        + `on endpoint ${this.endpointName} stopped (its schedule deleted or disabled, invocations dropped, or the function not invoked).`,
      metric: fn.metricInvocations({ period: Duration.minutes(beat.periodMinutes), statistic: 'Sum' }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      tuning: { evaluationPeriods: beat.evaluationPeriods, datapointsToAlarm: beat.evaluationPeriods, severity: AlarmSeverity.WARNING },
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
  }

  /**
   * Least privilege: read metrics (no resource-level permissions), publish decision metrics to our namespace only, read
   * and set the weights of this endpoint only, read endpoint configurations, read and write this experiment's state and
   * reports, read this endpoint's captures and the ground truth.
   */
  private grant(fn: HandlerFunction, props: AbExperimentProps, reportZone: ILakeZone, capture: EndpointDataCapture | undefined,
    measure: GroundTruthSuccessOptions | undefined): void {
    const f = fn.function;
    const stack = Stack.of(this);
    f.addToRolePolicy(new iam.PolicyStatement({ actions: perms.GET_METRIC_ACTIONS, resources: ['*'] }));
    f.addToRolePolicy(new iam.PolicyStatement({
      actions: perms.PUT_METRIC_ACTIONS,
      resources: ['*'],
      conditions: { StringEquals: { 'cloudwatch:namespace': METRIC_NAMESPACE } },
    }));
    f.addToRolePolicy(new iam.PolicyStatement({ actions: perms.ENDPOINT_WEIGHT_ACTIONS, resources: [props.endpoint.endpointArn] }));
    // The configuration's name is generated by CloudFormation at each change: any configuration of the account, read only.
    const configs = stack.formatArn({ service: 'sagemaker', resource: 'endpoint-config', resourceName: '*' });
    f.addToRolePolicy(new iam.PolicyStatement({ actions: perms.ENDPOINT_CONFIG_ACTIONS, resources: [configs] }));
    acknowledge(fn.role, ['*'], 'cloudwatch:GetMetricData and cloudwatch:PutMetricData have no resource-level permissions; '
      + `PutMetricData is limited by a condition to the ${METRIC_NAMESPACE} namespace.`);
    acknowledge(fn.role, [configs], 'sagemaker:DescribeEndpointConfig only (read): the endpoint configuration is named by CloudFormation '
      + 'at each deployment, so its name is not known when the policy is written.');

    // Through the shared lake grants: ListBucket only under the prefix, object actions on the prefix, and the lake key only when
    // S3 calls it for this bucket (never to decrypt or encrypt directly).
    grantObjects(f, { ...zoneScope(reportZone, this.reportPrefix), reason: 'The function reads and writes this experiment\'s state and reports' },
      { read: true, write: true });
    if (measure && capture) {
      grantObjects(f, { ...zoneScope(capture.zone, `${capture.prefix}${this.endpointName}/`), reason: 'The function reads the capture files, named by SageMaker' },
        { read: true });
      grantObjects(f, { ...zoneScope(measure.groundTruthZone, measure.groundTruthPrefix), reason: 'The function reads the ground-truth files, named by the application' },
        { read: true });
    }
  }
}

/** The stack's experiment function; fails when an earlier experiment of the stack defined it with another runtime. */
function experimentHandler(scope: Construct, props: AbExperimentProps): HandlerFunction {
  const runtime = props.runtime ?? lambda.Runtime.NODEJS_24_X;
  const fn = HandlerFunction.of(scope, {
    handler: HANDLER,
    description: 'cdk-mlops: evaluates A/B experiments of SageMaker endpoints and shifts traffic between variants',
    memorySize: 512,
    timeout: Duration.minutes(5),
    runtime,
    handlerOptions: props.handlerOptions,
    requestedBy: 'AbExperiment',
  });
  if (fn.function.runtime.name !== runtime.name) {
    const errors = new InputErrors(scope, 'AbExperiment');
    errors.add('runtime', runtime.name, `${fn.function.runtime.name}, the runtime of the stack's experiment function defined by an earlier experiment`);
    errors.throwIfAny();
  }
  return fn;
}

/** Lets the function publish to the notification topic only, with the topic's key when it has one. */
function grantPublish(fn: lambda.IFunction, topic: sns.ITopic): void {
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: perms.PUBLISH_ACTIONS, resources: [topic.topicArn] }));
  if (topic.masterKey) {
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: perms.TOPIC_KEY_ACTIONS, resources: [topic.masterKey.keyArn] }));
  }
}

/** Acknowledges wildcard resources of the shared function's policy once per pattern. */
function acknowledge(role: iam.IRole, patterns: string[], reason: string): void {
  const policy = role.node.tryFindChild('DefaultPolicy');
  if (!policy) return;
  const done = acknowledged.get(policy) ?? new Set<string>();
  const key = JSON.stringify(Stack.of(policy).resolve(patterns));
  if (!done.has(key)) {
    done.add(key);
    acknowledged.set(policy, done);
    acknowledgeWildcardResources(policy, patterns, reason);
  }
}

/** The objects of a zone under a bucket-relative key prefix. */
function zoneScope(zone: ILakeZone, prefix: string): { bucket: ILakeZone['bucket']; encryptionKey?: ILakeZone['encryptionKey']; prefix: string } {
  return { bucket: zone.bucket, encryptionKey: zone.encryptionKey, prefix };
}

/** True for an endpoint known to apply the weights in code at each deployment (DesiredWeight not retained). */
function resetsWeightsOnDeploy(endpoint: IModelEndpoint): boolean {
  return endpoint.retainsWeightsOnDeploy === false;
}

/** Checks the props; returns the window and the interval between runs, in minutes, and the report zone. */
function validate(scope: Construct, props: AbExperimentProps, experimentName: string, capture: EndpointDataCapture | undefined):
{ windowMinutes: number; intervalMinutes: number; scheduleKind: string; reportZone: ILakeZone } {
  const errors = new InputErrors(scope, 'AbExperiment');
  const known = props.endpoint.variantNames ?? [];
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
  checkNumber(errors, 'errorMargin', props.errorMargin, { min: 0, minExclusive: true, allowed: 'a relative margin > 0, e.g. 0.25' });
  checkNumber(errors, 'latencyMargin', props.latencyMargin, { min: 0, minExclusive: true, allowed: 'a relative margin > 0, e.g. 0.5' });
  checkNumber(errors, 'stepPercent', props.stepPercent, { min: 0, minExclusive: true, max: 100, allowed: 'a percentage in (0, 100]' });
  if (!isToken(experimentName) && !/^[A-Za-z0-9_.:/ -]{1,255}$/.test(experimentName)) {
    errors.add('experimentName', experimentName, '1-255 letters, digits, spaces and _ . : / - (a CloudWatch dimension value)');
  }

  const measure = props.successMeasure?.groundTruthOptions;
  if (props.successMeasure) {
    if (!measure?.groundTruthZone || measure.groundTruthPrefix === undefined || measure.groundTruthPrefix === null) {
      errors.addMessage('successMeasure needs groundTruthZone and groundTruthPrefix: where the ground-truth files land');
    } else if (!isToken(measure.groundTruthPrefix) && (measure.groundTruthPrefix.startsWith('/') || measure.groundTruthPrefix.includes('*')
      || (measure.groundTruthPrefix !== '' && !measure.groundTruthPrefix.endsWith('/')))) {
      errors.add('successMeasure.groundTruthPrefix', measure.groundTruthPrefix, 'a key prefix ending with \'/\', without a leading slash or wildcards');
    }
    if (measure?.positiveLabel !== undefined && !isToken(measure.positiveLabel) && measure.positiveLabel.trim() === '') {
      errors.add('successMeasure.positiveLabel', measure.positiveLabel, 'a non-empty label');
    }
    checkDuration(errors, 'successMeasure.captureLookback', measure?.captureLookback, { unit: 'hours', min: 0, max: 14 * 24 });
    if (!capture) {
      errors.add('endpoint', props.endpoint.endpointName, 'an endpoint with data capture (ModelEndpoint dataCapture), or give dataCapture: '
        + 'the success measure joins ground truth to the captured requests');
    }
  }
  const reportZone = props.reportZone ?? capture?.zone;
  if (!reportZone) {
    errors.addMessage('reportZone is needed (where the experiment keeps its state and reports) when the endpoint has no data capture');
  }

  const schedule = props.schedule ?? scheduler.ScheduleExpression.rate(Duration.hours(1));
  const parsed = checkSchedule(errors, 'schedule', schedule, {
    minRateMinutes: MIN_RATE_MINUTES,
    minRateAllowed: `a rate of at least ${MIN_RATE_MINUTES} minutes (SageMaker writes capture files and CloudWatch settles its metrics over minutes)`,
  });
  const rate = parsed.rateMinutes;
  const windowMinutes = checkDuration(errors, 'window', props.window, {
    unit: 'minutes', min: rate ?? MIN_RATE_MINUTES, max: MAX_WINDOW_MINUTES,
    allowed: `a whole number of minutes from ${describe(Duration.minutes(rate ?? MIN_RATE_MINUTES))} (the schedule's rate) to 14 days`,
  }) ?? Math.max(DEFAULT_WINDOW_MINUTES, rate ?? 0);
  validateHandlerOptions(errors, 'handlerOptions', props.handlerOptions);
  errors.throwIfAny();
  return { windowMinutes, intervalMinutes: rate ?? 60, scheduleKind: parsed.kind, reportZone: reportZone! };
}
