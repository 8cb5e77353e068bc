import { Arn, ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct, IConstruct } from 'constructs';
import { LoadTestPhase, LoadTestStopConditions } from './load-test-options';
import * as perms from './perms';
import { defineLoadTestStates, WORKER_TIMEOUT } from './private-definition';
import { defineLogGroup } from './private-log-group';
import { checkTargetVariant, LoadTestPlan, planLoadTest } from './private-plan';
import { ILakeZone } from '../data-lake';
import { IAlertTopics } from '../monitoring';
import { HandlerFunction } from '../private/handler-function';
import { AlarmFactory } from '../private/alarm-factory';
import { acknowledgeInlinePolicy, acknowledgeWildcardResources } from '../private/nag';
import { InputErrors, requireProps } from '../private/validation';
import { IModelEndpoint } from '../serving';

/** Properties of an `EndpointLoadTest`. */
export interface EndpointLoadTestProps {
  /** The endpoint under test. */
  readonly endpoint: IModelEndpoint;

  /** The phases, run in order (ramp-up, steady, spike...): 1 to 20. */
  readonly phases: LoadTestPhase[];

  /**
   * The most requests the test may send: synth fails when the phases could send more (their rates times their durations,
   * rounded up per worker). Required, so that a typo in a rate cannot cost a fortune.
   */
  readonly maxTotalRequests: number;

  /**
   * The longest a run may take: the state machine's timeout. It must cover the phases plus one minute per phase.
   */
  readonly maxDuration: Duration;

  /** The lake zone that holds the request bodies. */
  readonly payloads: ILakeZone;

  /** The key prefix of the request bodies in `payloads`: each object under it is one request body, sent as it is. */
  readonly payloadPrefix: string;

  /**
   * The content type of the request bodies.
   *
   * @default 'application/json'
   */
  readonly contentType?: string;

  /**
   * The Accept header of the requests.
   *
   * @default - none (the model's default)
   */
  readonly accept?: string;

  /**
   * Send every request to this production variant (InvokeEndpoint's TargetVariant), checked against the endpoint's variants
   * when they are known.
   *
   * @default - the endpoint routes by its variant weights
   */
  readonly targetVariant?: string;

  /**
   * When a run stops early (checked after each phase).
   *
   * @default - stop when a phase's error rate is above 0.05
   */
  readonly stopConditions?: LoadTestStopConditions;

  /**
   * The zone of the reports.
   *
   * @default - the payloads zone
   */
  readonly reportZone?: ILakeZone;

  /**
   * The key prefix of the reports (`<prefix><execution name>.json`).
   *
   * @default 'load-test-reports/'
   */
  readonly reportPrefix?: string;

  /**
   * The rate one worker holds: a phase runs `ceil(requestsPerSecond / this)` workers. Lower it for slow models (a worker has
   * at most `maxInFlightPerWorker` requests in flight).
   *
   * @default 10
   */
  readonly requestsPerSecondPerWorker?: number;

  /**
   * The most requests one worker has in flight; when they are all taken, the worker falls behind its rate (the report counts it as
   * `saturated`).
   *
   * @default 50
   */
  readonly maxInFlightPerWorker?: number;

  /**
   * How long a worker waits for an answer before it counts the request as a `Timeout` error.
   *
   * @default Duration.seconds(60)
   */
  readonly requestTimeout?: Duration;

  /**
   * Where the alarms of the load test's functions go (a worker or the aggregation failed).
   *
   * @default - alarms without actions
   */
  readonly alerts?: IAlertTopics;

  /**
   * How long the state machine's execution logs are kept.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
}

/** A load test of an endpoint, as dashboards and alarms see it. */
export interface IEndpointLoadTest extends IConstruct {
  /** The name of the endpoint under test. */
  readonly endpointName: string;
  /** The names of the phases, in order. */
  readonly phaseNames: string[];
  /** Requests the load test started (its offered load), per period; summed over phases unless `phase` is given. */
  metricOfferedRequests(phase?: string, props?: cloudwatch.MetricOptions): cloudwatch.IMetric;
  /** Requests of the load test that failed, per period. */
  metricFailedRequests(phase?: string, props?: cloudwatch.MetricOptions): cloudwatch.IMetric;
  /** The 99th percentile latency of a phase, in milliseconds (published once per phase). */
  metricLatencyP99(phase: string, props?: cloudwatch.MetricOptions): cloudwatch.IMetric;
}

/**
 * A load test of a SageMaker endpoint, run on demand: a Step Functions state machine that drives traffic at the endpoint in
 * phases from request bodies in the lake, with Lambda workers in a Distributed Map that each hold a share of the rate with a
 * token bucket; per phase it records p50/p90/p99 latency, error rate, throughput and how the endpoint scaled, as CloudWatch
 * metrics (namespace `cdk-mlops/LoadTest`) and a JSON report in the lake, and it stops early when a stopping condition is
 * breached. Its requests carry a load-test InferenceId, which drift and model-quality monitoring skip.
 *
 * Start a run with `aws stepfunctions start-execution --state-machine-arn <stateMachineArn>`.
 */
export class EndpointLoadTest extends Construct implements IEndpointLoadTest {
  /** The CloudWatch namespace of load-test metrics (dimensions EndpointName, and EndpointName + Phase). */
  public static readonly METRIC_NAMESPACE = 'cdk-mlops/LoadTest';

