import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct, IConstruct } from 'constructs';
import { InferenceApiAuthorization, InferenceApiAuthorizationKind } from './authorization';
import {
  InferenceApiAccessLogOptions, InferenceApiAlarmOptions, InferenceApiCors, InferenceApiPrivateAccess, InferenceApiRequestOptions,
  InferenceApiThrottle, InferenceApiUsagePlan, InferenceApiWafOptions,
} from './inference-api-options';
import { EXECUTE_API_ACTIONS, INVOKE_ENDPOINT_ACTIONS } from './perms';
import { defineApiAlarms } from './private-alarms';
import { ResolvedApiProps, resolveApiProps } from './private-checks';
import {
  ACCESS_LOG_FORMAT, CUSTOM_ATTRIBUTES_HEADER, GATEWAY_RESPONSE_TEMPLATE, INFERENCE_ID_HEADER, integrationResponses, methodResponses,
  requestTemplate,
} from './private-templates';
import { defineWebAcl } from './private-waf';
import { VariantTargeting, VariantTargetingSource } from './variant-targeting';
import { IAlertTopics } from '../monitoring';
import { denyGrantsNotForAwsResources } from '../private/kms';
import { acknowledgeInlinePolicy, acknowledgeSharedRule } from '../private/nag';
import { IModelEndpoint } from '../serving';

/** An inference API, defined here or elsewhere: what dashboards and alarms need. */
export interface IInferenceApi extends IConstruct {
  /** The REST API's id. @attribute */
  readonly restApiId: string;
  /** The REST API's name (the `ApiName` dimension of its metrics). */
  readonly restApiName: string;
  /** The stage clients call. */
  readonly stageName: string;
  /** The name of the endpoint the API invokes. */
  readonly endpointName: string;

  /** Any metric of the API's stage in the AWS/ApiGateway namespace. */
  metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Requests received. */
  metricRequests(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Requests answered with a 4XX error (average: the share of requests). */
  metricClientErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Requests answered with a 5XX error (average: the share of requests). */
  metricServerErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Time from receiving a request to answering it, in milliseconds. */
  metricLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Time the endpoint took to answer, in milliseconds. */
  metricIntegrationLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
}

/** Properties of `InferenceApi`. */
export interface InferenceApiProps {
  /** The endpoint the API invokes. */
  readonly endpoint: IModelEndpoint;

  /**
   * The REST API's name.
   *
   * @default - `<endpoint name>-inference`
   */
  readonly restApiName?: string;

  /**
   * The stage's name (the first segment of the URL path).
   *
   * @default 'v1'
   */
  readonly stageName?: string;

  /**
   * Who may call the API.
   *
   * @default InferenceApiAuthorization.iam() - SigV4-signed requests of principals allowed execute-api:Invoke
   */
  readonly authorization?: InferenceApiAuthorization;

  /**
   * Usage plans with API keys: when given, every request needs an API key (`x-api-key`) of one of the plans, in addition to
   * the authorization.
   *
   * @default - no API keys
   */
  readonly usagePlans?: InferenceApiUsagePlan[];

  /**
   * Keep the API private: a PRIVATE endpoint whose resource policy accepts requests through the given VPC endpoints only.
   *
   * @default - a REGIONAL endpoint, reachable from the internet (still authorized)
   */
  readonly privateAccess?: InferenceApiPrivateAccess;

  /**
   * The stage's throttle, for all clients together.
   *
   * @default - 100 requests per second, bursts of 200
   */
  readonly throttle?: InferenceApiThrottle;

  /**
   * The throttle of the inference method (POST /invocations), at most the stage's.
   *
   * @default - the stage's throttle
   */
  readonly methodThrottle?: InferenceApiThrottle;

  /**
   * The content types and body size requests may have.
   *
   * @default - application/json, up to 6 MB
   */
  readonly request?: InferenceApiRequestOptions;

  /**
   * An AWS WAF web ACL in front of the stage: a rate limit per client IP, a body-size limit and the AWS managed common rule set.
   *
   * @default - no web ACL
   */
  readonly waf?: InferenceApiWafOptions;

  /**
   * CORS for browser clients.
   *
   * @default - no CORS: browsers on other origins cannot call the API
   */
  readonly cors?: InferenceApiCors;

  /**
   * How a request picks its variant.
   *
   * @default VariantTargeting.none() - SageMaker routes by weight
   */
  readonly variantTargeting?: VariantTargeting;

