import { Template } from 'aws-cdk-lib/assertions';
import { fixture, fullProps, minimalProps } from './fixtures';
import { TrainingPipeline } from '../../lib/training';

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
