import { CLOUDWATCH_GET_METRIC_ACTIONS, CLOUDWATCH_PUT_METRIC_ACTIONS, KMS_ENCRYPT_ACTIONS } from '../private/perms';

/** IAM actions of the experiments capability, in one place so that reviews see every permission we grant. */

/** Reading the variants' metrics (no resource-level permissions in IAM). */
export const GET_METRIC_ACTIONS = CLOUDWATCH_GET_METRIC_ACTIONS;
/** Publishing the decision metrics (no resource-level permissions; limited by a namespace condition). */
export const PUT_METRIC_ACTIONS = CLOUDWATCH_PUT_METRIC_ACTIONS;
/** Reading the endpoint's status and current weights, and setting its weights: on the experiment's endpoint only. */
export const ENDPOINT_WEIGHT_ACTIONS = ['sagemaker:DescribeEndpoint', 'sagemaker:UpdateEndpointWeightsAndCapacities'];
/** Publishing promotions and rollbacks: on the experiment's topic only. */
export const PUBLISH_ACTIONS = ['sns:Publish'];
/** Publishing to a KMS-encrypted topic (exact actions: SNS encrypts each message with a data key). */
export const TOPIC_KEY_ACTIONS = KMS_ENCRYPT_ACTIONS;