  /**
   * The access logs (JSON, one line per request).
   *
   * @default - kept 1 year, encrypted with a key defined here
   */
  readonly accessLogs?: InferenceApiAccessLogOptions;

  /**
   * AWS X-Ray tracing of the stage.
   *
   * @default true
   */
  readonly tracing?: boolean;

  /**
   * Define the account's API Gateway CloudWatch role (`AWS::ApiGateway::Account`), which access and execution logs need. It is
   * one setting per account and Region: define it in one stack only, or set it once outside CloudFormation.
   *
   * @default false - the account already has it
   */
  readonly cloudWatchRole?: boolean;

  /**
   * Where the API's alarms notify, by severity.
   *
   * @default - the alarms have no actions
   */
  readonly alerts?: IAlertTopics;

  /**
   * The tuning of the API's alarms.
   *
   * @default - 5XX rate 1% (critical), 4XX rate 10% (warning), p99 latency 2 s (warning)
   */
  readonly alarms?: InferenceApiAlarmOptions;
}

/**
 * An API Gateway REST API in front of a SageMaker endpoint: `POST /<stage>/invocations` calls SageMaker runtime InvokeEndpoint
 * through an AWS service integration (no Lambda in the path), with a role allowed only that call on that endpoint. IAM (SigV4)
 * authorization by default, throttling, request validation, JSON errors, JSON access logs encrypted with KMS, alarms.
 *
 * @example
 * const api = new InferenceApi(this, 'Api', { endpoint });
 * api.grantInvoke(clientRole);
 */
export class InferenceApi extends Construct implements IInferenceApi {
  /** The REST API. */
  public readonly restApi: apigateway.RestApi;
  /** The inference method (POST /invocations). */
  public readonly method: apigateway.Method;
  /** The role API Gateway assumes to call InvokeEndpoint. */
  public readonly integrationRole: iam.Role;
  /** The access log group. */
  public readonly accessLogGroup: logs.LogGroup;
  /** The execution log group (errors only), defined so that it has a retention and a key. */
  public readonly executionLogGroup: logs.LogGroup;
  /** The key of the log groups. */
  public readonly logsKey: kms.IKey;
  /** The web ACL, if `waf` was given. */
  public readonly webAcl?: wafv2.CfnWebACL;
  /** The usage plans, in the order given. */
  public readonly usagePlans: apigateway.UsagePlan[] = [];
  /** The alarms, in definition order. */
  public readonly alarms: cloudwatch.Alarm[];

  public readonly restApiId: string;
  public readonly restApiName: string;
  public readonly stageName: string;
  public readonly endpointName: string;
  /** The URL of the inference method, e.g. `https://<id>.execute-api.<region>.amazonaws.com/v1/invocations`. */
  public readonly invocationsUrl: string;

