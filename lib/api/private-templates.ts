import * as apigateway from 'aws-cdk-lib/aws-apigateway';

/*
 * The mapping templates (VTL) and response mappings of the inference method. SageMaker runtime's InvokeEndpoint answers
 * ValidationError 400, ModelError 424, ModelNotReadyException 429, InternalFailure 500, ServiceUnavailable 503 and
 * InternalDependencyException 530, and throttles with ThrottlingException 400
 * (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_runtime_InvokeEndpoint.html#API_runtime_InvokeEndpoint_Errors,
 * https://docs.aws.amazon.com/sagemaker/latest/APIReference/CommonErrors.html). For AWS integrations, an integration response's
 * selection pattern is matched against the back end's HTTP status code
 * (https://docs.aws.amazon.com/apigateway/latest/api/API_IntegrationResponse.html). SageMaker's messages name the endpoint's
 * account, its log stream ARN and the container's own message (which can hold a stack trace), so no error body passes through:
 * each is replaced by a JSON body with an error code, a fixed message and the request id.
 */

/** The header a client sends its own inference id in (for model-quality joins); SageMaker receives it as InferenceId. */
export const INFERENCE_ID_HEADER = 'X-Inference-Id';
/** The header a client sends custom attributes in; SageMaker receives them as CustomAttributes. */
export const CUSTOM_ATTRIBUTES_HEADER = 'X-Custom-Attributes';
/** The header the API answers the production variant that served the request in. */
export const INVOKED_VARIANT_HEADER = 'X-Invoked-Variant';

/** A name that no production variant can have (variant names match `^[a-zA-Z0-9](-*[a-zA-Z0-9])*`): SageMaker rejects it. */
const NO_SUCH_VARIANT = '-not-allowed';

/** Where the target variant of a request comes from, for the request template. */
export interface TargetingSpec {
  /** `$input.params().header.get('<name>')` or `$context.authorizer.<key>`. */
  readonly expression: string;
  /** The variants a request may target. */
  readonly allowed: string[];
}

/**
 * The request template of one content type: the body passes unchanged; the inference id is the client's or API Gateway's
 * request id; the target variant, when targeting is on, is checked against the allowed list. Headers are set with request
 * overrides (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-override-request-response-parameters.html).
 * `$input.body` is the body as text: a template never sees binary bytes (a binary body reaches a template only as base64, with
 * CONVERT_TO_TEXT: https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-payload-encodings-workflow.html), so
 * the API takes text content types only (private-checks.ts) and sets no binaryMediaTypes or contentHandling.
 */
export function requestTemplate(targeting: TargetingSpec | undefined): string {
  const lines = [
    `#set($inferenceId = $input.params().header.get('${INFERENCE_ID_HEADER}'))`,
    '#if("$!inferenceId" == "")#set($inferenceId = $context.requestId)#end',
    '#set($context.requestOverride.header.X-Amzn-SageMaker-Inference-Id = $inferenceId)',
    `#set($customAttributes = $input.params().header.get('${CUSTOM_ATTRIBUTES_HEADER}'))`,
    '#if("$!customAttributes" != "")#set($context.requestOverride.header.X-Amzn-SageMaker-Custom-Attributes = $customAttributes)#end',
  ];
  if (targeting) {
    lines.push(
      `#set($variant = ${targeting.expression})`,
      `#set($allowedVariants = [${targeting.allowed.map((v) => `'${v}'`).join(', ')}])`,
      '#if("$!variant" != "")',
      '#if($allowedVariants.contains($variant))',
      '#set($context.requestOverride.header.X-Amzn-SageMaker-Target-Variant = $variant)',
      '#else',
      `#set($context.requestOverride.header.X-Amzn-SageMaker-Target-Variant = '${NO_SUCH_VARIANT}')`,
      '#end',
      '#end',
    );
  }
  lines.push('$input.body');
  return lines.join('\n');
}

function errorBody(error: string, message: string, extra = ''): string {
  return `{"error":"${error}","message":"${message}"${extra},"requestId":"$context.requestId"}`;
}

/** One mapped error: the back end's status codes, the method's status, and its template. */
interface ErrorMapping {
  readonly selectionPattern: string;
  readonly statusCode: string;
  readonly template: string;
}

