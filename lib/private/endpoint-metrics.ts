import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { IModelEndpoint } from '../serving/model-endpoint-interface';

/** Options of one endpoint metric. */
export interface EndpointMetricSpec {
  /** One variant; the whole endpoint when absent. */
  readonly variantName?: string;
  readonly period: Duration;
  /** The label of the metric (or expression). @default - none */
  readonly label?: string;
}

/** Options of an error-rate expression. */
export interface ErrorRateSpec extends EndpointMetricSpec {
  /**
   * Appended to the ids inside the expression (`errors<suffix>`, `requests<suffix>`), so that several rates fit in one graph.
   *
   * @default ''
   */
  readonly idSuffix?: string;
  /** The label of the metrics inside the expression. @default - none */
  readonly innerLabel?: string;
}

/** The response classes whose share of requests is measured. */
export type ErrorClass = '5XX' | '4XX';

/**
 * The metrics of an endpoint that alarms and dashboards share, each built in one place: alarms and dashboards of the same
 * endpoint show the same numbers.
 */
export class EndpointMetricFactory {
  constructor(private readonly endpoint: IModelEndpoint) {}

  /** Requests in the period (Sum). */
  public invocations(spec: EndpointMetricSpec): cloudwatch.IMetric {
    return this.endpoint.metricInvocations({ ...this.options(spec), statistic: 'Sum' });
  }

  /** Requests answered with a 5XX or 4XX error in the period (Sum). */
  public errors(errorClass: ErrorClass, spec: EndpointMetricSpec): cloudwatch.IMetric {
    const options = { ...this.options(spec), statistic: 'Sum' };
    return errorClass === '5XX' ? this.endpoint.metricInvocation5XXErrors(options) : this.endpoint.metricInvocation4XXErrors(options);
  }

  /**
   * The share of requests answered with an error, in percent: `100 * errors / requests`, 0 when there was no request.
   */
  public errorRatePercent(errorClass: ErrorClass, spec: ErrorRateSpec): cloudwatch.MathExpression {
    const suffix = spec.idSuffix ?? '';
    const inner = { variantName: spec.variantName, period: spec.period, label: spec.innerLabel };
    return new cloudwatch.MathExpression({
      expression: `IF(requests${suffix} > 0, 100 * errors${suffix} / requests${suffix}, 0)`,
      usingMetrics: { [`errors${suffix}`]: this.errors(errorClass, inner), [`requests${suffix}`]: this.invocations(inner) },
      label: spec.label ?? `${errorClass} error rate (%)`,
      period: spec.period,
    });
  }

  /**
   * The share of the whole endpoint's requests answered with an error, in percent, from two CloudWatch Metrics Insights
   * queries (one per count, summed over every production variant of the endpoint; a shadow variant, when the endpoint
   * says it has one, is left out): three queries and no `MetricStat` whatever the number
   * of variants. A metric-math rate over per-variant metrics would reference 2 metrics per variant, and CloudWatch allows 10
   * per alarm ("Alarms based on metric math expressions can reference a maximum of 10 metrics ... use a Metrics Insights
   * query", https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-limits.html): 6 variants would be 12.
   * A Metrics Insights alarm must see one time series; each query here sums to one
   * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-metrics-insights-alarm-create.html).
   */
  public endpointErrorRatePercent(errorClass: ErrorClass, spec: { readonly period: Duration; readonly label?: string }): cloudwatch.MathExpression {
    // A shadow variant reports its own Invocations and errors (https://docs.aws.amazon.com/sagemaker/latest/dg/shadow-tests-view-monitor-edit-dashboard.html),
    // for copies of requests no client sees the answer of: the endpoint's rate leaves it out.
    const shadow = (this.endpoint as { readonly shadowVariantName?: unknown }).shadowVariantName;
    const notShadow = typeof shadow === 'string' ? ` AND VariantName != '${shadow}'` : '';
    const query = (metricName: string) => new cloudwatch.MathExpression({
      expression: `SELECT SUM(${metricName}) FROM SCHEMA("AWS/SageMaker", EndpointName, VariantName) WHERE EndpointName = '${this.endpoint.endpointName}'${notShadow}`,
      period: spec.period,
    });
    return new cloudwatch.MathExpression({
      expression: 'IF(requests > 0, 100 * errors / requests, 0)',
      usingMetrics: { errors: query(`Invocation${errorClass}Errors`), requests: query('Invocations') },
      label: spec.label ?? `${errorClass} error rate (%), all variants`,
      period: spec.period,
    });
  }

  /** The model or overhead latency at a statistic (SageMaker reports microseconds). */
  public latency(kind: 'model' | 'overhead', statistic: string, spec: EndpointMetricSpec): cloudwatch.IMetric {
    const options = { ...this.options(spec), statistic };
    return kind === 'model' ? this.endpoint.metricModelLatency(options) : this.endpoint.metricOverheadLatency(options);
  }

  /** A utilization (Average; Maximum for serverless concurrency), in SageMaker's units (100 per vCPU or GPU). */
  public utilization(kind: UtilizationKind, spec: EndpointMetricSpec): cloudwatch.IMetric {
    const o = { ...this.options(spec), statistic: 'Average' };
    switch (kind) {
      case 'cpu': return this.endpoint.metricCPUUtilization(o);
      case 'memory': return this.endpoint.metricMemoryUtilization(o);
      case 'disk': return this.endpoint.metricDiskUtilization(o);
      case 'gpu': return this.endpoint.metricGPUUtilization(o);
      case 'gpu-memory': return this.endpoint.metricGPUMemoryUtilization(o);
      case 'serverless-concurrency': return this.endpoint.metric('ServerlessConcurrentExecutionsUtilization', { ...o, statistic: 'Maximum' });
    }
  }

  /**
   * The worst (highest) utilization among `variantNames`: the variant's metric for one, `MAX([...])` over one metric per
   * variant otherwise (at most 10: SageMaker's variant limit is CloudWatch's metric limit per alarm).
   */
  public worstUtilization(kind: UtilizationKind, variantNames: string[], spec: { readonly period: Duration }): cloudwatch.IMetric {
    if (variantNames.length === 1) {
      return this.utilization(kind, { variantName: variantNames[0], period: spec.period });
    }
    const id = kind.replace(/-/g, '_');
    const usingMetrics = Object.fromEntries(variantNames.map((v, i) => [`${id}_${i}`, this.utilization(kind, { variantName: v, period: spec.period })]));
    return new cloudwatch.MathExpression({
      expression: `MAX([${Object.keys(usingMetrics).join(', ')}])`,
      usingMetrics,
      label: `${kind} utilization (worst variant)`,
      period: spec.period,
    });
  }

  private options(spec: EndpointMetricSpec): cloudwatch.MetricOptions & { variantName?: string } {
    return {
      period: spec.period,
      ...(spec.variantName === undefined ? {} : { variantName: spec.variantName }),
      ...(spec.label === undefined ? {} : { label: spec.label }),
    };
  }
}

/** The utilization metrics of an endpoint. */
export type UtilizationKind = 'cpu' | 'memory' | 'disk' | 'gpu' | 'gpu-memory' | 'serverless-concurrency';
