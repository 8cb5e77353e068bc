/**
 * The one action API Gateway's credentials role needs to call SageMaker runtime: InvokeEndpoint, on the one endpoint
 * (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_runtime_InvokeEndpoint.html; resource type `endpoint`,
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html).
 */
export const INVOKE_ENDPOINT_ACTIONS = ['sagemaker:InvokeEndpoint'];

/** What a caller of an IAM-authorized API needs (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-control-access-using-iam-policies-to-invoke-api.html). */
export const EXECUTE_API_ACTIONS = ['execute-api:Invoke'];
