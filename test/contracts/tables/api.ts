import { App, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { buildReferenceApp } from '../../../bin/reference-app';
import { ModelEndpoint } from '../../../lib';
import { InferenceApi, VariantTargeting } from '../../../lib/api';
import { apiFixture } from '../../api/fixtures';
import { testApp } from '../../util';
import { ContractApp, pathOf } from '../harness/apps';
import { ACCOUNT, REGION } from '../harness/cfn';
import { PrincipalContract } from '../harness/iam';

/** An app with an inference API and a client role granted invoke on it. */
export interface ApiAppSpec {
  readonly app: App;
  readonly api: InferenceApi;
  readonly endpoint: ModelEndpoint;
  readonly client: iam.Role;
  /** The VPC endpoint a private API accepts requests through, if the API is private. */
  readonly privateVpce?: string;
}

const PRIVATE_VPCE = 'vpce-0123456789abcdef0';

export const API_APPS: Record<string, () => ApiAppSpec> = {
  'inference API, minimal': () => {
    const f = apiFixture();
    const api = new InferenceApi(f.stack, 'Api', { endpoint: f.endpoint });
    return { app: f.app, api, endpoint: f.endpoint, client: client(f.stack, api) };
  },
  'inference API, with WAF, usage plans and targeting': () => {
    const f = apiFixture();
    const api = new InferenceApi(f.stack, 'Api', {
      endpoint: f.endpoint, waf: {}, variantTargeting: VariantTargeting.fromHeader('X-Target-Variant'),
      usagePlans: [{ id: 'Partner', apiKeys: [new apigateway.ApiKey(f.stack, 'PartnerKey')] }],
    });
    return { app: f.app, api, endpoint: f.endpoint, client: client(f.stack, api) };
  },
  'inference API, private (VPC endpoint)': () => {
    const f = apiFixture();
    const vpce = ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(f.stack, 'ExecuteApi', { vpcEndpointId: PRIVATE_VPCE, port: 443 });
    const api = new InferenceApi(f.stack, 'Api', { endpoint: f.endpoint, privateAccess: { vpcEndpoints: [vpce] } });
    return { app: f.app, api, endpoint: f.endpoint, client: client(f.stack, api), privateVpce: PRIVATE_VPCE };
  },
  // The reference app's ServingStack (#17 item 7): the API in front of its endpoint, as the app wires it (web ACL, targeting,
  // alerts from the data stack); a client role is added to the stack for the caller's rows.
  'reference app (ServingStack)': () => {
    const app = testApp();
    const { serving } = buildReferenceApp(app);
    return { app, api: serving.api, endpoint: serving.endpoint, client: client(serving, serving.api) };
  },
};

function client(stack: Stack, api: InferenceApi): iam.Role {
  const role = new iam.Role(stack, 'Client', { assumedBy: new iam.AccountRootPrincipal() });
  api.grantInvoke(role);
  return role;
}

export interface ApiSubject {
  readonly spec: ApiAppSpec;
  readonly endpointArn: string;
  readonly otherEndpointArn: string;
  readonly integrationRoleArn: string;
  readonly clientRoleArn: string;
  readonly logsKeyArn: string;
  readonly accessLogGroupArn: string;
  readonly executionLogGroupArn: string;
  readonly methodArn: string;
  readonly restApiId: string;
}

export function apiSubject(app: ContractApp, spec: ApiAppSpec): ApiSubject {
  const api = spec.api;
  const endpointName = app.value(spec.endpoint, spec.endpoint.endpointName);
  const restApiId = app.value(api.restApi, api.restApi.restApiId);
  const group = (g: { logGroupName: string }) => `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${app.value(api, g.logGroupName)}`;
  return {
    spec,
    endpointArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:endpoint/${endpointName}`,
    otherEndpointArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:endpoint/other`,
    integrationRoleArn: app.value(api.integrationRole, api.integrationRole.roleArn),
    clientRoleArn: app.value(spec.client, spec.client.roleArn),
    logsKeyArn: app.value(api.logsKey, api.logsKey.keyArn),
    accessLogGroupArn: group(api.accessLogGroup),
    executionLogGroupArn: group(api.executionLogGroup),
    methodArn: `arn:aws:execute-api:${REGION}:${ACCOUNT}:${restApiId}/${api.stageName}/POST/invocations`,
    restApiId,
  };
}

const INVOKE = 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_runtime_InvokeEndpoint.html';
const INVOKE_ASYNC = 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_runtime_InvokeEndpointAsync.html';
const DESCRIBE_ENDPOINT = 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeEndpoint.html';
const UPDATE_WEIGHTS = 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_UpdateEndpointWeightsAndCapacities.html';
const AWS_INTEGRATION_ROLE = 'https://docs.aws.amazon.com/apigateway/latest/developerguide/integration-request-basic-setup.html';
const ROLE_TRUST = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#iam-term-trust-policy';
const LOGS_KMS = 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html';
const EXECUTE_API = 'https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-control-access-using-iam-policies-to-invoke-api.html';
const API_LOGGING = 'https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html';
const SOURCE_VPCE = 'https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-resource-policies-examples.html#apigateway-resource-policies-source-vpc-example';

export const API_CONTRACT: PrincipalContract<ApiSubject>[] = [
  {
    principal: "the API's integration role",
    who: (s) => ({ role: { path: pathOf(s.spec.api.integrationRole) } }),
    calls: (s) => [
      { call: 'invokes its endpoint', action: 'sagemaker:InvokeEndpoint', resource: s.endpointArn, expect: 'allowed', source: INVOKE },
      { call: 'invokes another endpoint', action: 'sagemaker:InvokeEndpoint', resource: s.otherEndpointArn, expect: 'denied', source: INVOKE },
      { call: 'invokes its endpoint asynchronously', action: 'sagemaker:InvokeEndpointAsync', resource: s.endpointArn, expect: 'denied', source: INVOKE_ASYNC },
      { call: 'describes its endpoint', action: 'sagemaker:DescribeEndpoint', resource: s.endpointArn, expect: 'denied', source: DESCRIBE_ENDPOINT },
      { call: "changes its endpoint's weights", action: 'sagemaker:UpdateEndpointWeightsAndCapacities', resource: s.endpointArn, expect: 'denied', source: UPDATE_WEIGHTS },
    ],
  },
  {
    principal: 'API Gateway, assuming the integration role',
    who: () => ({ service: 'apigateway.amazonaws.com' }),
    calls: (s) => [
      { call: 'the integration role', action: 'sts:AssumeRole', resource: s.integrationRoleArn, expect: 'allowed', source: AWS_INTEGRATION_ROLE },
      { call: 'the client role', action: 'sts:AssumeRole', resource: s.clientRoleArn, expect: 'denied', source: ROLE_TRUST },
    ],
  },
  {
    principal: "the account's API Gateway logging role (cloudWatchRole: true)",
    when: (s) => s.spec.api.restApi.node.tryFindChild('CloudWatchRole') !== undefined,
    who: (s) => ({ role: { path: pathOf(s.spec.api.restApi.node.findChild('CloudWatchRole') as iam.Role) } }),
    accountWideGrants: ['logs:CreateLogGroup on *', 'logs:CreateLogStream on *', 'logs:DescribeLogStreams on *', 'logs:PutLogEvents on *',
      'logs:GetLogEvents on *', 'logs:FilterLogEvents on *'],
    accountWideReason: 'the account and Region setting every REST API logs with (AmazonAPIGatewayPushToCloudWatchLogs)',
    calls: (s) => [
      { call: 'writes the access logs', action: 'logs:PutLogEvents', resource: `${s.accessLogGroupArn}:log-stream:x`, expect: 'allowed', source: API_LOGGING },
      { call: 'invokes the endpoint', action: 'sagemaker:InvokeEndpoint', resource: s.endpointArn, expect: 'denied', source: INVOKE },
      { call: 'decrypts with the logs key', action: 'kms:Decrypt', resource: s.logsKeyArn, expect: 'denied', source: LOGS_KMS },
    ],
  },
  {
    principal: 'CloudWatch Logs, encrypting the API logs',
    who: () => ({ service: `logs.${REGION}.amazonaws.com` }),
    calls: (s) => [
      {
        call: 'for the access log group', action: 'kms:GenerateDataKey', resource: s.logsKeyArn,
        context: { 'kms:EncryptionContext:aws:logs:arn': s.accessLogGroupArn }, expect: 'allowed', source: LOGS_KMS,
      },
      {
        call: 'for the execution log group', action: 'kms:Decrypt', resource: s.logsKeyArn,
        context: { 'kms:EncryptionContext:aws:logs:arn': s.executionLogGroupArn }, expect: 'allowed', source: LOGS_KMS,
      },
      {
        call: 'for another log group', action: 'kms:GenerateDataKey', resource: s.logsKeyArn,
        context: { 'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:other` }, expect: 'denied', source: LOGS_KMS,
      },
      { call: 'a grant', action: 'kms:CreateGrant', resource: s.logsKeyArn, expect: 'denied', source: LOGS_KMS },
    ],
  },
  {
    principal: 'a client role granted invoke',
    // A private API's resource policy also decides (the next table).
    when: (s) => s.spec.privateVpce === undefined,
    who: (s) => ({ role: { path: pathOf(s.spec.client) } }),
    calls: (s) => [
      { call: 'POST /invocations of the stage', action: 'execute-api:Invoke', resource: s.methodArn, expect: 'allowed', source: EXECUTE_API },
      {
        call: 'GET /invocations of the stage', action: 'execute-api:Invoke', resource: s.methodArn.replace('/POST/', '/GET/'), expect: 'denied', source: EXECUTE_API,
      },
      {
        call: 'POST /invocations of another stage', action: 'execute-api:Invoke', resource: s.methodArn.replace(`/${s.spec.api.stageName}/`, '/test/'),
        expect: 'denied', source: EXECUTE_API,
      },
      { call: 'its endpoint directly', action: 'sagemaker:InvokeEndpoint', resource: s.endpointArn, expect: 'denied', source: INVOKE },
    ],
  },
  {
    // The resource policy of a private API (privateAccess): the client's own grant is not enough outside the VPC endpoints.
    principal: 'a client role granted invoke, on a private API',
    when: (s) => s.spec.privateVpce !== undefined,
    who: (s) => ({ role: { path: pathOf(s.spec.client) } }),
    calls: (s) => [
      {
        call: 'POST /invocations through the VPC endpoint', action: 'execute-api:Invoke', resource: s.methodArn,
        context: { 'aws:SourceVpce': s.spec.privateVpce! }, expect: 'allowed', source: SOURCE_VPCE,
      },
      {
        call: 'POST /invocations through another VPC endpoint', action: 'execute-api:Invoke', resource: s.methodArn,
        context: { 'aws:SourceVpce': 'vpce-0fedcba9876543210' }, expect: 'denied', source: SOURCE_VPCE,
      },
      { call: 'POST /invocations from outside any VPC endpoint', action: 'execute-api:Invoke', resource: s.methodArn, expect: 'denied', source: SOURCE_VPCE },
      {
        call: 'GET /invocations through the VPC endpoint', action: 'execute-api:Invoke', resource: s.methodArn.replace('/POST/', '/GET/'),
        context: { 'aws:SourceVpce': s.spec.privateVpce! }, expect: 'denied', source: EXECUTE_API,
      },
      { call: 'its endpoint directly', action: 'sagemaker:InvokeEndpoint', resource: s.endpointArn, expect: 'denied', source: INVOKE },
    ],
  },
];
