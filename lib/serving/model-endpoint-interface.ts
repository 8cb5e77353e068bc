import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { EndpointDataCapture } from './data-capture';
import { VariantKind } from './variant';

/** Options of a metric of an endpoint. */
export interface EndpointMetricOptions extends cloudwatch.MetricOptions {
  /**
   * One variant of the endpoint.
   *
   * @default - the production variants known when the method is called (add variants first): counts are summed,
   * latencies and utilizations take the worst variant
   */
  readonly variantName?: string;
}

/** Attributes of an endpoint defined elsewhere. */
export interface ModelEndpointAttributes {
  /** The endpoint name. */
  readonly endpointName: string;

  /**
   * The names of its production variants.
   *
   * @default - none; endpoint-wide metrics then need a variantName
   */
  readonly variantNames?: string[];

  /**
   * The production variants that are serverless.
   *
   * @default - none
   */
  readonly serverlessVariantNames?: string[];

  /**
   * The instance type of each instance variant, by variant name.
   *
   * @default - unknown
   */
  readonly variantInstanceTypes?: { [variantName: string]: string };

  /**
   * Where and what the endpoint captures, if it captures (drift monitoring reads it).
   *
   * @default - unknown: consumers that need the capture ask for it
   */
  readonly dataCapture?: EndpointDataCapture;

  /**
   * Whether a deployment of the endpoint keeps the variant weights of the running endpoint (`retainWeightsOnDeploy`).
   *
   * @default - unknown
   */
  readonly retainsWeightsOnDeploy?: boolean;
}

/**
 * A SageMaker real-time endpoint, defined here or imported.
 */
export interface IModelEndpoint extends sagemaker.IEndpoint {
  // endpointName, endpointArn and grantInvoke come from sagemaker.IEndpoint (re-declaring them is invalid C#: JSII5015).

  /** Where and what the endpoint captures; undefined when it does not capture or when that is unknown (imported). */
  readonly dataCapture?: EndpointDataCapture;

  /**
   * Whether a deployment keeps the variant weights of the running endpoint; undefined when unknown (imported without
   * `retainsWeightsOnDeploy`). An experiment that shifts weights warns when it is false.
   */
  readonly retainsWeightsOnDeploy?: boolean;

  /** The names of the production variants. */
  readonly variantNames: string[];

  /** The kind of a variant, if known: serverless variants publish other metrics than instance variants. */
  variantKind(variantName: string): VariantKind | undefined;

  /** The instance type of a variant (e.g. `ml.g5.xlarge`), if known; undefined for serverless variants. */
  variantInstanceType(variantName: string): string | undefined;

  /** Any metric of the endpoint in the AWS/SageMaker namespace. */
  metric(metricName: string, props?: EndpointMetricOptions): cloudwatch.IMetric;

  /** Requests, summed over variants. */
  metricInvocations(props?: EndpointMetricOptions): cloudwatch.IMetric;

  /** Requests answered with a 4XX error, summed over variants. */
  metricInvocation4XXErrors(props?: EndpointMetricOptions): cloudwatch.IMetric;

  /** Requests answered with a 5XX error, summed over variants. */
  metricInvocation5XXErrors(props?: EndpointMetricOptions): cloudwatch.IMetric;

  /** Time the model took to respond, in microseconds; average, worst variant. */
  metricModelLatency(props?: EndpointMetricOptions): cloudwatch.IMetric;

  /** Time SageMaker added to the model latency, in microseconds; average, worst variant. */
  metricOverheadLatency(props?: EndpointMetricOptions): cloudwatch.IMetric;

  /** CPU utilization of the instances, in percent (100% per core); worst variant. */
  metricCPUUtilization(props?: EndpointMetricOptions): cloudwatch.IMetric;

  /** Memory utilization of the instances, in percent; worst variant. */
  metricMemoryUtilization(props?: EndpointMetricOptions): cloudwatch.IMetric;

  /** Disk utilization of the instances, in percent; worst variant. */
  metricDiskUtilization(props?: EndpointMetricOptions): cloudwatch.IMetric;

  /** GPU utilization of the instances, in percent (100% per GPU); worst variant. */
  metricGPUUtilization(props?: EndpointMetricOptions): cloudwatch.IMetric;

  /** GPU memory utilization of the instances, in percent; worst variant. */
  metricGPUMemoryUtilization(props?: EndpointMetricOptions): cloudwatch.IMetric;
}
