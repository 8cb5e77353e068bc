import { Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { EndpointAlarms } from './endpoint-alarms';
import { TrainingPipelineAlarms } from './training-alarms';
import type { IInferenceApi } from '../api/inference-api';
import type { IDriftMonitor } from '../drift/drift-monitor';
import type { IEndpointLoadTest } from '../loadtest/endpoint-load-test';
import { EndpointMetricFactory } from '../private/endpoint-metrics';
import { instanceFacts } from '../private/instance-catalog';
import { watchStackBudget } from '../private/stack-budget';
import { InputErrors, isDuration, requireProps } from '../private/validation';
import { IModelEndpoint, VariantKind } from '../serving';
import { ITrainingPipeline } from '../training';

/**
 * Properties of `EndpointDashboard`.
 */
export interface EndpointDashboardProps {
  /** The endpoint shown. */
  readonly endpoint: IModelEndpoint;

  /**
   * The endpoint's alarms, shown as an alarm status widget.
   *
   * @default - no alarm status
   */
  readonly alarms?: EndpointAlarms;

  /**
   * The dashboard name.
   *
   * @default - `<endpoint name>-endpoint`
   */
  readonly dashboardName?: string;

  /**
   * The period of the graphs.
   *
   * @default Duration.minutes(1)
   */
  readonly period?: Duration;
}

/**
 * A CloudWatch dashboard for one endpoint: per-variant invocations, latency percentiles, error rates and
 * utilization side by side, and the status of its alarms. Training and drift widgets join it through
 * `addTrainingPipeline()`, `addDriftMonitor()` and `addSection()`.
 */
export class EndpointDashboard extends Construct {
  /** The dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;

  private readonly period: Duration;
  private readonly endpoint: IModelEndpoint;

  constructor(scope: Construct, id: string, props: EndpointDashboardProps) {
    super(scope, id);
    requireProps(this, 'EndpointDashboard', props, { endpoint: 'an IModelEndpoint (a ModelEndpoint, or one imported with fromEndpointName)' });
    validateDashboard(this, props);
    const endpoint = props.endpoint;
    this.endpoint = endpoint;
    watchStackBudget(this, endpoint.endpointName);
    this.period = props.period ?? Duration.minutes(1);
    this.dashboard = new cloudwatch.Dashboard(this, 'Resource', {
      dashboardName: props.dashboardName ?? `${endpoint.endpointName}-endpoint`,
      defaultInterval: Duration.hours(3),
    });

    const variants = endpoint.variantNames;
    const perVariant = (f: (variantName: string) => cloudwatch.IMetric) => variants.map((v) => f(v));
    const opts = (variantName: string, statistic: string, label?: string) => ({
      variantName, statistic, period: this.period, label: label ?? variantName,
    });
    const metrics = new EndpointMetricFactory(endpoint);
    // One graph holds the rate of every variant: the ids inside each expression must differ.
    const rate = (variantName: string, errorClass: '5XX' | '4XX') => metrics.errorRatePercent(errorClass, {
      variantName, period: this.period, label: variantName, innerLabel: variantName, idSuffix: `_${variants.indexOf(variantName)}`,
    });

    this.dashboard.addWidgets(new cloudwatch.TextWidget({
      markdown: `# Endpoint ${endpoint.endpointName}\nVariants: ${variants.map((v) => `\`${v}\``).join(', ')}`,
      width: 24,
      height: 1,
    }));
    if (props.alarms) {
      this.dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({
        title: 'Alarms',
        alarms: [props.alarms.healthAlarm, ...props.alarms.alarms],
        width: 24,
      }));
    }
    this.dashboard.addWidgets(
      graph('Invocations', perVariant((v) => endpoint.metricInvocations(opts(v, 'Sum')))),
      graph('5XX error rate (%)', perVariant((v) => rate(v, '5XX'))),
      graph('4XX error rate (%)', perVariant((v) => rate(v, '4XX'))),
    );
    this.dashboard.addWidgets(
      graph('Model latency p50 / p90 / p99 (µs)', variants.flatMap((v) => ['p50', 'p90', 'p99']
        .map((p) => endpoint.metricModelLatency(opts(v, p, `${v} ${p}`))))),
      graph('Overhead latency p99 (µs)', perVariant((v) => endpoint.metricOverheadLatency(opts(v, 'p99')))),
    );
    const instanceVariants = variants.filter((v) => endpoint.variantKind(v) !== VariantKind.SERVERLESS);
    if (instanceVariants.length > 0) {
      const util = (title: string, f: (variantName: string) => cloudwatch.IMetric) => graph(title, instanceVariants.map(f), 6);
      this.dashboard.addWidgets(
        util('CPU (%, 100 per vCPU)', (v) => endpoint.metricCPUUtilization(opts(v, 'Average'))),
        util('Memory (%)', (v) => endpoint.metricMemoryUtilization(opts(v, 'Average'))),
        util('Disk (%)', (v) => endpoint.metricDiskUtilization(opts(v, 'Average'))),
      );
      // GPU graphs only for variants on GPU instance types (or of unknown type, on imported endpoints).
      const gpuVariants = instanceVariants.filter((v) => (instanceFacts(endpoint.variantInstanceType(v)).gpus ?? 1) > 0);
      if (gpuVariants.length > 0) {
        this.dashboard.addWidgets(graph('GPU / GPU memory (%, 100 per GPU)', gpuVariants.flatMap((v) => [
          endpoint.metricGPUUtilization(opts(v, 'Average', `${v} GPU`)),
          endpoint.metricGPUMemoryUtilization(opts(v, 'Average', `${v} GPU memory`)),
        ]), 6));
      }
    }
  }

  /** Adds a row with a title and widgets, e.g. drift metrics. */
  public addSection(title: string, ...widgets: cloudwatch.IWidget[]): void {
    this.dashboard.addWidgets(new cloudwatch.TextWidget({ markdown: `## ${title}`, width: 24, height: 1 }));
    this.dashboard.addWidgets(...widgets);
  }

  /** Adds the drift of an endpoint: the drifted feature share, the PSI per feature, and the records the monitor read. */
  public addDriftMonitor(monitor: IDriftMonitor): void {
    const variants = monitor.variantNames;
    const label = (l: string) => ({ label: l });
    this.addSection(`Drift of ${monitor.endpointName}`,
      new cloudwatch.GraphWidget({ title: 'Drifted feature share', left: variants.map((v) => monitor.metricDriftedFeatureShare(v, label(v))), width: 8 }),
      new cloudwatch.GraphWidget({
        title: 'PSI per feature', width: 8,
        left: variants.flatMap((v) => monitor.featureNames.map((f) => monitor.metricFeaturePsi(v, f, label(`${v} ${f}`)))),
        leftAnnotations: [{ value: monitor.psiThreshold, label: 'PSI threshold' }],
      }),
      new cloudwatch.GraphWidget({
        title: 'Records and malformed records', width: 8,
        left: variants.flatMap((v) => [monitor.metricRecordCount(v, label(`${v} records`)), monitor.metricMalformedRecords(v, label(`${v} malformed`))]),
      }),
    );
  }

  /**
   * Adds a section that shows a load test's offered load next to what the endpoint saw: requests per minute of the load test and
   * invocations of each variant, invocations per instance, the instance count of each instance variant (invocations divided
   * by invocations per instance, a continuous stand-in for DescribeEndpoint's CurrentInstanceCount), and latency (the load
   * test's p99 per phase, the endpoint's model latency p99), so that a person sees autoscaling react.
   */
  public addLoadTest(loadTest: IEndpointLoadTest): void {
    const endpoint = this.endpoint;
    const period = Duration.minutes(1);
    const variants = endpoint.variantNames;
    const instanceVariants = variants.filter((v) => endpoint.variantKind(v) !== VariantKind.SERVERLESS);
    const invocations = (v: string) => endpoint.metricInvocations({ variantName: v, statistic: 'Sum', period, label: `${v} invocations` });
    const perInstance = (v: string) => endpoint.metric('InvocationsPerInstance', { variantName: v, statistic: 'Sum', period, label: `${v} per instance` });
    this.addSection(`Load test ${loadTest.node.path}`,
      new cloudwatch.GraphWidget({
        title: 'Offered load and invocations (per minute)', width: 12,
        left: [loadTest.metricOfferedRequests(undefined, { period, label: 'offered (load test)' }),
          loadTest.metricFailedRequests(undefined, { period, label: 'failed (load test)' }), ...variants.map(invocations)],
      }),
      new cloudwatch.GraphWidget({ title: 'Invocations per instance (per minute)', width: 12, left: instanceVariants.map(perInstance) }),
      new cloudwatch.GraphWidget({
        title: 'Instances (invocations / invocations per instance)', width: 12,
        left: instanceVariants.map((v, i) => new cloudwatch.MathExpression({
          expression: `inv${i} / ipi${i}`, usingMetrics: { [`inv${i}`]: invocations(v), [`ipi${i}`]: perInstance(v) }, period, label: `${v} instances`,
        })),
      }),
      new cloudwatch.GraphWidget({
        title: 'Latency p99: load test per phase (ms, left), model (µs, right)', width: 12,
        left: loadTest.phaseNames.map((p) => loadTest.metricLatencyP99(p, { label: `${p} p99`, period })),
        right: variants.map((v) => endpoint.metricModelLatency({ variantName: v, statistic: 'p99', period, label: `${v} model p99` })),
      }),
    );
  }

  /**
   * Adds an inference API in front of the endpoint: its requests, its 4XX and 5XX shares of requests, its p99 latency beside the
   * endpoint's (API Gateway's IntegrationLatency), and the status of its alarms if given (e.g. `InferenceApi.alarms`).
   */
  public addInferenceApi(api: IInferenceApi, alarms?: cloudwatch.IAlarm[]): void {
    const period = this.period;
    // The Average of 4XXError and 5XXError is the share of requests (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-metrics-and-dimensions.html).
    const percent = (id: string, metric: cloudwatch.IMetric, label: string) => new cloudwatch.MathExpression({
      expression: `100 * ${id}`, usingMetrics: { [id]: metric }, period, label,
    });
    const widgets: cloudwatch.IWidget[] = [
      graph('API requests', [api.metricRequests({ period, label: 'requests' })], 6),
      graph('API error rate (%)', [
        percent('api4xx', api.metricClientErrors({ period }), '4XX'),
        percent('api5xx', api.metricServerErrors({ period }), '5XX'),
      ], 6),
      graph('API latency p99 (ms)', [
        api.metricLatency({ period, label: 'API (request to response)' }),
        api.metricIntegrationLatency({ period, label: 'endpoint (integration)' }),
      ], 6),
    ];
    if (alarms && alarms.length > 0) {
      widgets.push(new cloudwatch.AlarmStatusWidget({ title: 'API alarms', alarms, width: 6 }));
    }
    this.addSection(`Inference API ${api.restApiName} (stage ${api.stageName})`, ...widgets);
  }

  /** Adds the executions of a training pipeline, and its alarms if given. */
  public addTrainingPipeline(pipeline: ITrainingPipeline, alarms?: TrainingPipelineAlarms): void {
    const period = Duration.hours(1);
    const widgets: cloudwatch.IWidget[] = [graph(`Training ${pipeline.node.path}`, [
      pipeline.metricSucceeded({ period, statistic: 'Sum', label: 'succeeded' }),
      pipeline.metricFailed({ period, statistic: 'Sum', label: 'failed' }),
      pipeline.metricTimedOut({ period, statistic: 'Sum', label: 'timed out' }),
    ], 12)];
    if (alarms) {
      const trainingAlarms = [alarms.failedAlarm, alarms.timedOutAlarm].filter((a): a is cloudwatch.Alarm => a !== undefined);
      widgets.push(new cloudwatch.AlarmStatusWidget({ title: 'Training alarms', alarms: trainingAlarms, width: 12 }));
    }
    this.addSection('Training', ...widgets);
  }
}

/**
 * The period and name CloudWatch accepts, checked here so that the error names this construct, not a metric deep inside
 * it. Metric periods: 1, 5, 10, 30 or a multiple of 60 seconds (the dashboard body's `period`,
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html); names: up to
 * 255 of A-Z, a-z, 0-9, - and _ (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html).
 */
function validateDashboard(scope: Construct, props: EndpointDashboardProps): void {
  const errors = new InputErrors(scope, 'EndpointDashboard');
  const p = props.period;
  if (p !== undefined) {
    const allowed = '1, 5, 10 or 30 seconds, or a whole number of minutes, e.g. Duration.minutes(5)';
    if (!isDuration(p)) {
      errors.add('period', p, `a Duration of ${allowed}`);
    } else if (!p.isUnresolved()) {
      const seconds = p.toSeconds({ integral: false });
      errors.check([1, 5, 10, 30].includes(seconds) || (seconds >= 60 && seconds % 60 === 0), 'period', p, allowed);
    }
  }
  const name = props.dashboardName;
  if (name !== undefined && !Token.isUnresolved(name)) {
    errors.check(typeof name === 'string' && /^[A-Za-z0-9_-]{1,255}$/.test(name), 'dashboardName', name,
      'a name of 1 to 255 characters of A-Z, a-z, 0-9, - and _');
  }
  errors.throwIfAny();
}

function graph(title: string, metrics: cloudwatch.IMetric[], width = 8): cloudwatch.GraphWidget {
  return new cloudwatch.GraphWidget({ title, left: metrics, width, height: 6 });
}
