import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

/** What the web ACL of an inference API holds. */
export interface WebAclSpec {
  readonly name: string;
  /** Requests per client IP over the evaluation window above which requests are blocked. */
  readonly rateLimit: number;
  readonly evaluationWindowSeconds: number;
  /** The largest Content-Length accepted, in bytes. */
  readonly maxBodyBytes: number;
  /** The stage ARN the web ACL protects. */
  readonly stageArn: string;
}

/**
 * A regular expression that matches exactly the decimal numbers from 0 to `max` (no sign, no leading zeros except 0).
 * AWS WAF regex match statements use PCRE syntax (https://docs.aws.amazon.com/waf/latest/developerguide/waf-regex-pattern-support.html).
 */
export function upToRegex(max: number): string {
  const digits = String(Math.floor(max));
  const n = digits.length;
  const alternatives: string[] = [];
  if (n > 1) {
    alternatives.push('0', n > 2 ? `[1-9][0-9]{0,${n - 2}}` : '[1-9]');
  }
  for (let i = 0; i < n; i++) {
    const d = Number(digits[i]);
    const low = i === 0 && n > 1 ? 1 : 0;
    if (d - 1 >= low) {
      const rest = n - i - 1;
      alternatives.push(`${digits.slice(0, i)}[${low}-${d - 1}]${rest > 0 ? `[0-9]{${rest}}` : ''}`);
    }
  }
  alternatives.push(digits);
  return `^(${alternatives.join('|')})$`;
}

function visibility(metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty {
  return { cloudWatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true };
}

const CONTENT_LENGTH: wafv2.CfnWebACL.FieldToMatchProperty = { singleHeader: { Name: 'content-length' } };
const NO_TRANSFORMATION: wafv2.CfnWebACL.TextTransformationProperty[] = [{ priority: 0, type: 'NONE' }];

/**
 * The statement of the body-limit rule: the request has a Content-Length header AND its value is not a decimal number from 0 to
 * `maxBodyBytes`. AWS WAF evaluates a request that lacks the inspected component as not matching
 * (https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-fields-list.html), so a NOT of the regex alone matched
 * every request without the header (CORS preflights, chunked uploads) and blocked it; the size constraint (header size > 0, AWS's
 * own test that a header exists and has a value:
 * https://docs.aws.amazon.com/waf/latest/developerguide/waf-rate-based-example-limit-missing-header.html) keeps those out.
 * Requests without Content-Length are not limited here: SageMaker's 6 MB limit still applies to them.
 */
export function bodyLimitStatement(maxBodyBytes: number): wafv2.CfnWebACL.StatementProperty {
  return {
    andStatement: {
      statements: [
        { sizeConstraintStatement: { fieldToMatch: CONTENT_LENGTH, comparisonOperator: 'GT', size: 0, textTransformations: NO_TRANSFORMATION } },
        {
          notStatement: {
            statement: {
              regexMatchStatement: { regexString: upToRegex(maxBodyBytes), fieldToMatch: CONTENT_LENGTH, textTransformations: NO_TRANSFORMATION },
            },
          },
        },
      ],
    },
  };
}

/**
 * A regional web ACL in front of the stage: a rate-based rule per client IP
 * (https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-rate-based-high-level-settings.html), a
 * Content-Length limit, and the AWS managed common rule set
 * (https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-baseline.html) with its SizeRestrictions_BODY
 * rule counted instead of blocking: it blocks bodies over 8 KB, and model inputs are commonly larger (the Content-Length rule
 * bounds them instead).
 */
export function defineWebAcl(scope: Construct, spec: WebAclSpec): { webAcl: wafv2.CfnWebACL; association: wafv2.CfnWebACLAssociation } {
  const webAcl = new wafv2.CfnWebACL(scope, 'WebAcl', {
    name: spec.name,
    scope: 'REGIONAL',
    defaultAction: { allow: {} },
    visibilityConfig: visibility(spec.name),
    rules: [
      {
        name: 'RateLimitPerIp',
        priority: 0,
        action: { block: {} },
        statement: { rateBasedStatement: { limit: spec.rateLimit, evaluationWindowSec: spec.evaluationWindowSeconds, aggregateKeyType: 'IP' } },
        visibilityConfig: visibility(`${spec.name}-rate-limit`),
      },
      {
        name: 'BodyWithinLimit',
        priority: 1,
        action: { block: {} },
        statement: bodyLimitStatement(spec.maxBodyBytes),
        visibilityConfig: visibility(`${spec.name}-body-limit`),
      },
      {
        name: 'AWSManagedRulesCommonRuleSet',
        priority: 2,
        overrideAction: { none: {} },
        statement: {
          managedRuleGroupStatement: {
            vendorName: 'AWS',
            name: 'AWSManagedRulesCommonRuleSet',
            ruleActionOverrides: [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }],
          },
        },
        visibilityConfig: visibility(`${spec.name}-common`),
      },
    ],
  });
  const association = new wafv2.CfnWebACLAssociation(scope, 'WebAclAssociation', {
    resourceArn: spec.stageArn,
    webAclArn: webAcl.attrArn,
  });
  return { webAcl, association };
}