  /** The state machine of a run. */
  public readonly stateMachine: sfn.StateMachine;
  /** The worker function (this load test's own: its role may invoke only this endpoint). */
  public readonly workerFunction: lambda.IFunction;
  /** The stack's aggregation function. */
  public readonly aggregateFunction: lambda.IFunction;
  /** The state machine's execution logs. */
  public readonly logGroup: logs.LogGroup;
  /** The most requests a run can send (the phases' caps). */
  public readonly plannedRequests: number;
  /** Where the reports go: `s3://bucket/prefix`. */
  public readonly reportUri: string;
  /** The names of the phases, in order. */
  public readonly phaseNames: string[];
  /** The name of the endpoint under test. */
  public readonly endpointName: string;

  constructor(scope: Construct, id: string, props: EndpointLoadTestProps) {
    super(scope, id);
    requireProps(this, 'EndpointLoadTest', props, {
      endpoint: 'an IModelEndpoint', phases: 'a list of phases', maxTotalRequests: 'the most requests a run may send',
      maxDuration: 'the longest a run may take', payloads: 'the ILakeZone of the request bodies', payloadPrefix: 'a key prefix of request bodies',
    }, { phases: 'a list of phases' });
    const errors = new InputErrors(this, 'EndpointLoadTest');
    const plan = planLoadTest(errors, props);
    checkTargetVariant(errors, props.targetVariant, props.endpoint.variantNames ?? []);
    errors.throwIfAny();
    this.plannedRequests = plan.totalRequests;
    this.phaseNames = plan.phases.map((p) => p.name);
    this.endpointName = props.endpoint.endpointName;
    const reports = props.reportZone ?? props.payloads;
    this.reportUri = reports.s3Uri(plan.reportPrefix);

    const worker = HandlerFunction.of(this, {
      handler: 'load-test-worker', requestedBy: 'EndpointLoadTest', unshared: true, memorySize: 1024, timeout: WORKER_TIMEOUT,
      description: `cdk-mlops: load-test worker of ${this.node.path} (sends to one endpoint)`,
    });
    // InvokeEndpoint on this endpoint only (grantInvoke would add the streaming variant, which the worker does not call).
    iam.Grant.addToPrincipal({ grantee: worker.function, actions: perms.INVOKE_ENDPOINT_ACTIONS, resourceArns: [props.endpoint.endpointArn] });
    props.payloads.grantRead(worker.function, plan.payloadPrefix);
    this.workerFunction = worker.function;
    const aggregator = HandlerFunction.of(this, {
      handler: 'load-test-aggregate', requestedBy: 'EndpointLoadTest', memorySize: 512, timeout: Duration.minutes(1),
      description: 'cdk-mlops: aggregates a load-test phase and publishes its metrics',
    });
    grantPutMetrics(aggregator.function);
    this.aggregateFunction = aggregator.function;
    const factory = new AlarmFactory(this, props.alerts);
    worker.routeAlarms(factory);
    aggregator.routeAlarms(factory);

    this.logGroup = defineLogGroup(this, props.logRetention, `Execution logs of the load test ${this.node.path}`);
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      definitionBody: sfn.DefinitionBody.fromChainable(defineLoadTestStates(this, {
        endpoint: props.endpoint, plan, worker: worker.function, aggregator: aggregator.function, payloads: props.payloads, reports,
        contentType: props.contentType ?? 'application/json', accept: props.accept, targetVariant: props.targetVariant,
      })),
      queryLanguage: sfn.QueryLanguage.JSONATA,
      comment: `Load test of ${this.node.path}: ${plan.phases.map((p) => `${p.name} ${p.requestsPerSecond}/s x ${p.seconds} s`).join(', ')}`,
      timeout: Duration.seconds(plan.maxDurationSeconds),
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
    });
    reports.grantWrite(this.stateMachine, plan.reportPrefix, { allowDelete: false });
    acknowledgeStateMachine(this.stateMachine, reports, plan, [worker.function, aggregator.function]);
  }

  /** Grants starting a run (`states:StartExecution`). */
  public grantStartExecution(grantee: iam.IGrantable): iam.Grant {
    return this.stateMachine.grantStartExecution(grantee);
  }

  /**
   * Requests the load test started (its offered load), per period; summed over phases unless `phase` is given.
   *
   * @param phase one phase's name
   */
  public metricOfferedRequests(phase?: string, props?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    return this.metric('OfferedRequests', phase, { statistic: 'Sum', ...props });
  }

  /**
   * Requests of the load test that failed, per period.
   *
   * @param phase one phase's name
   */
  public metricFailedRequests(phase?: string, props?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    return this.metric('FailedRequests', phase, { statistic: 'Sum', ...props });
  }

  /** The 99th percentile latency of a phase, in milliseconds, as its workers measured it (published once per phase). */
  public metricLatencyP99(phase: string, props?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    return this.metric('LatencyP99', phase, { statistic: 'Maximum', ...props });
  }

  /** The error rate of a phase (0-1, published once per phase). */
  public metricErrorRate(phase: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ErrorRate', phase, { statistic: 'Maximum', ...props });
  }

  private metric(metricName: string, phase: string | undefined, props: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: EndpointLoadTest.METRIC_NAMESPACE,
      metricName,
      dimensionsMap: phase === undefined ? { EndpointName: this.endpointName } : { EndpointName: this.endpointName, Phase: phase },
      period: Duration.minutes(1),
      ...props,
    });
  }
}

