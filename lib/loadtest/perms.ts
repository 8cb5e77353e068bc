/**
 * IAM actions of the load-test capability, in one place so that reviews see every permission it grants.
 *
 * Sources: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html (InvokeEndpoint and
 * DescribeEndpoint on the endpoint resource), https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsapplicationautoscaling.html
 * (DescribeScalingActivities has no resource types: `*`), https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html.
 */
import { CLOUDWATCH_PUT_METRIC_ACTIONS, S3_WRITE_OBJECT_ACTIONS } from '../private/perms';

/** What a worker sends (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_runtime_InvokeEndpoint.html). */
export const INVOKE_ENDPOINT_ACTIONS = ['sagemaker:InvokeEndpoint'];
/** The instance count of each variant, before and after a phase. */
export const DESCRIBE_ENDPOINT_ACTIONS = ['sagemaker:DescribeEndpoint'];
/** The scale-out activities of a variant during a phase. */
export const DESCRIBE_SCALING_ACTIVITIES_ACTIONS = ['application-autoscaling:DescribeScalingActivities'];
/** The run's report, written by the state machine. */
export const WRITE_REPORT_ACTIONS = S3_WRITE_OBJECT_ACTIONS;
/** The phase metrics, published by the aggregation (namespace condition). */
export const PUT_METRIC_ACTIONS = CLOUDWATCH_PUT_METRIC_ACTIONS;
