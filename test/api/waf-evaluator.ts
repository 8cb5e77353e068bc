/**
 * A small evaluator of AWS WAF rule statements, as CloudFormation renders them (PascalCase), for the statement types the inference
 * API's web ACL uses. What it follows from AWS's documentation:
 * - a request that lacks the component a statement inspects does not match it
 *   (https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-fields-list.html);
 * - a single header is looked up by name, case-insensitively (same page, "Single header");
 * - a size constraint compares the component's size in bytes with Size (GT: greater than)
 *   (https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-size-constraint-match.html);
 * - AND matches when every nested statement matches (https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-and.html),
 *   NOT when its statement does not (https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statements-logical.html).
 * Regex patterns are run with JavaScript's RegExp, which agrees with PCRE on the anchors, classes, alternation and bounded
 * repetition the body-limit pattern uses. Anything else throws, so a statement the evaluator cannot judge fails the test.
 */

export interface WafRequest {
  readonly method: string;
  /** Header names in any case; a header not listed is absent. */
  readonly headers: Record<string, string>;
}

function component(fieldToMatch: any, request: WafRequest): string | undefined {
  const keys = Object.keys(fieldToMatch);
  if (keys.length !== 1) {
    throw new Error(`FieldToMatch must have one component, got ${JSON.stringify(fieldToMatch)}`);
  }
  if (fieldToMatch.SingleHeader) {
    const name = String(fieldToMatch.SingleHeader.Name).toLowerCase();
    const found = Object.entries(request.headers).find(([k]) => k.toLowerCase() === name);
    return found?.[1];
  }
  if (fieldToMatch.Method) {
    return request.method;
  }
  throw new Error(`unsupported FieldToMatch ${keys[0]}`);
}

function transformed(statement: any, value: string): string {
  for (const t of statement.TextTransformations ?? []) {
    if (t.Type !== 'NONE') {
      throw new Error(`unsupported text transformation ${t.Type}`);
    }
  }
  return value;
}

const SIZE_OPERATORS: Record<string, (a: number, b: number) => boolean> = {
  EQ: (a, b) => a === b, NE: (a, b) => a !== b, LE: (a, b) => a <= b, LT: (a, b) => a < b, GE: (a, b) => a >= b, GT: (a, b) => a > b,
};

/** Whether `statement` matches `request`. */
export function matches(statement: any, request: WafRequest): boolean {
  const kinds = Object.keys(statement);
  if (kinds.length !== 1) {
    throw new Error(`a statement must have one type, got ${kinds.join(', ')}`);
  }
  const kind = kinds[0];
  const s = statement[kind];
  switch (kind) {
    case 'AndStatement':
      if (!Array.isArray(s.Statements) || s.Statements.length < 2) {
        throw new Error('AndStatement needs at least two statements');
      }
      return s.Statements.every((x: any) => matches(x, request));
    case 'OrStatement':
      if (!Array.isArray(s.Statements) || s.Statements.length < 2) {
        throw new Error('OrStatement needs at least two statements');
      }
      return s.Statements.some((x: any) => matches(x, request));
    case 'NotStatement':
      return !matches(s.Statement, request);
    case 'RegexMatchStatement': {
      const value = component(s.FieldToMatch, request);
      return value !== undefined && new RegExp(s.RegexString).test(transformed(s, value));
    }
    case 'SizeConstraintStatement': {
      const value = component(s.FieldToMatch, request);
      const op = SIZE_OPERATORS[s.ComparisonOperator];
      if (!op) {
        throw new Error(`unsupported ComparisonOperator ${s.ComparisonOperator}`);
      }
      return value !== undefined && op(Buffer.byteLength(transformed(s, value), 'utf8'), s.Size);
    }
    case 'ByteMatchStatement': {
      const value = component(s.FieldToMatch, request);
      if (value === undefined) {
        return false;
      }
      const v = transformed(s, value);
      const search = String(s.SearchString);
      switch (s.PositionalConstraint) {
        case 'EXACTLY': return v === search;
        case 'STARTS_WITH': return v.startsWith(search);
        case 'ENDS_WITH': return v.endsWith(search);
        case 'CONTAINS': return v.includes(search);
        default: throw new Error(`unsupported PositionalConstraint ${s.PositionalConstraint}`);
      }
    }
    default:
      throw new Error(`unsupported statement ${kind}`);
  }
}
