import { Duration } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import { Construct, IConstruct } from 'constructs';
import { VariantAutoScaling, VariantOptions } from './variant';

/**
 * Target tracking of invocations per instance on one production variant: a scalable target on the variant's
 * DesiredInstanceCount and its policy. `id` is the construct id of the pair (the variant name when literal: it is API).
 * See https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-auto-scaling-add-code-define.html
 */
export class VariantScalableInstanceCount extends Construct {
  /** The scalable target. */
  public readonly target: appscaling.CfnScalableTarget;
  /** The target-tracking policy. */
  public readonly policy: appscaling.CfnScalingPolicy;

  constructor(scope: Construct, id: string, endpointName: string, endpoint: IConstruct, variant: VariantOptions, a: VariantAutoScaling) {
    super(scope, id);
    this.target = new appscaling.CfnScalableTarget(this, 'Target', {
      serviceNamespace: 'sagemaker',
      resourceId: `endpoint/${endpointName}/variant/${variant.name}`,
      scalableDimension: 'sagemaker:variant:DesiredInstanceCount',
      minCapacity: a.minCapacity ?? variant.instanceCount ?? 1,
      maxCapacity: a.maxCapacity,
    });
    // The variant exists only once the endpoint does.
    this.target.node.addDependency(endpoint);
    this.policy = new appscaling.CfnScalingPolicy(this, 'Invocations', {
      policyName: `${variant.name}-invocations-per-instance`,
      policyType: 'TargetTrackingScaling',
      scalingTargetId: this.target.ref,
      targetTrackingScalingPolicyConfiguration: {
        targetValue: a.targetInvocationsPerInstance,
        predefinedMetricSpecification: { predefinedMetricType: 'SageMakerVariantInvocationsPerInstance' },
        scaleInCooldown: (a.scaleInCooldown ?? Duration.minutes(5)).toSeconds(),
        scaleOutCooldown: (a.scaleOutCooldown ?? Duration.minutes(1)).toSeconds(),
      },
    });
  }
}
