import { Template } from 'aws-cdk-lib/assertions';
import { evaluateJsonata, fixture, fullProps, pipeline, stateMachineDefinition } from './fixtures';
import { hyperparametersExpression, invalidRunInputCondition } from '../../lib/training/private/run-input';
import { TrainingChannel } from '../../lib/training';

// The expressions are evaluated by the jsonata package (evaluateJsonata): nothing here re-implements JSONata.
const evaluate = evaluateJsonata;

const channels: TrainingChannel[] = [
  { name: 'train', zone: 'features', prefix: 'churn/train/' },
  { name: 'validation', zone: 'features', prefix: 'churn/validation/' },
];

describe('run input: hyperparameters', () => {
  const expression = hyperparametersExpression({ epochs: '20', lr: '0.001' });

  test('without overrides, the job gets the pipeline\'s hyperparameters', async () => {
    expect(await evaluate(expression, {})).toEqual({ epochs: '20', lr: '0.001' });
    expect(await evaluate(expression, { source: 'aws.events', detail: {} })).toEqual({ epochs: '20', lr: '0.001' });
  });

  test('an execution overrides and adds hyperparameters, converted to strings', async () => {
    expect(await evaluate(expression, { hyperparameters: { epochs: 40, early_stopping: true } }))
      .toEqual({ epochs: '40', lr: '0.001', early_stopping: 'true' });
    expect(await evaluate(expression, { hyperparameters: { lr: '0.01' } })).toEqual({ epochs: '20', lr: '0.01' });
  });

  test('a pipeline without hyperparameters takes the execution\'s', async () => {
    expect(await evaluate(hyperparametersExpression(undefined), { hyperparameters: { depth: 6 } })).toEqual({ depth: '6' });
    expect(await evaluate(hyperparametersExpression(undefined), {})).toEqual({});
  });
});

describe('run input: checks', () => {
  const condition = invalidRunInputCondition(channels);
  test.each([
    [{}, false],
    [{ source: 'aws.events', 'detail-type': 'Scheduled Event' }, false],
    [{ channels: { train: 'churn/train/2026-12/' } }, false],
    [{ channels: { train: 'churn/train/2026-12/', validation: 'churn/validation/2026-12/' } }, false],
    [{ hyperparameters: { epochs: 3 } }, false],
    // A data window outside the channel's prefix (the training role could not read it).
    [{ channels: { train: 'other/train/' } }, true],
    [{ channels: { train: 'churn/trainx/' } }, true],
    [{ channels: { train: 'churn/train' } }, true],
    [{ channels: { train: 'churn/train/*' } }, true],
    [{ channels: { train: 42 } }, true],
    [{ channels: { test: 'churn/test/' } }, true],
    [{ channels: 'churn/train/' }, true],
    [{ hyperparameters: 'epochs=3' }, true],
  ])('input %j is invalid: %s', async (input, invalid) => {
    expect(await evaluate(condition, input)).toBe(invalid);
  });
});

describe('run input: the state machine', () => {
  test('checks the input before training, and fails with InvalidRunInput before a job starts', () => {
    const f = fixture();
    pipeline(f, fullProps(f));
    const definition = stateMachineDefinition(Template.fromStack(f.stack).toJSON());
    expect(definition.States.NameTrainingJob.Next).toBe('CheckOtherRuns');
    expect(definition.States.OtherRunInProgress.Default).toBe('CheckRunInput');
    expect(definition.States.CheckRunInput.Default).toBe('Train');
    expect(definition.States.CheckRunInput.Choices[0].Next).toBe('InvalidRunInput');
    expect(definition.States.InvalidRunInput).toMatchObject({ Type: 'Fail', Error: 'InvalidRunInput' });
    const train = definition.States.Train.Arguments;
    expect(train.HyperParameters).toBe(hyperparametersExpression({ epochs: '20', lr: '0.001', early_stopping: 'true', objective: 'binary:logistic' }));
    expect(train.InputDataConfig[0].DataSource.S3DataSource.S3Uri)
      .toBe('{% ($p := $lookup($states.context.Execution.Input.channels, "train"); $type($p) = \'string\' '
        + '? \'s3://<ref>/churn/train/\' & $substring($p, 12) : \'s3://<ref>/churn/train/\') %}');
  });

  test('a data window becomes the channel\'s S3 URI under its prefix', async () => {
    const f = fixture();
    pipeline(f, { channels: [{ name: 'train', zone: 'curated', prefix: 'churn/train/' }] });
    const uri = stateMachineDefinition(Template.fromStack(f.stack).toJSON()).States.Train.Arguments.InputDataConfig[0].DataSource.S3DataSource.S3Uri;
    expect(await evaluate(uri, { channels: { train: 'churn/train/2026-12/' } })).toBe('s3://<ref>/churn/train/2026-12/');
    expect(await evaluate(uri, {})).toBe('s3://<ref>/churn/train/');
  });
});
