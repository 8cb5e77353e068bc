import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { fullRecommendationProps, minimalRecommendationProps, recommendationBase } from './recommendation-fixtures';
import { InferenceRecommendation } from '../../lib/loadtest';
import { testApp } from '../util';

/** What the inference recommendation defines (not the lake, the topics or the registry). */
function recommendationResources(stack: Stack): Record<string, unknown> {
  const template = Template.fromStack(stack).toJSON();
  return Object.fromEntries(Object.entries<any>(template.Resources).filter(([id]) => id.startsWith('RightSizing')));
}

test('a minimal inference recommendation matches the snapshot', () => {
  const f = recommendationBase(testApp());
  new InferenceRecommendation(f.stack, 'RightSizing', minimalRecommendationProps(f));
  expect(recommendationResources(f.stack)).toMatchSnapshot();
});

test('an inference recommendation with every option matches the snapshot', () => {
  const f = recommendationBase(testApp());
  new InferenceRecommendation(f.stack, 'RightSizing', fullRecommendationProps(f));
  expect(recommendationResources(f.stack)).toMatchSnapshot();
});
