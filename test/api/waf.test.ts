import { Size, Stack } from 'aws-cdk-lib';
import { ModelEndpoint } from '../../lib';
import { InferenceApi } from '../../lib/api';
import { Readable } from '../exact';
import { TEST_ENV, testApp } from '../util';
import { WafRequest, matches } from './waf-evaluator';

/** The BodyWithinLimit rule of an API whose body limit is `maxBodySize`, as synthesized. */
function bodyLimitRule(maxBodySize?: Size): any {
  const stack = new Stack(testApp(), 'Serve', { env: TEST_ENV });
  const endpoint = ModelEndpoint.fromEndpointName(stack, 'Churn', 'churn', ['champion']);
  new InferenceApi(stack, 'Api', { endpoint, waf: {}, cors: { allowOrigin: 'https://app.example.com' }, request: { maxBodySize } });
  const acl: any = Object.values(Readable.of(stack).resources('AWS::WAFv2::WebACL'))[0];
  const rule = acl.Rules.find((r: any) => r.Name === 'BodyWithinLimit');
  expect(rule.Action).toEqual({ Block: {} });
  return rule;
}

const post = (headers: Record<string, string>): WafRequest => ({ method: 'POST', headers: { 'Content-Type': 'application/json', ...headers } });

describe('the web ACL body-limit rule, evaluated on requests', () => {
  const KIB_512 = 512 * 1024;
  const rule = bodyLimitRule(Size.kibibytes(512));
  const blocked = (request: WafRequest) => matches(rule.Statement, request);

  test('lets a CORS preflight through: OPTIONS has no Content-Length', () => {
    expect(blocked({
      method: 'OPTIONS',
      headers: { 'Origin': 'https://app.example.com', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
    })).toBe(false);
  });

  test('lets a chunked POST through: it has no Content-Length (SageMaker still bounds it at 6 MB)', () => {
    expect(blocked(post({ 'Transfer-Encoding': 'chunked' }))).toBe(false);
    expect(blocked(post({}))).toBe(false);
  });

  test('lets a body at the limit through and blocks one byte more, whatever the header name\'s case', () => {
    expect(blocked(post({ 'Content-Length': String(KIB_512) }))).toBe(false);
    expect(blocked(post({ 'content-length': String(KIB_512 - 1) }))).toBe(false);
    expect(blocked(post({ 'Content-Length': String(KIB_512 + 1) }))).toBe(true);
    expect(blocked(post({ 'CONTENT-LENGTH': String(KIB_512 + 1) }))).toBe(true);
    expect(blocked(post({ 'Content-Length': '0' }))).toBe(false);
    expect(blocked(post({ 'Content-Length': '1' }))).toBe(false);
    expect(blocked(post({ 'Content-Length': String(6 * 1024 * 1024) }))).toBe(true);
    expect(blocked(post({ 'Content-Length': '10000000000' }))).toBe(true);
  });

  test('blocks a Content-Length that is not a plain decimal number', () => {
    for (const value of ['abc', '-1', '+5', '1.5', '1e3', ' 100', '100 ', '0x10', '01', '100, 100']) {
      expect([value, blocked(post({ 'Content-Length': value }))]).toEqual([value, true]);
    }
  });

  test('an empty Content-Length counts as missing (size 0, as in AWS\'s missing-header example) and is not blocked here', () => {
    expect(blocked(post({ 'Content-Length': '' }))).toBe(false);
  });

  test('applies to any method that declares a body, not only POST', () => {
    expect(blocked({ method: 'PUT', headers: { 'Content-Length': String(KIB_512 + 1) } })).toBe(true);
    expect(blocked({ method: 'OPTIONS', headers: { 'Content-Length': '0' } })).toBe(false);
  });

  test('the default limit is SageMaker\'s 6 MB, both sides', () => {
    const defaultRule = bodyLimitRule();
    const limit = 6 * 1024 * 1024;
    expect(matches(defaultRule.Statement, post({ 'Content-Length': String(limit) }))).toBe(false);
    expect(matches(defaultRule.Statement, post({ 'Content-Length': String(limit + 1) }))).toBe(true);
    expect(matches(defaultRule.Statement, { method: 'OPTIONS', headers: {} })).toBe(false);
  });
});

describe('the WAF statement evaluator', () => {
  const header = (regex: string) => ({ RegexMatchStatement: { RegexString: regex, FieldToMatch: { SingleHeader: { Name: 'x-a' } }, TextTransformations: [{ Priority: 0, Type: 'NONE' }] } });

  test('treats a missing component as not matching, so NOT of it matches (the defect the body-limit rule had)', () => {
    expect(matches(header('^.*$'), { method: 'GET', headers: {} })).toBe(false);
    expect(matches({ NotStatement: { Statement: header('^1$') } }, { method: 'GET', headers: {} })).toBe(true);
  });

  test('refuses statements and transformations it cannot judge', () => {
    expect(() => matches({ GeoMatchStatement: { CountryCodes: ['US'] } }, { method: 'GET', headers: {} })).toThrow(/unsupported statement/);
    expect(() => matches({ RegexMatchStatement: { RegexString: 'a', FieldToMatch: { SingleHeader: { Name: 'x-a' } }, TextTransformations: [{ Priority: 0, Type: 'LOWERCASE' }] } },
      { method: 'GET', headers: { 'x-a': 'a' } })).toThrow(/unsupported text transformation/);
    expect(() => matches({ RegexMatchStatement: { RegexString: 'a', FieldToMatch: { Body: {} }, TextTransformations: [] } }, { method: 'GET', headers: {} }))
      .toThrow(/unsupported FieldToMatch/);
  });

  test('matches methods with a byte match, and combines with AND and OR', () => {
    const isPost = { ByteMatchStatement: { SearchString: 'POST', FieldToMatch: { Method: {} }, PositionalConstraint: 'EXACTLY', TextTransformations: [{ Priority: 0, Type: 'NONE' }] } };
    expect(matches(isPost, { method: 'POST', headers: {} })).toBe(true);
    expect(matches(isPost, { method: 'OPTIONS', headers: {} })).toBe(false);
    expect(matches({ AndStatement: { Statements: [isPost, header('^1$')] } }, { method: 'POST', headers: { 'X-A': '1' } })).toBe(true);
    expect(matches({ AndStatement: { Statements: [isPost, header('^1$')] } }, { method: 'POST', headers: {} })).toBe(false);
    expect(matches({ OrStatement: { Statements: [isPost, header('^1$')] } }, { method: 'GET', headers: { 'x-a': '1' } })).toBe(true);
  });
});
