import { Template } from 'aws-cdk-lib/assertions';
import { batch, batchFixture, fullBatchProps } from './batch-fixtures';
import * as lib from '../../lib';

test('a minimal batch transform matches its snapshot', () => {
  const f = batchFixture();
  batch(f);
  expect(Template.fromStack(f.stack).toJSON()).toMatchSnapshot();
});

test('a batch transform with every option matches its snapshot', () => {
  const f = batchFixture();
  batch(f, fullBatchProps(f));
  expect(Template.fromStack(f.stack).toJSON()).toMatchSnapshot();
});

test('the package entry point exports the batch transform API', () => {
  expect(Object.keys(lib)).toEqual(expect.arrayContaining([
    'BatchTransform', 'TransformModel', 'TransformInstanceType', 'BatchStrategy', 'SplitType', 'AssembleWith', 'JoinSource',
  ]));
});