  constructor(scope: Construct, id: string, props: InferenceApiProps) {
    super(scope, id);
    const r = resolveApiProps(this, props);
    const endpoint = props.endpoint;
    this.endpointName = endpoint.endpointName;
    this.stageName = r.stageName;
    this.restApiName = r.restApiName;

    this.logsKey = props.accessLogs?.encryptionKey ?? new kms.Key(this, 'LogsKey', {
      description: `Encrypts the logs of the inference API ${r.restApiName}`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', {
      logGroupName: `/aws/apigateway/${r.restApiName}/${r.stageName}/access`,
      retention: r.retention,
      encryptionKey: this.logsKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.restApi = new apigateway.RestApi(this, 'Resource', {
      restApiName: r.restApiName,
      description: `Inference API of the SageMaker endpoint ${endpoint.endpointName}`,
      cloudWatchRole: props.cloudWatchRole ?? false,
      endpointConfiguration: props.privateAccess
        ? { types: [apigateway.EndpointType.PRIVATE], vpcEndpoints: props.privateAccess.vpcEndpoints }
        : { types: [apigateway.EndpointType.REGIONAL] },
      policy: props.privateAccess ? privatePolicy(this, props.privateAccess, r.authorizationKind) : undefined,
      deployOptions: {
        stageName: r.stageName,
        tracingEnabled: props.tracing ?? true,
        accessLogDestination: new apigateway.LogGroupLogDestination(this.accessLogGroup),
        accessLogFormat: apigateway.AccessLogFormat.custom(ACCESS_LOG_FORMAT),
        throttlingRateLimit: r.throttle.rateLimit,
        throttlingBurstLimit: r.throttle.burstLimit,
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        metricsEnabled: true,
        methodOptions: r.methodThrottle
          ? { '/invocations/POST': { throttlingRateLimit: r.methodThrottle.rateLimit, throttlingBurstLimit: r.methodThrottle.burstLimit } }
          : undefined,
      },
      apiKeySourceType: props.usagePlans ? apigateway.ApiKeySourceType.HEADER : undefined,
    });
    // TLS 1.2 at least (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-security-policies.html); API
    // Gateway has no plain-HTTP listener.
    (this.restApi.node.defaultChild as apigateway.CfnRestApi).addPropertyOverride('SecurityPolicy', 'TLS_1_2');
    this.restApiId = this.restApi.restApiId;
    this.executionLogGroup = new logs.LogGroup(this, 'ExecutionLogs', {
      // The group API Gateway writes execution logs to (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html).
      logGroupName: `API-Gateway-Execution-Logs_${this.restApi.restApiId}/${r.stageName}`,
      retention: r.retention,
      encryptionKey: this.logsKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.restApi.deploymentStage.node.addDependency(this.executionLogGroup);
    // A key defined here lets CloudWatch Logs use it for these two log groups only
    // (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html); a key given is the user's to allow.
    if (props.accessLogs?.encryptionKey === undefined) {
      const stack = Stack.of(this);
      this.logsKey.addToResourcePolicy(denyGrantsNotForAwsResources());
      const groupArn = (name: string) => stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
      this.logsKey.addToResourcePolicy(new iam.PolicyStatement({
        sid: 'CloudWatchLogsOfThisApi',
        principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:DescribeKey'],
        resources: ['*'],
        conditions: {
          ArnEquals: {
            'kms:EncryptionContext:aws:logs:arn': [
              groupArn(`/aws/apigateway/${r.restApiName}/${r.stageName}/access`),
              groupArn(`API-Gateway-Execution-Logs_${this.restApi.restApiId}/${r.stageName}`),
            ],
          },
        },
      }));
    }

    this.integrationRole = new iam.Role(this, 'IntegrationRole', {
      assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      description: `Lets API Gateway invoke the SageMaker endpoint ${endpoint.endpointName}, and nothing else`,
    });
    iam.Grant.addToPrincipal({ grantee: this.integrationRole, actions: INVOKE_ENDPOINT_ACTIONS, resourceArns: [endpoint.endpointArn] });
    acknowledgeInlinePolicy(this.integrationRole);
    const cloudWatchRole = this.restApi.node.tryFindChild('CloudWatchRole');
    if (cloudWatchRole) {
      // The account's API Gateway logging role (cloudWatchRole: true) carries the AWS-managed policy API Gateway's logging page
      // prescribes (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html).
      Validations.of(cloudWatchRole).acknowledge({
        id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason: 'API Gateway\'s account logging role: AWS documents the managed AmazonAPIGatewayPushToCloudWatchLogs policy for it (log '
          + 'groups are named by API Gateway at run time); it is assumable by apigateway.amazonaws.com only.',
      });
    }

    this.method = this.defineMethod(props, r);
    this.defineGatewayResponses(r.cors);
    for (const plan of props.usagePlans ?? []) {
      this.usagePlans.push(this.defineUsagePlan(plan));
    }
    if (r.waf) {
      const { webAcl, association } = defineWebAcl(this, {
        name: `${r.restApiName}-waf`.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 128),
        rateLimit: r.waf.rateLimit,
        evaluationWindowSeconds: r.waf.evaluationWindowSeconds,
        maxBodyBytes: r.maxBodyBytes,
        stageArn: this.restApi.deploymentStage.stageArn,
      });
      association.node.addDependency(this.restApi.deploymentStage);
      this.webAcl = webAcl;
      acknowledgeSharedRule(webAcl, 'WAFv2LoggingEnabled', 'Full web ACL logs need a destination named aws-waf-logs-* (CloudWatch Logs, '
        + 'S3 or Firehose) that usually belongs to the user\'s logging account; the web ACL keeps CloudWatch metrics and sampled '
        + 'requests for every rule, and the stage\'s access log records every request that WAF lets through.');
    } else {
      const reason = 'AWS WAF is an option of InferenceApi (waf); without it, every request is still authorized and throttled by the stage.';
      Validations.of(this.restApi.deploymentStage).acknowledge(
        { id: 'AwsSolutions::AwsSolutions-APIG3', reason },
        { id: 'NIST.800.53.R5::NIST.800.53.R5-APIGWAssociatedWithWAF', reason },
      );
    }
    // A stage cache keys responses by path, headers and query strings, never by the request body: with POST /invocations it
    // would answer one caller's input with a prediction made for another's. No cache, so nothing is kept at rest to encrypt.
    acknowledgeSharedRule(this.restApi.deploymentStage, 'APIGWCacheEnabledAndEncrypted', 'The stage has no cache on purpose: API '
      + 'Gateway cache keys are built from the path, headers and query strings, not the body, so a cache on POST /invocations would '
      + 'return a prediction made for another caller\'s input; without a cache no response is stored at rest.');
    // A stage client certificate lets an HTTP backend verify that calls come from API Gateway; the only integration is the AWS
    // service integration with SageMaker, which API Gateway signs with SigV4 over TLS as the integration role.
    acknowledgeSharedRule(this.restApi.deploymentStage, 'APIGWSSLEnabled', 'A client certificate authenticates API Gateway to HTTP '
      + 'backends; the only integration is SageMaker InvokeEndpoint, an AWS service integration that API Gateway calls over TLS, '
      + 'signed with SigV4 as the integration role, which SageMaker authorizes with IAM.');
    if (r.authorizationKind !== InferenceApiAuthorizationKind.COGNITO) {
      Validations.of(this.method).acknowledge({
        id: 'AwsSolutions::AwsSolutions-COG4',
        reason: `The method is authorized with ${r.authorizationKind === InferenceApiAuthorizationKind.IAM ? 'IAM (SigV4)' : 'a Lambda authorizer'}; `
          + 'a Cognito user pool authorizer is an option of InferenceApi (authorization).',
      });
    }
    if (props.tracing === false) {
      Validations.of(this.restApi.deploymentStage).acknowledge({
        id: 'cdk-validator-cfnguard::api_gw_xray_enabled_check',
        reason: 'X-Ray tracing was switched off by the user (InferenceApi tracing: false); access logs still record every request.',
      });
    }
    this.invocationsUrl = this.restApi.urlForPath('/invocations');
    this.alarms = defineApiAlarms(this, props.alerts, r.alarms);
  }

  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/ApiGateway',
      metricName,
      dimensionsMap: { ApiName: this.restApiName, Stage: this.stageName },
      ...props,
    });
  }

