import { CfnParameter, Duration, Size, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ModelEndpoint } from '../../lib';
import { InferenceApi, InferenceApiAuthorization, InferenceApiProps, VariantTargeting } from '../../lib/api';
import { TEST_ENV, testApp } from '../util';

type Extra = Omit<InferenceApiProps, 'endpoint'>;

function build(extra: (stack: Stack) => Extra, variantNames: string[] | undefined = ['champion', 'challenger']) {
  const stack = new Stack(testApp(), 'Serve', { env: TEST_ENV });
  const endpoint = ModelEndpoint.fromEndpointName(stack, 'Churn', 'churn', variantNames);
  return () => new InferenceApi(stack, 'Api', { endpoint, ...extra(stack) });
}

const key = (stack: Stack) => new apigateway.ApiKey(stack, 'Key');

describe('InferenceApi bad input', () => {
  test.each([
    ['burst below rate', { rateLimit: 100, burstLimit: 99 }, /InferenceApi Serve\/Api: throttle.burstLimit must be at least rateLimit \(100\).*got 99/],
    ['a rate of 0', { rateLimit: 0, burstLimit: 10 }, /throttle.rateLimit must be a number of requests per second > 0, got 0/],
    ['a fractional burst', { rateLimit: 1, burstLimit: 1.5 }, /throttle.burstLimit must be a whole number >= 1, got 1.5/],
  ])('fails when the stage throttle has %s', (_what, throttle, error) => {
    expect(build(() => ({ throttle }))).toThrow(error);
  });

  test('accepts a burst equal to the rate, and a fractional rate', () => {
    expect(build(() => ({ throttle: { rateLimit: 100, burstLimit: 100 } }))).not.toThrow();
    expect(build(() => ({ throttle: { rateLimit: 0.5, burstLimit: 1 } }))).not.toThrow();
  });

  test('fails when the method throttle has burst below rate, or exceeds the stage throttle', () => {
    expect(build(() => ({ methodThrottle: { rateLimit: 10, burstLimit: 9 } }))).toThrow(/methodThrottle.burstLimit must be at least rateLimit \(10\)/);
    expect(build(() => ({ methodThrottle: { rateLimit: 101, burstLimit: 201 } })))
      .toThrow(/2 problems:\n {2}- methodThrottle.rateLimit must be at most the stage's rateLimit \(100\), got 101\n {2}- methodThrottle.burstLimit must be at most the stage's burstLimit \(200\), got 201/);
    expect(build(() => ({ methodThrottle: { rateLimit: 100, burstLimit: 200 } }))).not.toThrow();
  });

  test('fails when a usage plan has no keys, and when a plan throttles burst below rate', () => {
    expect(build(() => ({ usagePlans: [{ id: 'Partner', apiKeys: [] }] })))
      .toThrow(/usagePlans\[0\].apiKeys must be at least one API key \(a usage plan without keys throttles no one\), got \[\]/);
    expect(build((s) => ({ usagePlans: [{ id: 'Partner', apiKeys: [key(s)], throttle: { rateLimit: 10, burstLimit: 5 } }] })))
      .toThrow(/usagePlans\[0\].throttle.burstLimit must be at least rateLimit \(10\)/);
    expect(build((s) => ({ usagePlans: [{ id: 'Partner', apiKeys: [key(s)], quota: { limit: 0 } }] }))).toThrow(/usagePlans\[0\].quota.limit must be a whole number >= 1, got 0/);
    expect(build((s) => ({ usagePlans: [{ id: 'Partner', apiKeys: [key(s)], throttle: { rateLimit: 10, burstLimit: 10 }, quota: { limit: 1 } }] }))).not.toThrow();
  });

  test('fails when usagePlans is an empty list', () => {
    expect(build(() => ({ usagePlans: [] }))).toThrow(/InferenceApi Serve\/Api: usagePlans must be at least one usage plan, or no usagePlans, got \[\]/);
  });

  test('fails when two usage plans have one id', () => {
    expect(build((s) => {
      const k = key(s);
      return { usagePlans: [{ id: 'P', apiKeys: [k] }, { id: 'P', apiKeys: [k] }] };
    })).toThrow(/usagePlans\[1\].id must be unique among the usage plans, got 'P'/);
  });

  test('fails when the body limit is above 6 MB, and accepts exactly 6 MB', () => {
    expect(build(() => ({ waf: {}, request: { maxBodySize: Size.bytes(6 * 1024 * 1024 + 1) } })))
      .toThrow(/request.maxBodySize must be from 1 byte to SageMaker's InvokeEndpoint limit of 6 MB \(6291456 bytes\), got '6291457 bytes'/);
    expect(build(() => ({ waf: {}, request: { maxBodySize: Size.mebibytes(6) } }))).not.toThrow();
    expect(build(() => ({ waf: {}, request: { maxBodySize: Size.bytes(0) } }))).toThrow(/request.maxBodySize must be from 1 byte/);
  });

  test('fails when a body limit below 6 MB is asked without the web ACL that enforces it', () => {
    expect(build(() => ({ request: { maxBodySize: Size.mebibytes(1) } }))).toThrow(/request.maxBodySize must be left at 6 MB without waf/);
    expect(build(() => ({ request: { maxBodySize: Size.mebibytes(6) } }))).not.toThrow();
  });

  test('fails when the WAF rate limit is below AWS WAF\'s minimum of 10, and accepts 10', () => {
    expect(build(() => ({ waf: { rateLimit: 9 } }))).toThrow(/waf.rateLimit must be a whole number from AWS WAF's minimum of 10 to 2000000000, got 9/);
    expect(build(() => ({ waf: { rateLimit: 10 } }))).not.toThrow();
    expect(build(() => ({ waf: { rateLimit: 2_000_000_001 } }))).toThrow(/waf.rateLimit must be/);
  });

  test('fails when the WAF evaluation window is not 1, 2, 5 or 10 minutes', () => {
    expect(build(() => ({ waf: { evaluationWindow: Duration.minutes(3) } }))).toThrow(/waf.evaluationWindow must be 1, 2, 5 or 10 minutes, got 3 minutes/);
    expect(build(() => ({ waf: { evaluationWindow: Duration.minutes(10) } }))).not.toThrow();
  });

  test('fails when a Cognito authorizer has no user pool', () => {
    expect(build(() => ({ authorization: InferenceApiAuthorization.cognito({ userPools: [] }) })))
      .toThrow(/authorization.userPools must be at least one Cognito user pool \(a Cognito authorizer needs a pool\), got \[\]/);
    expect(build(() => ({ authorization: InferenceApiAuthorization.cognito(undefined as any) }))).toThrow(/authorization.userPools must be a list of at least one Cognito user pool/);
  });

  test('fails when an authorizer cache is over an hour', () => {
    expect(build((s) => ({
      authorization: InferenceApiAuthorization.lambdaAuthorizer({ handler: lambda.Function.fromFunctionName(s, 'F', 'authz'), resultsCacheTtl: Duration.seconds(3601) }),
    }))).toThrow(/authorization.resultsCacheTtl must be a whole number of seconds from 0 to 3600, got 1 hour 1 second/);
  });

  test('fails when the variant named for targeting is not on the endpoint', () => {
    expect(build(() => ({ variantTargeting: VariantTargeting.fromHeader('X-Target-Variant', { variantNames: ['champion', 'canary'] }) })))
      .toThrow(/variantTargeting.variantNames must be a production variant of endpoint 'churn' \('champion', 'challenger'\), got 'canary'/);
    expect(build(() => ({ variantTargeting: VariantTargeting.fromHeader('X-Target-Variant', { variantNames: ['champion'] }) }))).not.toThrow();
  });

  test('fails when targeting an imported endpoint that lists no variants', () => {
    expect(build(() => ({ variantTargeting: VariantTargeting.fromHeader('X-Target-Variant') }), []))
      .toThrow(/variantTargeting.variantNames must be at least one variant \(the endpoint lists none/);
  });

  test('fails when the targeting header is reserved, or authorizer context is used without a Lambda authorizer', () => {
    expect(build(() => ({ variantTargeting: VariantTargeting.fromHeader('X-Amzn-Variant') }))).toThrow(/variantTargeting.headerName must be a header name/);
    expect(build(() => ({ variantTargeting: VariantTargeting.fromAuthorizerContext('variant') })))
      .toThrow(/variantTargeting must be used with InferenceApiAuthorization.lambdaAuthorizer\(\)/);
  });

  test('fails on an empty or malformed content type list', () => {
    expect(build(() => ({ request: { contentTypes: [] } }))).toThrow(/request.contentTypes must be at least one content type/);
    expect(build(() => ({ request: { contentTypes: ['text/csv; charset=utf-8'] } }))).toThrow(/request.contentTypes must be a media type/);
  });

  test.each([
    'image/jpeg', 'image/png', 'application/x-npy', 'application/x-npz', 'application/octet-stream', 'application/x-image',
    'application/x-recordio-protobuf', 'audio/wav', 'application/x-jsonlinesx', 'application/jsonx',
  ])('fails on the binary (or unknown) content type %s, naming the text types allowed and base64 in JSON', (type) => {
    expect(build(() => ({ request: { contentTypes: ['application/json', type] } }))).toThrow(new RegExp(
      '^InferenceApi Serve/Api: request.contentTypes must be a text media type \\(text/\\*, application/json, application/jsonlines, '
      + 'application/x-jsonlines, application/x-ndjson, application/xml, application/\\*\\+json or application/\\*\\+xml\\): the API passes '
      + 'bodies to the model as UTF-8 text, so a binary body \\(image/\\*, application/x-npy, application/octet-stream, ...\\) would reach '
      + `it corrupted; send binary input base64-encoded inside JSON, and decode it in the model's input handler, got '${type.replace(/[+.]/g, '\\$&')}'$`,
    ));
  });

  test.each([
    'application/json', 'text/csv', 'text/plain', 'text/x-libsvm', 'application/jsonlines', 'application/x-jsonlines', 'application/x-ndjson',
    'application/xml', 'application/vnd.api+json', 'application/problem+json', 'application/atom+xml',
  ])('accepts the text content type %s', (type) => {
    expect(build(() => ({ request: { contentTypes: [type] } }))).not.toThrow();
  });

  test('lists every binary content type among the problems, and lets a token through', () => {
    expect(build(() => ({ request: { contentTypes: ['image/jpeg', 'text/csv', 'application/x-npy'] } })))
      .toThrow(/2 problems:\n {2}- request.contentTypes must be a text media type .*, got 'image\/jpeg'\n {2}- request.contentTypes must be a text media type .*, got 'application\/x-npy'$/);
    expect(build((s) => ({ request: { contentTypes: [new CfnParameter(s, 'Type').valueAsString] } }))).not.toThrow();
  });

  test('fails on a CORS origin with a path, or a bad stage name', () => {
    expect(build(() => ({ cors: { allowOrigin: 'https://app.example.com/path' } }))).toThrow(/cors.allowOrigin must be one origin/);
    expect(build(() => ({ stageName: 'v 1' }))).toThrow(/stageName must be up to 128 letters/);
  });

  test('fails when the endpoint is missing (JavaScript callers)', () => {
    const stack = new Stack(testApp(), 'Serve', { env: TEST_ENV });
    expect(() => new InferenceApi(stack, 'Api', {} as any)).toThrow(/InferenceApi Serve\/Api: endpoint must be an IModelEndpoint/);
  });

  test('fails on alarm tuning out of range', () => {
    expect(build(() => ({ alarms: { errorRate5xx: { thresholdPercent: 0 } } }))).toThrow(/alarms.errorRate5xx.thresholdPercent must be a percentage in \(0, 100\], got 0/);
    expect(build(() => ({ alarms: { latency: { threshold: Duration.millis(0) } } }))).toThrow(/alarms.latency.threshold must be a latency above 0 ms/);
  });
});