const ERROR_MAPPINGS: ErrorMapping[] = [
  {
    // ValidationError, or ThrottlingException (both 400): told apart by the message.
    selectionPattern: '400',
    statusCode: '400',
    template: [
      // The method is called on a reference, not on a string literal (which Velocity's grammar may not accept).
      '#set($rawMessage = "$!input.path(\'$.message\')$!input.path(\'$.Message\')")',
      '#set($message = $rawMessage.toLowerCase())',
      '#if($message.contains("throttl") || $message.contains("rate exceeded"))',
      '#set($context.responseOverride.status = 429)',
      errorBody('Throttled', 'The model endpoint is throttling requests: retry with exponential backoff.'),
      '#else',
      errorBody('InvalidRequest', 'The model endpoint rejected the request: check its content type, its body (at most 6 MB) and its target variant.'),
      '#end',
    ].join('\n'),
  },
  {
    // ModelError: the container answered an error; a 4XX of the container is the client's input, a 5XX is the model's failure.
    selectionPattern: '424',
    statusCode: '502',
    template: [
      '#set($modelStatus = "$!input.path(\'$.OriginalStatusCode\')")',
      // A container that answers 429 is overloaded: the client should back off and retry, not change its input.
      '#if($modelStatus == "429")',
      '#set($context.responseOverride.status = 429)',
      errorBody('ModelThrottled', 'The model is overloaded: retry with exponential backoff.', ',"modelStatusCode":429'),
      '#elseif($modelStatus.matches("4[0-9][0-9]"))',
      '#set($context.responseOverride.status = 400)',
      errorBody('ModelRejectedInput', 'The model rejected the input.', ',"modelStatusCode":$modelStatus'),
      '#else',
      errorBody('ModelError', 'The model failed to process the request.', '#if($modelStatus.matches("[0-9]+")),"modelStatusCode":$modelStatus#end'),
      '#end',
    ].join('\n'),
  },
  {
    // ModelNotReadyException: a serverless variant is still being provisioned.
    selectionPattern: '429',
    statusCode: '503',
    template: errorBody('ModelNotReady', 'The model is not ready yet: retry in a few seconds.'),
  },
  {
    selectionPattern: '503',
    statusCode: '503',
    template: errorBody('ServiceUnavailable', 'The model endpoint is unavailable: retry with exponential backoff.'),
  },
  {
    // InternalFailure (500), InternalDependencyException (530) and any other 5XX but 503.
    selectionPattern: '5(0[0-24-9]|[1-9][0-9])',
    statusCode: '502',
    template: errorBody('EndpointError', 'The model endpoint failed to answer.'),
  },
  {
    // A body too large for SageMaker (at most 6 MB): not among InvokeEndpoint's documented errors, but the HTTP status of a
    // body over a service's limit; the client can act on it, so it is not folded into IntegrationError.
    selectionPattern: '413',
    statusCode: '413',
    template: errorBody('PayloadTooLarge', 'The request body is larger than the model endpoint accepts (6 MB).'),
  },
  {
    // Any other 4XX (e.g. the integration's role denied): the API's fault, not the client's.
    selectionPattern: '4(0[1-9]|1[0-24-9]|2[0-35-8]|[3-9][0-9])',
    statusCode: '500',
    template: errorBody('IntegrationError', 'The API could not call the model endpoint.'),
  },
];

/** The method's status codes: success, and every status an error mapping or override can answer. */
export const METHOD_STATUS_CODES = ['200', '400', '413', '429', '500', '502', '503'];

/** The integration responses: success passes the model's answer through, errors get JSON bodies. */
export function integrationResponses(corsOrigin: string | undefined): apigateway.IntegrationResponse[] {
  const cors: Record<string, string> = corsOrigin === undefined ? {} : { 'method.response.header.Access-Control-Allow-Origin': `'${corsOrigin}'` };
  const json = { 'method.response.header.Content-Type': "'application/json'", ...cors };
  return [
    {
      statusCode: '200',
      responseParameters: {
        'method.response.header.Content-Type': 'integration.response.header.Content-Type',
        [`method.response.header.${INVOKED_VARIANT_HEADER}`]: 'integration.response.header.X-Amzn-Invoked-Production-Variant',
        [`method.response.header.${CUSTOM_ATTRIBUTES_HEADER}`]: 'integration.response.header.X-Amzn-SageMaker-Custom-Attributes',
        ...cors,
      },
    },
    ...ERROR_MAPPINGS.map((m) => ({
      selectionPattern: m.selectionPattern,
      statusCode: m.statusCode,
      responseParameters: json,
      responseTemplates: { 'application/json': m.template },
    })),
  ];
}

/** The method responses that the integration responses and overrides answer. */
export function methodResponses(cors: boolean): apigateway.MethodResponse[] {
  const corsHeader: Record<string, boolean> = cors ? { 'method.response.header.Access-Control-Allow-Origin': true } : {};
  return METHOD_STATUS_CODES.map((statusCode) => ({
    statusCode,
    responseParameters: statusCode === '200'
      ? {
        'method.response.header.Content-Type': true,
        [`method.response.header.${INVOKED_VARIANT_HEADER}`]: true,
        [`method.response.header.${CUSTOM_ATTRIBUTES_HEADER}`]: true,
        ...corsHeader,
      }
      : { 'method.response.header.Content-Type': true, ...corsHeader },
  }));
}

/**
 * The body of API Gateway's own errors (throttled, unauthorized, unsupported media type, WAF blocked, timeouts): its error
 * type, its message, and the request id (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-gatewayResponse-definition.html).
 */
export const GATEWAY_RESPONSE_TEMPLATE = '{"error":"$context.error.responseType","message":$context.error.messageString,"requestId":"$context.requestId"}';

/**
 * The access log line: one JSON object per request
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-variables-for-access-logging.html).
 */
export const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  extendedRequestId: '$context.extendedRequestId',
  requestTime: '$context.requestTime',
  httpMethod: '$context.httpMethod',
  resourcePath: '$context.resourcePath',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationStatus: '$context.integration.status',
  integrationLatency: '$context.integration.latency',
  errorType: '$context.error.responseType',
  errorMessage: '$context.error.message',
  sourceIp: '$context.identity.sourceIp',
  caller: '$context.identity.caller',
  userArn: '$context.identity.userArn',
  principalId: '$context.authorizer.principalId',
  apiKeyId: '$context.identity.apiKeyId',
  wafStatus: '$context.waf.status',
  tlsVersion: '$context.tlsVersion',
  xrayTraceId: '$context.xrayTraceId',
});