  public metricRequests(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Count', { statistic: 'Sum', ...props });
  }

  public metricClientErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('4XXError', { statistic: 'Average', ...props });
  }

  public metricServerErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('5XXError', { statistic: 'Average', ...props });
  }

  public metricLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Latency', { statistic: 'p99', ...props });
  }

  public metricIntegrationLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('IntegrationLatency', { statistic: 'p99', ...props });
  }

  /** Lets a principal call the inference method with SigV4 (IAM authorization): execute-api:Invoke on that method of the stage. */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: EXECUTE_API_ACTIONS,
      resourceArns: [this.restApi.arnForExecuteApi('POST', '/invocations', this.stageName)],
    });
  }

  private defineMethod(props: InferenceApiProps, r: ResolvedApiProps): apigateway.Method {
    const endpoint = props.endpoint;
    const targeting = r.targeting;
    const integration = new apigateway.AwsIntegration({
      service: 'runtime.sagemaker',
      path: `endpoints/${endpoint.endpointName}/invocations`,
      integrationHttpMethod: 'POST',
      options: {
        credentialsRole: this.integrationRole,
        passthroughBehavior: apigateway.PassthroughBehavior.NEVER,
        requestParameters: {
          'integration.request.header.Content-Type': 'method.request.header.Content-Type',
          'integration.request.header.Accept': 'method.request.header.Accept',
        },
        requestTemplates: Object.fromEntries(r.contentTypes.map((t) => [t, requestTemplate(targeting)])),
        integrationResponses: integrationResponses(r.cors?.allowOrigin),
      },
    });
    const resource = this.restApi.root.addResource('invocations', {
      defaultCorsPreflightOptions: r.cors
        ? { allowOrigins: [r.cors.allowOrigin], allowMethods: ['POST', 'OPTIONS'], allowHeaders: r.cors.allowHeaders, maxAge: r.cors.maxAge }
        : undefined,
    });
    const requestParameters: Record<string, boolean> = {
      'method.request.header.Content-Type': true,
      'method.request.header.Accept': false,
      [`method.request.header.${INFERENCE_ID_HEADER}`]: false,
      [`method.request.header.${CUSTOM_ATTRIBUTES_HEADER}`]: false,
    };
    if (props.variantTargeting?.source === VariantTargetingSource.HEADER) {
      requestParameters[`method.request.header.${props.variantTargeting.name}`] = false;
    }
    return resource.addMethod('POST', integration, {
      ...authorizationOptions(this, r.authorization),
      apiKeyRequired: props.usagePlans !== undefined,
      requestParameters,
      requestValidatorOptions: { requestValidatorName: `${r.restApiName}-request`, validateRequestParameters: true, validateRequestBody: true },
      requestModels: props.request?.jsonSchema
        ? { 'application/json': this.restApi.addModel('RequestModel', { contentType: 'application/json', schema: props.request.jsonSchema }) }
        : undefined,
      methodResponses: methodResponses(r.cors !== undefined),
    });
  }

  private defineGatewayResponses(cors: InferenceApiCors | undefined): void {
    const headers = cors ? { 'Access-Control-Allow-Origin': `'${cors.allowOrigin}'` } : undefined;
    const templates = { 'application/json': GATEWAY_RESPONSE_TEMPLATE };
    this.restApi.addGatewayResponse('Default4xx', { type: apigateway.ResponseType.DEFAULT_4XX, templates, responseHeaders: headers });
    this.restApi.addGatewayResponse('Default5xx', { type: apigateway.ResponseType.DEFAULT_5XX, templates, responseHeaders: headers });
  }

  private defineUsagePlan(plan: InferenceApiUsagePlan): apigateway.UsagePlan {
    const usagePlan = this.restApi.addUsagePlan(`UsagePlan${plan.id}`, {
      name: `${this.restApiName}-${plan.id}`,
      throttle: plan.throttle && { rateLimit: plan.throttle.rateLimit, burstLimit: plan.throttle.burstLimit },
      quota: plan.quota && { limit: plan.quota.limit, period: plan.quota.period ?? apigateway.Period.MONTH },
      apiStages: [{ api: this.restApi, stage: this.restApi.deploymentStage }],
    });
    for (const key of plan.apiKeys) {
      usagePlan.addApiKey(key);
    }
    return usagePlan;
  }
}

