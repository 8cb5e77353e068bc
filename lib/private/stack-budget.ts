import { CfnResource, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** CloudFormation's limits per template (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html). */
export const MAX_RESOURCES = 500;
export const MAX_TEMPLATE_BYTES = 1_048_576;
/** Below this many resources the template is not rendered for its size (it costs a second rendering of the stack). */
const SIZE_CHECK_FROM = 100;

const watched = new WeakMap<Stack, { monitored: Set<string> }>();

/**
 * Checks, once per stack and at synth, that the stack of a monitoring construct stays within CloudFormation's 500 resources
 * and 1 MB per template, and fails with the count, the limit and how to split instead of CDK's generic error (or
 * CloudFormation's, at deploy time, for the size). `endpointName` counts the monitored endpoints of the stack.
 */
export function watchStackBudget(scope: IConstruct, endpointName: string): void {
  const stack = Stack.of(scope);
  const known = watched.get(stack);
  if (known) {
    known.monitored.add(endpointName);
    return;
  }
  const state = { monitored: new Set([endpointName]) };
  watched.set(stack, state);
  stack.node.addValidation({
    validate: () => {
      const resources = stack.node.findAll().filter((c) => CfnResource.isCfnResource(c) && Stack.of(c) === stack).length;
      const bytes = resources >= SIZE_CHECK_FROM ? templateBytes(stack) : undefined;
      if (resources <= MAX_RESOURCES && (bytes === undefined || bytes <= MAX_TEMPLATE_BYTES)) {
        return [];
      }
      const n = state.monitored.size;
      const perEndpoint = Math.ceil(resources / n);
      const fit = Math.max(1, Math.floor(Math.min(MAX_RESOURCES / perEndpoint, bytes ? (MAX_TEMPLATE_BYTES / bytes) * n : Infinity)));
      const over = resources > MAX_RESOURCES
        ? `defines ${resources} resources; CloudFormation allows ${MAX_RESOURCES} per stack`
        : `has a template of about ${bytes} bytes; CloudFormation allows ${MAX_TEMPLATE_BYTES} (1 MB)`;
      return [`cdk-mlops: stack ${stack.stackName} ${over} (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html). `
        + `It monitors ${n} endpoint(s), about ${perEndpoint} resources each: split it into stacks of at most ${fit} monitored endpoints `
        + '(e.g. one Stack per ModelEndpoint with its EndpointAlarms, DriftMonitor and EndpointDashboard, cross-stack references to the shared '
        + 'lake and alert topics), or define fewer alarms (EndpointAlarms `alarms` / `perVariant: false`, DriftMonitor `perFeatureMetrics: false`).'];
    },
  });
}

/**
 * The size of the template the synthesizer will write (JSON, indented by one space as CDK writes it). Stack has no public
 * renderer before synthesis: `_toCloudFormation()` is the one synthesis calls; where a later aws-cdk-lib lacks it, the size
 * is not checked (the limits checker of the tests still is).
 */
function templateBytes(stack: Stack): number | undefined {
  const render = (stack as unknown as { _toCloudFormation?: () => unknown })._toCloudFormation;
  if (typeof render !== 'function') {
    return undefined;
  }
  return Buffer.byteLength(JSON.stringify(render.call(stack), undefined, 1));
}
