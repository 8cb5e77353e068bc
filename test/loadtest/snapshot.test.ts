import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { fullProps, minimalProps } from './fixtures';
import { driftFixture } from '../drift/fixtures';
import { EndpointLoadTest } from '../../lib/loadtest';
import { testApp } from '../util';

/** What the load test defines: its resources and the stack's shared load-test aggregation (not the lake, not the endpoint). */
function loadTestResources(stack: Stack): Record<string, unknown> {
  const template = Template.fromStack(stack).toJSON();
  return Object.fromEntries(Object.entries<any>(template.Resources).filter(([id]) => id.startsWith('LoadTest') || id.startsWith('cdkmlopsloadtest')));
}

test('a minimal load test matches the snapshot', () => {
  const f = driftFixture(testApp());
  new EndpointLoadTest(f.stack, 'LoadTest', minimalProps(f));
  expect(loadTestResources(f.stack)).toMatchSnapshot();
});

test('a load test with every option matches the snapshot', () => {
  const f = driftFixture(testApp());
  new EndpointLoadTest(f.stack, 'LoadTest', fullProps(f));
  expect(loadTestResources(f.stack)).toMatchSnapshot();
});
