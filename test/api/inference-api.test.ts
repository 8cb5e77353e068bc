import { Duration, Size, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ModelEndpoint } from '../../lib';
import { InferenceApi, InferenceApiAuthorization, VariantTargeting } from '../../lib/api';
import { upToRegex } from '../../lib/api/private-waf';
import { Readable } from '../exact';
import { TEST_ENV, testApp } from '../util';

function imported() {
  const stack = new Stack(testApp(), 'Serve', { env: TEST_ENV });
  const endpoint = ModelEndpoint.fromEndpointName(stack, 'Churn', 'churn', ['champion', 'challenger']);
  return { stack, endpoint };
}

function one(r: Record<string, any>, path: string): any {
  expect(Object.keys(r)).toContain(path);
  return r[path];
}

describe('InferenceApi', () => {
  test('calls InvokeEndpoint of its endpoint through an AWS service integration, with a role allowed only that', () => {
    const { stack, endpoint } = imported();
    new InferenceApi(stack, 'Api', { endpoint });
    const t = Readable.of(stack);
    const method = one(t.resources('AWS::ApiGateway::Method'), 'Serve/Api/Resource/Default/invocations/POST');
    expect(method.HttpMethod).toBe('POST');
    expect(method.AuthorizationType).toBe('AWS_IAM');
    expect(method.ApiKeyRequired).toBe(false);
    expect(method.Integration).toMatchObject({
      Type: 'AWS',
      IntegrationHttpMethod: 'POST',
      Uri: 'arn:aws:apigateway:us-east-1:runtime.sagemaker:path/endpoints/churn/invocations',
      Credentials: '<Serve/Api/IntegrationRole.Arn>',
      PassthroughBehavior: 'NEVER',
      RequestParameters: {
        'integration.request.header.Content-Type': 'method.request.header.Content-Type',
        'integration.request.header.Accept': 'method.request.header.Accept',
      },
    });
    expect(Object.keys(method.Integration.RequestTemplates)).toEqual(['application/json']);
    expect(method.RequestParameters).toEqual({
      'method.request.header.Content-Type': true,
      'method.request.header.Accept': false,
      'method.request.header.X-Inference-Id': false,
      'method.request.header.X-Custom-Attributes': false,
    });
    const roles = t.resources('AWS::IAM::Role');
    expect(one(roles, 'Serve/Api/IntegrationRole').AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' } }],
    });
    expect(one(t.resources('AWS::IAM::Policy'), 'Serve/Api/IntegrationRole/DefaultPolicy')).toEqual({
      PolicyName: expect.any(String),
      Roles: ['<Serve/Api/IntegrationRole>'],
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'sagemaker:InvokeEndpoint', Effect: 'Allow', Resource: 'arn:aws:sagemaker:us-east-1:123456789012:endpoint/churn' }],
      },
    });
    expect(Object.keys(t.resources('AWS::Lambda::Function'))).toEqual([]);
  });

  test('passes the body unchanged, and the inference id and custom attributes as SageMaker headers', () => {
    const { stack, endpoint } = imported();
    new InferenceApi(stack, 'Api', { endpoint, request: { contentTypes: ['application/json', 'text/csv'] } });
    const method = one(Readable.of(stack).resources('AWS::ApiGateway::Method'), 'Serve/Api/Resource/Default/invocations/POST');
    const template = [
      "#set($inferenceId = $input.params().header.get('X-Inference-Id'))",
      '#if("$!inferenceId" == "")#set($inferenceId = $context.requestId)#end',
      '#set($context.requestOverride.header.X-Amzn-SageMaker-Inference-Id = $inferenceId)',
      "#set($customAttributes = $input.params().header.get('X-Custom-Attributes'))",
      '#if("$!customAttributes" != "")#set($context.requestOverride.header.X-Amzn-SageMaker-Custom-Attributes = $customAttributes)#end',
      '$input.body',
    ].join('\n');
    expect(method.Integration.RequestTemplates).toEqual({ 'application/json': template, 'text/csv': template });
    // Text in, text out: no binary media types and no content conversion (a binary body would reach a template only as base64).
    expect(method.Integration.ContentHandling).toBeUndefined();
    expect(method.Integration.IntegrationResponses.map((r: any) => r.ContentHandling)).toEqual(Array(8).fill(undefined));
    expect(one(Readable.of(stack).resources('AWS::ApiGateway::RestApi'), 'Serve/Api/Resource').BinaryMediaTypes).toBeUndefined();
  });

  test('maps SageMaker errors to JSON bodies without its messages, and success to the model answer with the variant', () => {
    const { stack, endpoint } = imported();
    new InferenceApi(stack, 'Api', { endpoint });
    const method = one(Readable.of(stack).resources('AWS::ApiGateway::Method'), 'Serve/Api/Resource/Default/invocations/POST');
    const responses: any[] = method.Integration.IntegrationResponses;
    expect(responses.map((r) => [r.SelectionPattern, r.StatusCode])).toEqual([
      [undefined, '200'],
      ['400', '400'],
      ['424', '502'],
      ['429', '503'],
      ['503', '503'],
      ['5(0[0-24-9]|[1-9][0-9])', '502'],
      ['413', '413'],
      ['4(0[1-9]|1[0-24-9]|2[0-35-8]|[3-9][0-9])', '500'],
    ]);
    expect(responses[0]).toEqual({
      StatusCode: '200',
      ResponseParameters: {
        'method.response.header.Content-Type': 'integration.response.header.Content-Type',
        'method.response.header.X-Invoked-Variant': 'integration.response.header.X-Amzn-Invoked-Production-Variant',
        'method.response.header.X-Custom-Attributes': 'integration.response.header.X-Amzn-SageMaker-Custom-Attributes',
      },
    });
    const body = (error: string, message: string, extra = '') => `{"error":"${error}","message":"${message}"${extra},"requestId":"$context.requestId"}`;
    expect(responses.slice(1).map((r) => r.ResponseTemplates['application/json'].split('\n'))).toEqual([
      [
        // ValidationError and ThrottlingException (both 400), told apart by SageMaker's message.
        '#set($rawMessage = "$!input.path(\'$.message\')$!input.path(\'$.Message\')")',
        '#set($message = $rawMessage.toLowerCase())',
        '#if($message.contains("throttl") || $message.contains("rate exceeded"))',
        '#set($context.responseOverride.status = 429)',
        body('Throttled', 'The model endpoint is throttling requests: retry with exponential backoff.'),
        '#else',
        body('InvalidRequest', 'The model endpoint rejected the request: check its content type, its body (at most 6 MB) and its target variant.'),
        '#end',
      ],
      [
        // ModelError (424): the container's 429 is a throttle, its other 4XX the client's input, anything else the model's failure.
        '#set($modelStatus = "$!input.path(\'$.OriginalStatusCode\')")',
        '#if($modelStatus == "429")',
        '#set($context.responseOverride.status = 429)',
        body('ModelThrottled', 'The model is overloaded: retry with exponential backoff.', ',"modelStatusCode":429'),
        '#elseif($modelStatus.matches("4[0-9][0-9]"))',
        '#set($context.responseOverride.status = 400)',
        body('ModelRejectedInput', 'The model rejected the input.', ',"modelStatusCode":$modelStatus'),
        '#else',
        body('ModelError', 'The model failed to process the request.', '#if($modelStatus.matches("[0-9]+")),"modelStatusCode":$modelStatus#end'),
        '#end',
      ],
      [body('ModelNotReady', 'The model is not ready yet: retry in a few seconds.')],
      [body('ServiceUnavailable', 'The model endpoint is unavailable: retry with exponential backoff.')],
      [body('EndpointError', 'The model endpoint failed to answer.')],
      [body('PayloadTooLarge', 'The request body is larger than the model endpoint accepts (6 MB).')],
      [body('IntegrationError', 'The API could not call the model endpoint.')],
    ]);
    for (const r of responses.slice(1)) {
      // No SageMaker text (its Message names the account and the log stream; OriginalMessage is the container's own).
      expect(r.ResponseTemplates['application/json']).not.toMatch(/OriginalMessage|LogStreamArn|\$input\.body|\$input\.json/);
      expect(r.ResponseParameters).toEqual({ 'method.response.header.Content-Type': "'application/json'" });
    }
    // Every status a mapping or an override answers is a method response.
    expect(method.MethodResponses.map((r: any) => r.StatusCode)).toEqual(['200', '400', '413', '429', '500', '502', '503']);
  });

  test('the selection patterns of the error mappings are disjoint and cover every 4XX and 5XX', () => {
    const { stack, endpoint } = imported();
    new InferenceApi(stack, 'Api', { endpoint });
    const method = one(Readable.of(stack).resources('AWS::ApiGateway::Method'), 'Serve/Api/Resource/Default/invocations/POST');
    const patterns: RegExp[] = method.Integration.IntegrationResponses.slice(1).map((r: any) => new RegExp(`^(${r.SelectionPattern})$`));
    for (let code = 400; code <= 599; code++) {
      expect([code, patterns.filter((p) => p.test(String(code))).length]).toEqual([code, 1]);
    }
    for (const code of [200, 201, 204, 302]) {
      expect(patterns.filter((p) => p.test(String(code)))).toEqual([]);
    }
  });

  test('answers API Gateway errors with a JSON body', () => {
    const { stack, endpoint } = imported();
    new InferenceApi(stack, 'Api', { endpoint });
    const responses = Object.values(Readable.of(stack).resources('AWS::ApiGateway::GatewayResponse'));
    expect(responses.map((r: any) => [r.ResponseType, r.ResponseTemplates])).toEqual([
      ['DEFAULT_4XX', { 'application/json': '{"error":"$context.error.responseType","message":$context.error.messageString,"requestId":"$context.requestId"}' }],
      ['DEFAULT_5XX', { 'application/json': '{"error":"$context.error.responseType","message":$context.error.messageString,"requestId":"$context.requestId"}' }],
    ]);
  });

  test('throttles the stage by default, validates parameters and bodies, logs JSON with retention and KMS, traces, requires TLS 1.2', () => {
    const { stack, endpoint } = imported();
    new InferenceApi(stack, 'Api', { endpoint });
    const t = Readable.of(stack);
    expect(one(t.resources('AWS::ApiGateway::RestApi'), 'Serve/Api/Resource')).toEqual({
      Name: 'churn-inference',
      Description: 'Inference API of the SageMaker endpoint churn',
      EndpointConfiguration: { Types: ['REGIONAL'] },
      SecurityPolicy: 'TLS_1_2',
    });
    const stage = one(t.resources('AWS::ApiGateway::Stage'), 'Serve/Api/Resource/DeploymentStage.v1');
    expect(stage.StageName).toBe('v1');
    expect(stage.TracingEnabled).toBe(true);
    expect(stage.MethodSettings).toEqual([{
      DataTraceEnabled: false, HttpMethod: '*', LoggingLevel: 'ERROR', MetricsEnabled: true, ResourcePath: '/*', ThrottlingBurstLimit: 200, ThrottlingRateLimit: 100,
    }]);
    expect(JSON.parse(stage.AccessLogSetting.Format)).toMatchObject({ requestId: '$context.requestId', status: '$context.status', integrationStatus: '$context.integration.status' });
    expect(Object.values(t.resources('AWS::ApiGateway::RequestValidator'))).toEqual([
      { Name: 'churn-inference-request', RestApiId: '<Serve/Api/Resource>', ValidateRequestBody: true, ValidateRequestParameters: true },
    ]);
    const groups = t.resources('AWS::Logs::LogGroup');
    expect(one(groups, 'Serve/Api/AccessLogs')).toEqual({ LogGroupName: '/aws/apigateway/churn-inference/v1/access', RetentionInDays: 365, KmsKeyId: '<Serve/Api/LogsKey.Arn>' });
    expect(one(groups, 'Serve/Api/ExecutionLogs')).toEqual({
      LogGroupName: 'API-Gateway-Execution-Logs_<Serve/Api/Resource>/v1', RetentionInDays: 365, KmsKeyId: '<Serve/Api/LogsKey.Arn>',
    });
    Template.fromStack(stack).hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    const key = one(t.resources('AWS::KMS::Key'), 'Serve/Api/LogsKey');
    expect(key.EnableKeyRotation).toBe(true);
    expect(key.KeyPolicy.Statement).toEqual([
      { Action: 'kms:*', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Resource: '*' },
      {
        Sid: 'DenyGrantsNotForAwsResources', Action: 'kms:CreateGrant', Effect: 'Deny', Principal: { AWS: '*' }, Resource: '*',
        Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
      },
      {
        Sid: 'CloudWatchLogsOfThisApi',
        Action: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'],
        Effect: 'Allow', Principal: { Service: 'logs.us-east-1.amazonaws.com' }, Resource: '*',
        Condition: {
          ArnEquals: {
            'kms:EncryptionContext:aws:logs:arn': [
              'arn:aws:logs:us-east-1:123456789012:log-group:/aws/apigateway/churn-inference/v1/access',
              'arn:aws:logs:us-east-1:123456789012:log-group:API-Gateway-Execution-Logs_<Serve/Api/Resource>/v1',
            ],
          },
        },
      },
    ]);
    expect(Object.keys(t.resources('AWS::ApiGateway::Account'))).toEqual([]);
    expect(Object.keys(t.resources('AWS::WAFv2::WebACL'))).toEqual([]);
  });

  test('defines the 5XX, 4XX and latency alarms through the alarm factory', () => {
    const { stack, endpoint } = imported();
    new InferenceApi(stack, 'Api', { endpoint, alarms: { latency: { threshold: Duration.seconds(1) }, errorRate4xx: { enabled: false } } });
    const alarms = Object.values(Readable.of(stack).resources('AWS::CloudWatch::Alarm'));
    expect(alarms.map((a: any) => [a.AlarmName, a.AlarmDescription, a.Threshold, a.EvaluationPeriods, a.DatapointsToAlarm])).toEqual([
      ['churn-inference-5xx-rate', '[CRITICAL] More than 1% of the requests to the inference API churn-inference were answered with a 5XX error.', 1, 5, 3],
      ['churn-inference-latency-p99', '[WARNING] The p99 latency of the inference API churn-inference is above 1000 ms.', 1000, 5, 3],
    ]);
  });

  test('grantInvoke allows execute-api:Invoke on the inference method of the stage only', () => {
    const { stack, endpoint } = imported();
    const api = new InferenceApi(stack, 'Api', { endpoint });
    const role = new iam.Role(stack, 'Client', { assumedBy: new iam.AccountRootPrincipal() });
    api.grantInvoke(role);
    expect(one(Readable.of(stack).resources('AWS::IAM::Policy'), 'Serve/Client/DefaultPolicy').PolicyDocument.Statement).toEqual([{
      Action: 'execute-api:Invoke', Effect: 'Allow',
      Resource: 'arn:aws:execute-api:us-east-1:123456789012:<Serve/Api/Resource>/v1/POST/invocations',
    }]);
  });

  test('a Cognito authorizer, usage plans with keys, private access and a method throttle', () => {
    const { stack, endpoint } = imported();
    const userPool = new cognito.UserPool(stack, 'Users');
    const key = new apigateway.ApiKey(stack, 'PartnerKey');
    const vpce = ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(stack, 'Vpce', { vpcEndpointId: 'vpce-0123', port: 443 });
    new InferenceApi(stack, 'Api', {
      endpoint,
      authorization: InferenceApiAuthorization.cognito({ userPools: [userPool], scopes: ['churn/invoke'] }),
      usagePlans: [{ id: 'Partner', apiKeys: [key], throttle: { rateLimit: 5, burstLimit: 10 }, quota: { limit: 10000, period: apigateway.Period.DAY } }],
      privateAccess: { vpcEndpoints: [vpce] },
      methodThrottle: { rateLimit: 50, burstLimit: 100 },
    });
    const t = Readable.of(stack);
    const method = one(t.resources('AWS::ApiGateway::Method'), 'Serve/Api/Resource/Default/invocations/POST');
    expect([method.AuthorizationType, method.AuthorizerId, method.AuthorizationScopes, method.ApiKeyRequired])
      .toEqual(['COGNITO_USER_POOLS', '<Serve/Api/Authorizer>', ['churn/invoke'], true]);
    expect(one(t.resources('AWS::ApiGateway::Authorizer'), 'Serve/Api/Authorizer')).toMatchObject({
      Type: 'COGNITO_USER_POOLS', ProviderARNs: ['<Serve/Users.Arn>'], IdentitySource: 'method.request.header.Authorization', AuthorizerResultTtlInSeconds: 300,
    });
    expect(Object.values(t.resources('AWS::ApiGateway::UsagePlan'))).toEqual([{
      UsagePlanName: 'churn-inference-Partner',
      ApiStages: [{ ApiId: '<Serve/Api/Resource>', Stage: '<Serve/Api/Resource/DeploymentStage.v1>', Throttle: {} }],
      Throttle: { RateLimit: 5, BurstLimit: 10 },
      Quota: { Limit: 10000, Period: 'DAY' },
    }]);
    expect(Object.values(t.resources('AWS::ApiGateway::UsagePlanKey'))).toEqual([
      { KeyId: '<Serve/PartnerKey>', KeyType: 'API_KEY', UsagePlanId: '<Serve/Api/Resource/UsagePlanPartner>' },
    ]);
    const restApi = one(t.resources('AWS::ApiGateway::RestApi'), 'Serve/Api/Resource');
    expect(restApi.EndpointConfiguration).toEqual({ Types: ['PRIVATE'], VpcEndpointIds: ['vpce-0123'] });
    expect(restApi.ApiKeySourceType).toBe('HEADER');
    expect(restApi.Policy.Statement).toEqual([
      { Sid: 'DenyOutsideVpcEndpoints', Effect: 'Deny', Principal: { AWS: '*' }, Action: 'execute-api:Invoke', Resource: 'execute-api:/*', Condition: { StringNotEquals: { 'aws:SourceVpce': ['vpce-0123'] } } },
      { Sid: 'AllowThroughVpcEndpoints', Effect: 'Allow', Principal: { AWS: '*' }, Action: 'execute-api:Invoke', Resource: 'execute-api:/*', Condition: { StringEquals: { 'aws:SourceVpce': ['vpce-0123'] } } },
    ]);
    const stage = one(t.resources('AWS::ApiGateway::Stage'), 'Serve/Api/Resource/DeploymentStage.v1');
    expect(stage.MethodSettings).toContainEqual({ HttpMethod: 'POST', ResourcePath: '/~1invocations', ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100, DataTraceEnabled: false });
  });

  test('private access with IAM authorization lets only principals of the account through the VPC endpoints', () => {
    const { stack, endpoint } = imported();
    const vpce = ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(stack, 'Vpce', { vpcEndpointId: 'vpce-0123', port: 443 });
    new InferenceApi(stack, 'Api', { endpoint, privateAccess: { vpcEndpoints: [vpce] } });
    const restApi = one(Readable.of(stack).resources('AWS::ApiGateway::RestApi'), 'Serve/Api/Resource');
    expect(restApi.Policy.Statement[1].Principal).toEqual({ AWS: 'arn:aws:iam::123456789012:root' });
  });

  test('a Lambda authorizer takes an IFunction, and its context can pick the variant', () => {
    const { stack, endpoint } = imported();
    const handler = lambda.Function.fromFunctionArn(stack, 'Authz', 'arn:aws:lambda:us-east-1:123456789012:function:authz');
    new InferenceApi(stack, 'Api', {
      endpoint,
      authorization: InferenceApiAuthorization.lambdaAuthorizer({ handler, identityHeaders: ['Authorization', 'X-User-Id'], resultsCacheTtl: Duration.seconds(0) }),
      variantTargeting: VariantTargeting.fromAuthorizerContext('targetVariant'),
    });
    const t = Readable.of(stack);
    expect(one(t.resources('AWS::ApiGateway::Authorizer'), 'Serve/Api/Authorizer')).toMatchObject({
      Type: 'REQUEST', IdentitySource: 'method.request.header.Authorization,method.request.header.X-User-Id', AuthorizerResultTtlInSeconds: 0,
    });
    const method = one(t.resources('AWS::ApiGateway::Method'), 'Serve/Api/Resource/Default/invocations/POST');
    expect(method.AuthorizationType).toBe('CUSTOM');
    const template: string = method.Integration.RequestTemplates['application/json'];
    expect(template).toContain('#set($variant = $context.authorizer.targetVariant)');
    expect(template).toContain("#set($allowedVariants = ['champion', 'challenger'])");
  });

  test('a targeting header is forwarded to X-Amzn-SageMaker-Target-Variant when it names an allowed variant', () => {
    const { stack, endpoint } = imported();
    new InferenceApi(stack, 'Api', { endpoint, variantTargeting: VariantTargeting.fromHeader('X-Target-Variant', { variantNames: ['challenger'] }) });
    const method = one(Readable.of(stack).resources('AWS::ApiGateway::Method'), 'Serve/Api/Resource/Default/invocations/POST');
    const template: string = method.Integration.RequestTemplates['application/json'];
    expect(template.split('\n').slice(5)).toEqual([
      "#set($variant = $input.params().header.get('X-Target-Variant'))",
      "#set($allowedVariants = ['challenger'])",
      '#if("$!variant" != "")',
      '#if($allowedVariants.contains($variant))',
      '#set($context.requestOverride.header.X-Amzn-SageMaker-Target-Variant = $variant)',
      '#else',
      "#set($context.requestOverride.header.X-Amzn-SageMaker-Target-Variant = '-not-allowed')",
      '#end',
      '#end',
      '$input.body',
    ]);
    expect(method.RequestParameters['method.request.header.X-Target-Variant']).toBe(false);
  });

  test('a web ACL with a rate-based rule, a Content-Length limit and the AWS common rule set protects the stage', () => {
    const { stack, endpoint } = imported();
    new InferenceApi(stack, 'Api', { endpoint, waf: { rateLimit: 10, evaluationWindow: Duration.minutes(1) }, request: { maxBodySize: Size.kibibytes(512) } });
    const t = Readable.of(stack);
    const acl = one(t.resources('AWS::WAFv2::WebACL'), 'Serve/Api/WebAcl');
    expect(acl.Scope).toBe('REGIONAL');
    expect(acl.DefaultAction).toEqual({ Allow: {} });
    expect(acl.Rules.map((r: any) => [r.Name, r.Priority, r.Action ?? r.OverrideAction])).toEqual([
      ['RateLimitPerIp', 0, { Block: {} }], ['BodyWithinLimit', 1, { Block: {} }], ['AWSManagedRulesCommonRuleSet', 2, { None: {} }],
    ]);
    expect(acl.Rules[0].Statement).toEqual({ RateBasedStatement: { Limit: 10, EvaluationWindowSec: 60, AggregateKeyType: 'IP' } });
    // Blocks only a request that has a Content-Length header whose value is not 0 to 524288: a request without the header does not
    // match the size constraint, so the AND does not match (test/api/waf.test.ts evaluates it on requests).
    expect(acl.Rules[1]).toEqual({
      Name: 'BodyWithinLimit',
      Priority: 1,
      Action: { Block: {} },
      Statement: {
        AndStatement: {
          Statements: [
            {
              SizeConstraintStatement: {
                FieldToMatch: { SingleHeader: { Name: 'content-length' } }, ComparisonOperator: 'GT', Size: 0, TextTransformations: [{ Priority: 0, Type: 'NONE' }],
              },
            },
            {
              NotStatement: {
                Statement: {
                  RegexMatchStatement: {
                    RegexString: '^(0|[1-9][0-9]{0,4}|[1-4][0-9]{5}|5[0-1][0-9]{4}|52[0-3][0-9]{3}|524[0-1][0-9]{2}|5242[0-7][0-9]{1}|52428[0-7]|524288)$',
                    FieldToMatch: { SingleHeader: { Name: 'content-length' } },
                    TextTransformations: [{ Priority: 0, Type: 'NONE' }],
                  },
                },
              },
            },
          ],
        },
      },
      VisibilityConfig: { CloudWatchMetricsEnabled: true, MetricName: 'churn-inference-waf-body-limit', SampledRequestsEnabled: true },
    });
    expect(acl.Rules[2].Statement).toEqual({
      ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet', RuleActionOverrides: [{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }] },
    });
    expect(one(t.resources('AWS::WAFv2::WebACLAssociation'), 'Serve/Api/WebAclAssociation')).toEqual({
      ResourceArn: 'arn:aws:apigateway:us-east-1::/restapis/<Serve/Api/Resource>/stages/<Serve/Api/Resource/DeploymentStage.v1>',
      WebACLArn: '<Serve/Api/WebAcl.Arn>',
    });
  });

  test('the Content-Length pattern matches exactly 0 to the limit', () => {
    for (const max of [0, 5, 9, 10, 99, 100, 524288, 6291456]) {
      const re = new RegExp(upToRegex(max));
      for (const n of [0, 1, 7, 9, 10, 11, 99, 100, 101, max - 1, max, max + 1, max * 10, 10 ** String(max).length]) {
        if (n >= 0) {
          expect([max, n, re.test(String(n))]).toEqual([max, n, n <= max]);
        }
      }
      expect(re.test('-1')).toBe(false);
      expect(re.test('')).toBe(false);
      expect(re.test('01')).toBe(false);
    }
  });

  test('CORS answers preflights and adds the origin to answers and errors', () => {
    const { stack, endpoint } = imported();
    new InferenceApi(stack, 'Api', { endpoint, cors: { allowOrigin: 'https://app.example.com' } });
    const t = Readable.of(stack);
    const methods = t.resources('AWS::ApiGateway::Method');
    expect(one(methods, 'Serve/Api/Resource/Default/invocations/OPTIONS').Integration.IntegrationResponses[0].ResponseParameters)
      .toMatchObject({ 'method.response.header.Access-Control-Allow-Origin': "'https://app.example.com'" });
    for (const r of one(methods, 'Serve/Api/Resource/Default/invocations/POST').Integration.IntegrationResponses) {
      expect(r.ResponseParameters['method.response.header.Access-Control-Allow-Origin']).toBe("'https://app.example.com'");
    }
    for (const g of Object.values<any>(t.resources('AWS::ApiGateway::GatewayResponse'))) {
      expect(g.ResponseParameters).toEqual({ 'gatewayresponse.header.Access-Control-Allow-Origin': "'https://app.example.com'" });
    }
  });

  test('a JSON schema is the model of application/json bodies', () => {
    const { stack, endpoint } = imported();
    new InferenceApi(stack, 'Api', { endpoint, request: { jsonSchema: { type: apigateway.JsonSchemaType.OBJECT, required: ['instances'] } } });
    const method = one(Readable.of(stack).resources('AWS::ApiGateway::Method'), 'Serve/Api/Resource/Default/invocations/POST');
    expect(method.RequestModels).toEqual({ 'application/json': '<Serve/Api/Resource/RequestModel>' });
  });

  test('defines the account CloudWatch role only when asked, and X-Ray can be switched off', () => {
    const { stack, endpoint } = imported();
    new InferenceApi(stack, 'Api', { endpoint, cloudWatchRole: true, tracing: false });
    const t = Readable.of(stack);
    expect(Object.keys(t.resources('AWS::ApiGateway::Account'))).toHaveLength(1);
    expect(one(t.resources('AWS::ApiGateway::Stage'), 'Serve/Api/Resource/DeploymentStage.v1').TracingEnabled).toBe(false);
    Template.fromStack(stack).hasResource('AWS::IAM::Role', { Properties: { ManagedPolicyArns: Match.anyValue() } });
  });
});
