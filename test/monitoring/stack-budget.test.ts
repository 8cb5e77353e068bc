import { CfnResource, Stack } from 'aws-cdk-lib';
import { EndpointAlarms, EndpointDashboard, ModelEndpoint } from '../../lib';
import { TEST_ENV, testApp } from '../util';

// #12 item 2: CloudFormation allows 500 resources and 1 MB per template
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html). A stack of monitored endpoints
// that passes either fails at synth with the count, the limit and how to split, not with CDK's generic resource error (or
// CloudFormation's, at deploy, for the size).

function monitored(fillers: number, fillerBytes = 0) {
  const app = testApp();
  const stack = new Stack(app, 'Serve', { env: TEST_ENV });
  for (const name of ['churn', 'upsell']) {
    const endpoint = ModelEndpoint.fromEndpointAttributes(stack, `Endpoint-${name}`, { endpointName: name, variantNames: ['champion', 'challenger'] });
    const alarms = new EndpointAlarms(stack, `Alarms-${name}`, { endpoint });
    new EndpointDashboard(stack, `Dashboard-${name}`, { endpoint, alarms });
  }
  const ours = stack.node.findAll().filter((c) => CfnResource.isCfnResource(c)).length;
  for (let i = 0; i < fillers; i++) {
    new CfnResource(stack, `Filler${i}`, { type: 'AWS::SNS::Topic', properties: fillerBytes ? { DisplayName: 'x'.repeat(fillerBytes) } : {} });
  }
  return { app, ours };
}

describe('the resource and size budget of a stack of monitored endpoints', () => {
  test('500 resources synthesize, 501 fail naming the count, the limit, the endpoints and how to split', () => {
    const base = monitored(0).ours;
    // (2 x (8 alarms + 1 composite + 1 dashboard))
    expect(base).toBe(20);
    expect(() => monitored(500 - base).app.synth()).not.toThrow();
    expect(() => monitored(501 - base).app.synth()).toThrow(new RegExp(
      'cdk-mlops: stack Serve defines 501 resources; CloudFormation allows 500 per stack \\(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html\\)\\. '
      + 'It monitors 2 endpoint\\(s\\), about 251 resources each: split it into stacks of at most 1 monitored endpoints \\(e\\.g\\. one Stack per ModelEndpoint'));
  });

  test('a template over 1 MB fails at synth with its size, under it synthesizes', () => {
    // 120 resources of 9,000-character properties: about 1.08 MB; 100 of them: about 0.9 MB.
    expect(() => monitored(100, 9000).app.synth()).not.toThrow();
    expect(() => monitored(120, 9000).app.synth()).toThrow(/cdk-mlops: stack Serve has a template of about 1\d{6} bytes; CloudFormation allows 1048576 \(1 MB\)/);
  });
});
