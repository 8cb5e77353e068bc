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

// --- Inference Recommender (InferenceRecommendation) -------------------------------------------------------------------------------
// Sources: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html (the
// inference-recommendations-job resource of Create/Describe/StopInferenceRecommendationsJob; model, endpoint-config and endpoint
// resources), https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateInferenceRecommendationsJob.html (RoleArn: "an IAM
// role that enables Amazon SageMaker to perform tasks on your behalf"; resources it defines are prefixed with the job name).

/** What the state machine does with its jobs. */
export const RECOMMENDATION_JOB_ACTIONS = [
  'sagemaker:CreateInferenceRecommendationsJob',
  'sagemaker:DescribeInferenceRecommendationsJob',
  'sagemaker:StopInferenceRecommendationsJob',
];
/** Reading the model package a job benchmarks (the state machine, when it creates the job; the job role, when it runs). */
export const DESCRIBE_MODEL_PACKAGE_ACTIONS = ['sagemaker:DescribeModelPackage'];
/** Handing the job role to Inference Recommender (RoleArn), and by the job role to the models it defines. */
export const PASS_ROLE_ACTIONS = ['iam:PassRole'];
/** The recommendations, written by the state machine. */
export const WRITE_RECOMMENDATIONS_ACTIONS = S3_WRITE_OBJECT_ACTIONS;
/** Publishing to an SNS topic, and its key when the topic is encrypted (exact actions, not grantPublish's kms:GenerateDataKey*). */
export const PUBLISH_ACTIONS = ['sns:Publish'];
export const TOPIC_KEY_ACTIONS = ['kms:Decrypt', 'kms:GenerateDataKey'];

/**
 * What the job role does on Inference Recommender's behalf with the models, endpoint configurations and endpoints it defines, one per
 * instance type under test, named after the job (so limited to `<job name prefix>-*`): define, follow, send the load, delete.
 */
export const BENCHMARK_MODEL_ACTIONS = ['sagemaker:CreateModel', 'sagemaker:DescribeModel', 'sagemaker:DeleteModel'];
export const BENCHMARK_ENDPOINT_CONFIG_ACTIONS = ['sagemaker:CreateEndpointConfig', 'sagemaker:DescribeEndpointConfig', 'sagemaker:DeleteEndpointConfig'];
export const BENCHMARK_ENDPOINT_ACTIONS = ['sagemaker:CreateEndpoint', 'sagemaker:DescribeEndpoint', 'sagemaker:DeleteEndpoint', 'sagemaker:InvokeEndpoint'];
/** The metrics Inference Recommender reads of the endpoints under test (no resource-level permissions). */
export const READ_METRICS_ACTIONS = ['cloudwatch:GetMetricData'];
/** The job's metrics, in its namespace (condition cloudwatch:namespace). */
export const JOB_METRICS_NAMESPACE = '/aws/sagemaker/InferenceRecommendationsJobs';
export const PUT_JOB_METRICS_ACTIONS = CLOUDWATCH_PUT_METRIC_ACTIONS;
/** The logs of the job and of the endpoints under test (https://docs.aws.amazon.com/sagemaker/latest/dg/logging-cloudwatch.html). */
export const JOB_LOG_GROUP = '/aws/sagemaker/InferenceRecommendationsJobs';
export const ENDPOINT_LOG_GROUP = '/aws/sagemaker/Endpoints';
export const LOG_GROUP_ACTIONS = ['logs:CreateLogGroup', 'logs:DescribeLogStreams'];
export const LOG_STREAM_ACTIONS = ['logs:CreateLogStream', 'logs:PutLogEvents'];
/** Pulling the package's image: the token (no resource-level permissions) and the layers of its repository (ecr.IRepository.grantPull). */
export const ECR_TOKEN_ACTIONS = ['ecr:GetAuthorizationToken'];
