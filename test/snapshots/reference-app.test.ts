import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildReferenceApp } from '../../bin/reference-app';
import { testApp } from '../util';

// The tripwire: any change to a synthesized template of the reference app shows up here.
// Asset hashes are masked (asset-hash-serializer.js), so the snapshots do not depend on the machine.
const app = testApp();
buildReferenceApp(app);
const stacks = app.node.children.filter(Stack.isStack);

test('the reference app has its stacks', () => {
  expect(stacks.map((s) => s.stackName)).toMatchSnapshot();
});

test.each(stacks.map((s) => [s.stackName, s] as const))('%s matches its snapshot', (_name, stack) => {
  expect(Template.fromStack(stack).toJSON()).toMatchSnapshot();
});
