import { Template } from 'aws-cdk-lib/assertions';
import { fixture, fullProps, minimalProps } from './fixtures';
import { HyperparameterRange, ObjectiveDirection, RangeScaling, TrainingPipeline } from '../../lib/training';

test('a minimal training pipeline matches its snapshot', () => {
  const f = fixture();
  new TrainingPipeline(f.stack, 'Churn', minimalProps(f));
  expect(Template.fromStack(f.stack).toJSON()).toMatchSnapshot();
});

test('a training pipeline with every option matches its snapshot', () => {
  const f = fixture();
  new TrainingPipeline(f.stack, 'Churn', fullProps(f));
  expect(Template.fromStack(f.stack).toJSON()).toMatchSnapshot();
});

test('a tuned training pipeline matches its snapshot', () => {
  const f = fixture();
  new TrainingPipeline(f.stack, 'Churn', {
    ...fullProps(f),
    tensorBoard: false,
    tuning: {
      objective: { metricName: 'validation:auc', direction: ObjectiveDirection.MAXIMIZE },
      ranges: [HyperparameterRange.continuous('eta', 0.001, 0.3, RangeScaling.LOGARITHMIC), HyperparameterRange.categorical('booster', ['gbtree', 'dart'])],
      maxJobs: 12,
      maxParallelJobs: 3,
      earlyStopping: true,
    },
  });
  expect(Template.fromStack(f.stack).toJSON()).toMatchSnapshot();
});
