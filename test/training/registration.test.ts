import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { fixture, fullProps, pipeline, stateMachineDefinition } from './fixtures';

function definitionOf(props: Parameters<typeof pipeline>[1] = {}) {
  const f = fixture();
  pipeline(f, props);
  return { f, definition: stateMachineDefinition(Template.fromStack(f.stack).toJSON()) };
}

describe('what a registered package and a job say about themselves', () => {
  test('the package states the real-time instance types it may be served on', () => {
    const { definition } = definitionOf({ supportedRealtimeInferenceInstanceTypes: ['ml.g5.xlarge', 'ml.m5.large'] });
    expect(definition.States.RegisterModel.Arguments.InferenceSpecification.SupportedRealtimeInferenceInstanceTypes)
      .toEqual(['ml.g5.xlarge', 'ml.m5.large']);
    expect(definitionOf().definition.States.RegisterModel.Arguments.InferenceSpecification.SupportedRealtimeInferenceInstanceTypes).toBeUndefined();
  });

  test('the package records the gate and the value the model reached', () => {
    const { definition } = definitionOf();
    expect(definition.States.RegisterModel.Arguments.CustomerMetadataProperties).toEqual({
      TrainingJobName: '{% $trainingJobName %}',
      GateMetric: 'validation:auc',
      GateComparison: 'GreaterThanOrEqual',
      GateThreshold: '0.85',
      MetricValue: '{% $string($metric) %}',
    });
  });

  test('jobs carry the cost-allocation tags given', () => {
    const { definition } = definitionOf({ jobTags: { team: 'churn', 'cost-center': '42' } });
    expect(definition.States.Train.Arguments.Tags).toEqual([{ Key: 'team', Value: 'churn' }, { Key: 'cost-center', Value: '42' }]);
    expect(definitionOf().definition.States.Train.Arguments.Tags).toBeUndefined();
  });

  test('fails on tags SageMaker rejects and on instance types that are not types', () => {
    const f = () => fixture();
    expect(() => pipeline(f(), { jobTags: { 'aws:team': 'x' } })).toThrow(/TrainingPipeline Train\/Churn: jobTags must be keys of 1-128 characters, not starting with 'aws:', got 'aws:team'/);
    expect(() => pipeline(f(), { jobTags: { team: 'x'.repeat(257) } })).toThrow(/jobTags\['team'\] must be at most 256 characters, got '257 characters'/);
    expect(() => pipeline(f(), { jobTags: { team: 'x'.repeat(256) } })).not.toThrow();
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
    expect(() => pipeline(f(), { jobTags: many })).toThrow(/jobTags must be at most 50 tags, got '51 tags'/);
    expect(() => pipeline(f(), { supportedRealtimeInferenceInstanceTypes: ['g5.xlarge'] }))
      .toThrow(/supportedRealtimeInferenceInstanceTypes\[0\] must be a SageMaker instance type such as 'ml.g5.xlarge', got 'g5.xlarge'/);
  });

  test('registering the training image as the serving image is not silent', () => {
    const { f } = definitionOf();
    Annotations.fromStack(f.stack).hasWarning('/Train/Churn', Match.stringLikeRegexp('No inferenceImage: the training image is registered'));
    const g = fixture();
    pipeline(g, fullProps(g));
    Annotations.fromStack(g.stack).hasNoWarning('/Train/Churn', Match.stringLikeRegexp('No inferenceImage'));
  });
});