function authorizationOptions(scope: Construct, auth: InferenceApiAuthorization): apigateway.MethodOptions {
  switch (auth.kind) {
    case InferenceApiAuthorizationKind.COGNITO: {
      const o = auth.cognitoOptions!;
      return {
        authorizationType: apigateway.AuthorizationType.COGNITO,
        authorizer: new apigateway.CognitoUserPoolsAuthorizer(scope, 'Authorizer', {
          cognitoUserPools: o.userPools,
          resultsCacheTtl: o.resultsCacheTtl ?? Duration.minutes(5),
        }),
        authorizationScopes: o.scopes,
      };
    }
    case InferenceApiAuthorizationKind.LAMBDA: {
      const o = auth.lambdaOptions!;
      return {
        authorizationType: apigateway.AuthorizationType.CUSTOM,
        authorizer: new apigateway.RequestAuthorizer(scope, 'Authorizer', {
          handler: o.handler,
          identitySources: (o.identityHeaders ?? ['Authorization']).map((h) => apigateway.IdentitySource.header(h)),
          resultsCacheTtl: o.resultsCacheTtl ?? Duration.minutes(5),
        }),
      };
    }
    default:
      return { authorizationType: apigateway.AuthorizationType.IAM };
  }
}

/**
 * A resource policy that accepts requests only through the given VPC endpoints
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-resource-policies-examples.html#apigateway-resource-policies-source-vpc-example).
 */
function privatePolicy(scope: Construct, access: InferenceApiPrivateAccess, kind: InferenceApiAuthorizationKind): iam.PolicyDocument {
  const vpce = access.vpcEndpoints.map((e) => e.vpcEndpointId);
  // With IAM authorization, the callers' own IAM policies must allow them too (the account is the principal); Cognito and
  // Lambda authorizers decide for callers without AWS credentials.
  const callers = kind === InferenceApiAuthorizationKind.IAM ? new iam.AccountPrincipal(Stack.of(scope).account) : new iam.AnyPrincipal();
  return new iam.PolicyDocument({
    statements: [
      new iam.PolicyStatement({
        sid: 'DenyOutsideVpcEndpoints',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: EXECUTE_API_ACTIONS,
        resources: ['execute-api:/*'],
        conditions: { StringNotEquals: { 'aws:SourceVpce': vpce } },
      }),
      new iam.PolicyStatement({
        sid: 'AllowThroughVpcEndpoints',
        principals: [callers],
        actions: EXECUTE_API_ACTIONS,
        resources: ['execute-api:/*'],
        conditions: { StringEquals: { 'aws:SourceVpce': vpce } },
      }),
    ],
  });
}