/** The aggregation may publish into the load-test namespace only (PutMetricData has no resource-level permissions). */
function grantPutMetrics(fn: lambda.IFunction): void {
  fn.addToRolePolicy(new iam.PolicyStatement({
    actions: perms.PUT_METRIC_ACTIONS,
    resources: ['*'],
    conditions: { StringEquals: { 'cloudwatch:namespace': EndpointLoadTest.METRIC_NAMESPACE } },
  }));
  const policy = fn.role?.node.tryFindChild('DefaultPolicy');
  if (policy) {
    acknowledgeWildcardResources(policy, ['*'], 'cloudwatch:PutMetricData has no resource-level permissions; a condition limits it to '
      + 'the cdk-mlops/LoadTest namespace.');
  }
}

/** The wildcards and inline policies of the state machine's role, each with its reason. */
function acknowledgeStateMachine(sm: sfn.StateMachine, reports: ILakeZone, plan: LoadTestPlan, functions: lambda.IFunction[]): void {
  const policy = sm.role.node.tryFindChild('DefaultPolicy');
  if (!policy) {
    return;
  }
  acknowledgeInlinePolicy(sm.role);
  const mapPolicy = sm.node.tryFindChild('DistributedMapPolicy');
  if (mapPolicy) {
    acknowledgeInlinePolicy(mapPolicy);
    const stack = Stack.of(sm);
    const name = Arn.split(sm.stateMachineArn, ArnFormat.COLON_RESOURCE_NAME).resourceName;
    const executions = (suffix: string) => stack.formatArn({ service: 'states', resource: 'execution', resourceName: `${name}${suffix}`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    acknowledgeWildcardResources(mapPolicy, [executions(':*'), executions('/*:*')], 'The Distributed Map describes, stops and redrives '
      + 'the executions of this state machine only (its child workflows), as Step Functions requires; execution names are generated.');
  }
  acknowledgeWildcardResources(policy, functions.map((f) => `${f.functionArn}:*`), 'Step Functions may invoke the load test\'s worker and '
    + 'aggregation functions (any version of them), nothing else.');
  acknowledgeWildcardResources(policy, ['*'], 'application-autoscaling:DescribeScalingActivities has no resource-level permissions '
    + '(read only: the scale-out of the endpoint\'s variants during a phase); X-Ray tracing needs * as well.');
  acknowledgeWildcardResources(policy, [reports.bucket.arnForObjects(`${plan.reportPrefix}*`)], 'The reports of the runs, named by '
    + 'execution at run time, under this prefix only.');
}
