import { Duration, Size, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ack, ackShared, checkCompliance, complianceApp } from './harness';
import { AlertTopics, ModelEndpoint } from '../../lib';
import { InferenceApi, InferenceApiAuthorization, VariantTargeting } from '../../lib/api';
import { TEST_ENV } from '../util';

const NO_ACTION_ALARMS = ['Serve/Api/ClientErrorRateAlarm', 'Serve/Api/LatencyAlarm', 'Serve/Api/ServerErrorRateAlarm'];
const STAGE = 'Serve/Api/Resource/DeploymentStage.v1';
/** What every inference API acknowledges: no stage cache, no client certificate (reasons in InferenceApi), the inline role policy. */
const ALWAYS = [
  ...ackShared('APIGWCacheEnabledAndEncrypted', [STAGE]),
  ...ackShared('APIGWSSLEnabled', [STAGE]),
  ...ackShared('IAMNoInlinePolicy', ['Serve/Api/IntegrationRole'], ['Serve/Api/IntegrationRole/DefaultPolicy/Resource']),
];

test('a minimal inference API is compliant', () => {
  const app = complianceApp();
  const stack = new Stack(app, 'Serve', { env: TEST_ENV });
  const endpoint = ModelEndpoint.fromEndpointName(stack, 'Churn', 'churn', ['champion', 'challenger']);
  new InferenceApi(stack, 'Api', { endpoint });
  checkCompliance(app, 'InferenceApi minimal', [
    ack('AwsSolutions-APIG3', ['Serve/Api/Resource/DeploymentStage.v1'], ['Serve/Api/Resource/DeploymentStage.v1/Resource']),
    ack('AwsSolutions-COG4', ['Serve/Api/Resource/Default/invocations/POST'], ['Serve/Api/Resource/Default/invocations/POST/Resource']),
    ack('cloudwatch_alarm_action_check', NO_ACTION_ALARMS, NO_ACTION_ALARMS.map((a) => `${a}/Resource`)),
    ...ackShared('CloudWatchAlarmAction', NO_ACTION_ALARMS),
    ack('NIST.800.53.R5-APIGWAssociatedWithWAF', [STAGE]),
    ...ALWAYS,
  ]);
});

test('an inference API with WAF, Cognito, API keys, private access, CORS, targeting and alerts is compliant', () => {
  const app = complianceApp();
  const stack = new Stack(app, 'Serve', { env: TEST_ENV });
  const endpoint = ModelEndpoint.fromEndpointName(stack, 'Churn', 'churn', ['champion', 'challenger']);
  const userPool = new cognito.UserPool(stack, 'Users', {
    passwordPolicy: { minLength: 12, requireSymbols: true, requireDigits: true, requireLowercase: true, requireUppercase: true },
    standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
    featurePlan: cognito.FeaturePlan.PLUS,
    mfa: cognito.Mfa.REQUIRED,
    mfaSecondFactor: { sms: false, otp: true },
  });
  const vpce = ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(stack, 'ExecuteApi', { vpcEndpointId: 'vpce-0123456789abcdef0', port: 443 });
  const alerts = new AlertTopics(stack, 'Alerts');
  new InferenceApi(stack, 'Api', {
    endpoint, alerts,
    authorization: InferenceApiAuthorization.cognito({ userPools: [userPool] }),
    usagePlans: [{ id: 'Partner', apiKeys: [new apigateway.ApiKey(stack, 'PartnerKey')], throttle: { rateLimit: 10, burstLimit: 20 }, quota: { limit: 100000 } }],
    privateAccess: { vpcEndpoints: [vpce] },
    waf: { rateLimit: 500, evaluationWindow: Duration.minutes(1) },
    request: { contentTypes: ['application/json', 'text/csv'], maxBodySize: Size.mebibytes(1) },
    cors: { allowOrigin: 'https://app.example.com' },
    variantTargeting: VariantTargeting.fromHeader('X-Target-Variant'),
  });
  checkCompliance(app, 'InferenceApi full', [...ALWAYS, ...ackShared('WAFv2LoggingEnabled', ['Serve/Api/WebAcl'], ['Serve/Api/WebAcl'])]);
});
