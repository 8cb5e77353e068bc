import { Duration, Size, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { InferenceApiAuthorization, InferenceApiAuthorizationKind } from './authorization';
import type { InferenceApiProps } from './inference-api';
import { InferenceApiAlarmOptions, InferenceApiCors, InferenceApiThrottle } from './inference-api-options';
import { TargetingSpec } from './private-templates';
import { VariantTargetingSource } from './variant-targeting';
import * as logs from 'aws-cdk-lib/aws-logs';
import {
  InputErrors, checkArray, checkDuration, checkNumber, checkString, checkWholeNumber, describe, isToken, requireProps,
} from '../private/validation';

/** SageMaker's largest InvokeEndpoint body: 6 MB (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_runtime_InvokeEndpoint.html#API_runtime_InvokeEndpoint_RequestBody). */
export const MAX_BODY_BYTES = 6 * 1024 * 1024;
/**
 * AWS WAF's lowest rate-based limit (https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-rate-based-high-level-settings.html):
 * 10 since 2024-08-30, 100 before (https://aws.amazon.com/about-aws/whats-new/2024/08/aws-waf-rate-based-rules-lower-rate-limits/,
 * which listed a few Regions without it at launch: Hyderabad, Spain, Melbourne, Zurich, Tel Aviv, GovCloud and China).
 */
export const WAF_MIN_RATE_LIMIT = 10;
/** AWS WAF's highest rate-based limit (https://docs.aws.amazon.com/waf/latest/APIReference/API_RateBasedStatement.html). */
export const WAF_MAX_RATE_LIMIT = 2_000_000_000;
/** The evaluation windows AWS WAF accepts, in seconds. */
export const WAF_WINDOWS = [60, 120, 300, 600];

/**
 * The request content types the API accepts: text only. The inference method has a mapping template per content type (it sets the
 * inference id and checks the target variant), and API Gateway passes a binary body unchanged only through passthrough, without a
 * template; a template sees a binary body only as base64 text (CONVERT_TO_TEXT), and CONVERT_TO_BINARY takes no template
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-payload-encodings-workflow.html). Without
 * binaryMediaTypes, API Gateway hands every body to the integration as a UTF-8 string (that page's first row: text data, any
 * content type, binaryMediaTypes and contentHandling undefined: a UTF8-encoded string), which keeps text intact and corrupts
 * bytes that are not UTF-8.
 */
const TEXT_MEDIA_TYPE = /^(text\/[a-z0-9!#$&^_.+-]+|application\/(json|jsonlines|x-jsonlines|x-ndjson|xml|[a-z0-9!#$&^_.-]+\+(json|xml)))$/;
const TEXT_MEDIA_TYPES_ALLOWED = 'text/*, application/json, application/jsonlines, application/x-jsonlines, application/x-ndjson, '
  + 'application/xml, application/*+json or application/*+xml';

/** The props of an InferenceApi with defaults applied, once checked. */
export interface ResolvedApiProps {
  readonly restApiName: string;
  readonly stageName: string;
  readonly authorization: InferenceApiAuthorization;
  readonly authorizationKind: InferenceApiAuthorizationKind;
  readonly throttle: InferenceApiThrottle;
  readonly methodThrottle?: InferenceApiThrottle;
  readonly contentTypes: string[];
  readonly maxBodyBytes: number;
  readonly waf?: { rateLimit: number; evaluationWindowSeconds: number };
  readonly cors?: InferenceApiCors;
  readonly targeting?: TargetingSpec;
  readonly retention: logs.RetentionDays;
  readonly alarms: InferenceApiAlarmOptions;
}

const DEFAULT_THROTTLE: InferenceApiThrottle = { rateLimit: 100, burstLimit: 200 };

/**
 * Checks an InferenceApi's props and applies the defaults; throws once with every problem, naming the construct path, the prop,
 * the value and what is allowed. Tokens are let through.
 */
export function resolveApiProps(scope: Construct, props: InferenceApiProps): ResolvedApiProps {
  requireProps(scope, 'InferenceApi', props, { endpoint: 'an IModelEndpoint (a ModelEndpoint, or one imported with fromEndpointName)' },
    { usagePlans: 'a list of usage plans' });
  const errors = new InputErrors(scope, 'InferenceApi');
  const endpoint = props.endpoint;
  const restApiName = props.restApiName ?? `${endpoint.endpointName}-inference`;
  checkString(errors, 'restApiName', props.restApiName, 'a string');
  const stageName = props.stageName ?? 'v1';
  if (!isToken(stageName)) {
    // Stage names: letters, digits, hyphens and underscores, up to 128 (https://docs.aws.amazon.com/apigateway/latest/api/API_CreateStage.html).
    errors.check(typeof stageName === 'string' && /^[A-Za-z0-9_-]{1,128}$/.test(stageName), 'stageName', stageName,
      'up to 128 letters, digits, hyphens and underscores');
  }

  const authorization = props.authorization ?? InferenceApiAuthorization.iam();
  checkAuthorization(errors, authorization);

  const throttle = props.throttle ?? DEFAULT_THROTTLE;
  checkThrottle(errors, 'throttle', throttle);
  if (props.methodThrottle) {
    checkThrottle(errors, 'methodThrottle', props.methodThrottle);
    const { rateLimit, burstLimit } = props.methodThrottle;
    if (!isToken(rateLimit) && !isToken(throttle.rateLimit) && rateLimit > throttle.rateLimit) {
      errors.add('methodThrottle.rateLimit', rateLimit, `at most the stage's rateLimit (${throttle.rateLimit})`);
    }
    if (!isToken(burstLimit) && !isToken(throttle.burstLimit) && burstLimit > throttle.burstLimit) {
      errors.add('methodThrottle.burstLimit', burstLimit, `at most the stage's burstLimit (${throttle.burstLimit})`);
    }
  }
  checkUsagePlans(errors, props);

  const contentTypes = props.request?.contentTypes ?? ['application/json'];
  if (checkArray(errors, 'request.contentTypes', contentTypes, 'a list of content types')) {
    errors.check(contentTypes.length > 0, 'request.contentTypes', contentTypes, 'at least one content type');
    for (const t of contentTypes) {
      if (!isToken(t)) {
        if (typeof t !== 'string' || !/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(t)) {
          errors.add('request.contentTypes', t, 'a media type type/subtype in lower case, without parameters, e.g. \'text/csv\'');
        } else if (!TEXT_MEDIA_TYPE.test(t)) {
          errors.add('request.contentTypes', t, `a text media type (${TEXT_MEDIA_TYPES_ALLOWED}): the API passes bodies to the model as UTF-8 `
            + 'text, so a binary body (image/*, application/x-npy, application/octet-stream, ...) would reach it corrupted; send binary '
            + 'input base64-encoded inside JSON, and decode it in the model\'s input handler');
        }
      }
    }
  }
  const maxBodyBytes = checkBodySize(errors, props);

  const waf = props.waf && checkWaf(errors, props);
  if (props.request?.maxBodySize !== undefined && !props.waf && maxBodyBytes < MAX_BODY_BYTES) {
    errors.add('request.maxBodySize', props.request.maxBodySize.toBytes(),
      'left at 6 MB without waf: API Gateway cannot limit a body size itself, the web ACL\'s Content-Length rule does');
  }
  const cors = props.cors && checkCors(errors, props.cors, props.variantTargeting?.source === VariantTargetingSource.HEADER
    ? props.variantTargeting.name : undefined);
  const targeting = checkTargeting(errors, props, authorization);
  errors.throwIfAny();
  return {
    restApiName, stageName, authorization, authorizationKind: authorization.kind, throttle, methodThrottle: props.methodThrottle,
    contentTypes, maxBodyBytes, waf, cors, targeting,
    retention: props.accessLogs?.retention ?? logs.RetentionDays.ONE_YEAR,
    alarms: props.alarms ?? {},
  };
}

function checkAuthorization(errors: InputErrors, auth: InferenceApiAuthorization): void {
  if (auth.kind === InferenceApiAuthorizationKind.COGNITO) {
    const pools = auth.cognitoOptions?.userPools;
    if (checkArray(errors, 'authorization.userPools', pools, 'a list of at least one Cognito user pool')) {
      errors.check(pools.length > 0, 'authorization.userPools', pools, 'at least one Cognito user pool (a Cognito authorizer needs a pool)');
    }
  }
  if (auth.kind === InferenceApiAuthorizationKind.LAMBDA) {
    const o = auth.lambdaOptions;
    errors.check(o?.handler !== undefined && o.handler !== null, 'authorization.handler', o?.handler, 'a lambda.IFunction');
    const headers = o?.identityHeaders;
    if (headers !== undefined && checkArray(errors, 'authorization.identityHeaders', headers, 'a list of header names')) {
      errors.check(headers.length > 0, 'authorization.identityHeaders', headers, 'at least one header name');
    }
  }
  const ttl = auth.cognitoOptions?.resultsCacheTtl ?? auth.lambdaOptions?.resultsCacheTtl;
  // API Gateway caches authorizer results for 0 to 3600 s (https://docs.aws.amazon.com/apigateway/latest/api/API_CreateAuthorizer.html).
  checkDuration(errors, 'authorization.resultsCacheTtl', ttl, { unit: 'seconds', min: 0, max: 3600 });
}

function checkThrottle(errors: InputErrors, prop: string, t: InferenceApiThrottle): void {
  // Rate: requests per second, a double; burst: the bucket's size, an integer
  // (https://docs.aws.amazon.com/apigateway/latest/api/API_ThrottleSettings.html).
  const rateOk = checkNumber(errors, `${prop}.rateLimit`, t.rateLimit, { min: 0, minExclusive: true, allowed: 'a number of requests per second > 0' });
  const burstOk = checkWholeNumber(errors, `${prop}.burstLimit`, t.burstLimit, { min: 1 });
  if (rateOk && burstOk && t.burstLimit < t.rateLimit) {
    errors.add(`${prop}.burstLimit`, t.burstLimit, `at least rateLimit (${t.rateLimit}): the bucket must hold one second of requests`);
  }
}

function checkUsagePlans(errors: InputErrors, props: InferenceApiProps): void {
  const plans = props.usagePlans;
  if (!Array.isArray(plans)) {
    return;
  }
  errors.check(plans.length > 0, 'usagePlans', plans, 'at least one usage plan, or no usagePlans');
  const ids = new Set<string>();
  plans.forEach((plan, i) => {
    const at = `usagePlans[${i}]`;
    if (checkString(errors, `${at}.id`, plan.id, 'a construct id', true)) {
      errors.check(!ids.has(plan.id), `${at}.id`, plan.id, 'unique among the usage plans');
      ids.add(plan.id);
    }
    if (checkArray(errors, `${at}.apiKeys`, plan.apiKeys, 'a list of at least one API key')) {
      errors.check(plan.apiKeys.length > 0, `${at}.apiKeys`, plan.apiKeys, 'at least one API key (a usage plan without keys throttles no one)');
    }
    if (plan.throttle) {
      checkThrottle(errors, `${at}.throttle`, plan.throttle);
    }
    if (plan.quota) {
      checkWholeNumber(errors, `${at}.quota.limit`, plan.quota.limit, { min: 1 });
    }
  });
}

function checkBodySize(errors: InputErrors, props: InferenceApiProps): number {
  const size = props.request?.maxBodySize;
  if (size === undefined) {
    return MAX_BODY_BYTES;
  }
  // By shape, so that a second copy of aws-cdk-lib does not break it.
  if (typeof size !== 'object' || size === null || typeof (size as Size).toBytes !== 'function') {
    errors.add('request.maxBodySize', size, 'a Size, e.g. Size.mebibytes(1)');
    return MAX_BODY_BYTES;
  }
  if (size.isUnresolved()) {
    return MAX_BODY_BYTES;
  }
  const bytes = size.toBytes();
  errors.check(Number.isInteger(bytes) && bytes >= 1 && bytes <= MAX_BODY_BYTES, 'request.maxBodySize', `${bytes} bytes`,
    `from 1 byte to SageMaker's InvokeEndpoint limit of 6 MB (${MAX_BODY_BYTES} bytes)`);
  return bytes >= 1 && bytes <= MAX_BODY_BYTES ? bytes : MAX_BODY_BYTES;
}

function checkWaf(errors: InputErrors, props: InferenceApiProps): { rateLimit: number; evaluationWindowSeconds: number } {
  const rateLimit = props.waf?.rateLimit ?? 2000;
  checkWholeNumber(errors, 'waf.rateLimit', rateLimit, {
    min: WAF_MIN_RATE_LIMIT, max: WAF_MAX_RATE_LIMIT, allowed: `a whole number from AWS WAF's minimum of ${WAF_MIN_RATE_LIMIT} to ${WAF_MAX_RATE_LIMIT}`,
  });
  const window = props.waf?.evaluationWindow ?? Duration.minutes(5);
  const seconds = checkDuration(errors, 'waf.evaluationWindow', window, { unit: 'seconds', allowed: '1, 2, 5 or 10 minutes' });
  if (seconds !== undefined && !WAF_WINDOWS.includes(seconds)) {
    errors.add('waf.evaluationWindow', window, '1, 2, 5 or 10 minutes');
  }
  return { rateLimit, evaluationWindowSeconds: seconds ?? 300 };
}

function checkCors(errors: InputErrors, cors: InferenceApiCors, targetingHeader: string | undefined): InferenceApiCors {
  const origin = cors.allowOrigin;
  if (!isToken(origin)) {
    errors.check(typeof origin === 'string' && (origin === '*' || /^https?:\/\/[^\s/'",]+$/.test(origin)), 'cors.allowOrigin', origin,
      "one origin such as 'https://app.example.com' (scheme and host, no path), or '*'");
  }
  const headers = cors.allowHeaders ?? ['Content-Type', 'Authorization', 'X-Amz-Date', 'X-Amz-Security-Token', 'X-Api-Key', 'X-Inference-Id',
    'X-Custom-Attributes', ...(targetingHeader ? [targetingHeader] : [])];
  return { allowOrigin: origin, allowHeaders: headers, maxAge: cors.maxAge ?? Duration.minutes(10) };
}

function checkTargeting(errors: InputErrors, props: InferenceApiProps, auth: InferenceApiAuthorization): TargetingSpec | undefined {
  const t = props.variantTargeting;
  if (t === undefined || t.source === VariantTargetingSource.NONE) {
    return undefined;
  }
  const name = t.name;
  const endpointVariants = props.endpoint.variantNames ?? [];
  let expression = '';
  if (t.source === VariantTargetingSource.HEADER) {
    if (checkString(errors, 'variantTargeting.headerName', name, 'a header name', true) && !isToken(name)) {
      errors.check(/^[A-Za-z0-9-]{1,128}$/.test(name) && !/^x-amzn-/i.test(name), 'variantTargeting.headerName', name,
        'a header name of letters, digits and hyphens, not starting with X-Amzn- (reserved by API Gateway)');
    }
    expression = `$input.params().header.get('${name}')`;
  } else {
    if (checkString(errors, 'variantTargeting.key', name, 'a key of the Lambda authorizer\'s context', true) && !isToken(name)) {
      errors.check(/^[A-Za-z][A-Za-z0-9_]{0,127}$/.test(name), 'variantTargeting.key', name, 'a context key of letters, digits and underscores');
    }
    errors.check(auth.kind === InferenceApiAuthorizationKind.LAMBDA, 'variantTargeting', 'fromAuthorizerContext',
      'used with InferenceApiAuthorization.lambdaAuthorizer(): only a Lambda authorizer returns a context');
    expression = `$context.authorizer.${name}`;
  }
  const allowed = t.variantNames ?? endpointVariants;
  if (checkArray(errors, 'variantTargeting.variantNames', allowed, 'a list of variant names')) {
    errors.check(allowed.length > 0, 'variantTargeting.variantNames', allowed,
      'at least one variant (the endpoint lists none: give variantNames, or import the endpoint with its variantNames)');
    for (const v of allowed) {
      if (isToken(v)) {
        errors.add('variantTargeting.variantNames', v, 'variant names known at synth (they are written into the mapping template)');
      } else if (!endpointVariants.includes(v)) {
        errors.add('variantTargeting.variantNames', v, `a production variant of endpoint ${describe(props.endpoint.endpointName)} `
          + `(${endpointVariants.length ? endpointVariants.map((x) => `'${x}'`).join(', ') : 'it lists none'})`);
      }
    }
  }
  return { expression, allowed: allowed.filter((v) => !Token.isUnresolved(v)) };
}
