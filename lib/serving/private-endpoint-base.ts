import { Resource } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import { aws_sagemaker as sagemakerRefs } from 'aws-cdk-lib/interfaces';
import { EndpointDataCapture } from './data-capture';
import { EndpointMetricOptions, IModelEndpoint } from './model-endpoint-interface';
import { INVOKE_ENDPOINT_ACTIONS } from './perms';
import { VariantKind } from './variant';

export const INVOCATION_NAMESPACE = 'AWS/SageMaker';
const INSTANCE_NAMESPACE = '/aws/sagemaker/Endpoints';

/**
 * What endpoints defined here and imported ones share: grants and metrics from the name and the variant names.
 *
 * Hidden from the jsii assembly: its members are copied into `ModelEndpoint`.
 *
 * @internal
 */
export abstract class ModelEndpointBase extends Resource implements IModelEndpoint {
  public abstract readonly endpointName: string;
  public abstract readonly endpointArn: string;
  public abstract readonly variantNames: string[];
  public abstract variantKind(variantName: string): VariantKind | undefined;
  public abstract variantInstanceType(variantName: string): string | undefined;
  public abstract readonly dataCapture?: EndpointDataCapture;
  public abstract readonly retainsWeightsOnDeploy?: boolean;

  /** A reference to this endpoint, for aws-cdk-lib's `IEndpointRef`. */
  public get endpointRef(): sagemakerRefs.EndpointReference {
    return { endpointArn: this.endpointArn };
  }

  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: INVOKE_ENDPOINT_ACTIONS, resourceArns: [this.endpointArn] });
  }

  public metric(metricName: string, props?: EndpointMetricOptions): cloudwatch.IMetric {
    return this.combined(INVOCATION_NAMESPACE, metricName, 'Average', 'MAX', props);
  }

  public metricInvocations(props?: EndpointMetricOptions): cloudwatch.IMetric {
    return this.combined(INVOCATION_NAMESPACE, 'Invocations', 'Sum', 'SUM', props);
  }

  public metricInvocation4XXErrors(props?: EndpointMetricOptions): cloudwatch.IMetric {
    return this.combined(INVOCATION_NAMESPACE, 'Invocation4XXErrors', 'Sum', 'SUM', props);
  }

  public metricInvocation5XXErrors(props?: EndpointMetricOptions): cloudwatch.IMetric {
    return this.combined(INVOCATION_NAMESPACE, 'Invocation5XXErrors', 'Sum', 'SUM', props);
  }

  public metricModelLatency(props?: EndpointMetricOptions): cloudwatch.IMetric {
    return this.combined(INVOCATION_NAMESPACE, 'ModelLatency', 'Average', 'MAX', props);
  }

  public metricOverheadLatency(props?: EndpointMetricOptions): cloudwatch.IMetric {
    return this.combined(INVOCATION_NAMESPACE, 'OverheadLatency', 'Average', 'MAX', props);
  }

  public metricCPUUtilization(props?: EndpointMetricOptions): cloudwatch.IMetric {
    return this.combined(INSTANCE_NAMESPACE, 'CPUUtilization', 'Average', 'MAX', props);
  }

  public metricMemoryUtilization(props?: EndpointMetricOptions): cloudwatch.IMetric {
    return this.combined(INSTANCE_NAMESPACE, 'MemoryUtilization', 'Average', 'MAX', props);
  }

  public metricDiskUtilization(props?: EndpointMetricOptions): cloudwatch.IMetric {
    return this.combined(INSTANCE_NAMESPACE, 'DiskUtilization', 'Average', 'MAX', props);
  }

  public metricGPUUtilization(props?: EndpointMetricOptions): cloudwatch.IMetric {
    return this.combined(INSTANCE_NAMESPACE, 'GPUUtilization', 'Average', 'MAX', props);
  }

  public metricGPUMemoryUtilization(props?: EndpointMetricOptions): cloudwatch.IMetric {
    return this.combined(INSTANCE_NAMESPACE, 'GPUMemoryUtilization', 'Average', 'MAX', props);
  }

  private combined(namespace: string, metricName: string, statistic: string, combine: 'SUM' | 'MAX',
    props: EndpointMetricOptions = {}): cloudwatch.IMetric {
    const { variantName, ...options } = props;
    const one = (variant: string) => new cloudwatch.Metric({
      namespace,
      metricName,
      statistic,
      ...options,
      dimensionsMap: { EndpointName: this.endpointName, VariantName: variant, ...options.dimensionsMap },
    });
    if (variantName !== undefined) {
      return one(variantName);
    }
    const names = this.variantNames;
    if (names.length === 0) {
      throw new Error(`ModelEndpoint ${this.node.path}: ${metricName} needs a variantName, since the endpoint's variant names are unknown`);
    }
    if (names.length === 1) {
      return one(names[0]);
    }
    const usingMetrics: Record<string, cloudwatch.IMetric> = {};
    // Ids unique per metric, so that aggregates can be nested in one expression (e.g. errors / invocations).
    const idPrefix = metricName.toLowerCase().replace(/[^a-z0-9]/g, '_');
    names.forEach((name, i) => { usingMetrics[`${idPrefix}_${i}`] = one(name); });
    return new cloudwatch.MathExpression({
      expression: `${combine}([${Object.keys(usingMetrics).join(', ')}])`,
      usingMetrics,
      label: `${metricName} (${combine === 'SUM' ? 'all variants' : 'worst variant'})`,
      period: options.period,
    });
  }
}
