import { Token } from 'aws-cdk-lib';
import { InputErrors } from './validation';

/**
 * The one rule for key prefixes in a lake zone, used both for the IAM grants and for what handlers receive, so that the two
 * never disagree (a grant on `captures/*` and a handler listing `captures-old/` fail at run time with AccessDenied).
 *
 * - `undefined` and `''` mean the whole zone;
 * - a prefix is a folder: `datasets/churn` is normalised to `datasets/churn/` (else a grant on `datasets/churn*` also covers
 *   `datasets/churn-pii/`);
 * - a leading `/`, an empty segment (`a//b`), and the IAM wildcards `*` and `?` are refused: S3 keys never start with `/`,
 *   and a wildcard in a prefix would widen the grant beyond the objects it names;
 * - a token cannot be checked at synth and is passed as given (it must end with `/`).
 *
 * Records a problem in `errors` and returns `undefined` when the prefix is refused.
 */
export function normalizePrefix(errors: InputErrors, prop: string, prefix: string | undefined): string | undefined {
  if (prefix === undefined || prefix === '') {
    return '';
  }
  if (Token.isUnresolved(prefix)) {
    return prefix;
  }
  if (typeof prefix !== 'string' || prefix.startsWith('/') || prefix.includes('//') || /[*?]/.test(prefix)) {
    errors.add(prop, prefix, "a key prefix such as 'datasets/churn/': no leading '/', no empty segment ('//'), no '*' or '?'");
    return undefined;
  }
  return prefix.endsWith('/') ? prefix : `${prefix}/`;
}

/**
 * The form of a normalised prefix that the handlers take: without its trailing slash (they join `<prefix>/<endpoint>/...`).
 * `''` stays `''`.
 */
export function handlerPrefix(normalised: string): string {
  return Token.isUnresolved(normalised) ? normalised : normalised.replace(/\/$/, '');
}

/**
 * Checks an exact object key (not a prefix): not empty, no leading `/`, no IAM wildcard.
 */
export function checkObjectKey(errors: InputErrors, prop: string, key: string | undefined): boolean {
  if (key !== undefined && Token.isUnresolved(key)) {
    return true;
  }
  if (typeof key !== 'string' || key.length === 0 || key.startsWith('/') || key.endsWith('/') || /[*?]/.test(key)) {
    errors.add(prop, key, "an S3 object key such as 'churn/v3/model.tar.gz': not empty, no leading or trailing '/', no '*' or '?'");
    return false;
  }
  return true;
}
