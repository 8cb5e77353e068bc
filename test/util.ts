import * as fs from 'fs';
import * as path from 'path';
import { App, AppProps } from 'aws-cdk-lib';

/** The feature flags and context of cdk.json, so that tests synthesize what `cdk synth` does. */
export const CDK_CONTEXT: Record<string, unknown> = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', 'cdk.json'), 'utf-8'),
).context;

/** A fixed environment for unit-test stacks: no lookups, the same output on every machine. */
export const TEST_ENV = { account: '123456789012', region: 'us-east-1' };

/**
 * An App for unit tests: the project's feature flags, and the built-in CloudFormation validator off (it costs
 * about 2 s per process; the compliance suite keeps it on).
 */
export function testApp(props: AppProps = {}): App {
  return new App({
    builtinCloudFormationValidation: false,
    ...props,
    context: { ...CDK_CONTEXT, ...props.context },
  });
}
