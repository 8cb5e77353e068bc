import { Duration } from 'aws-cdk-lib';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { Template } from 'aws-cdk-lib/assertions';
import { fixture, pipeline, roleStatements, stateMachineDefinition } from './fixtures';
import {
  HyperparameterRange, HyperparameterTuning, ObjectiveDirection, RangeScaling, TrainingPipelineProps, TuningStrategy, WarmStartType,
} from '../../lib/training';

const TUNING: HyperparameterTuning = {
  objective: { metricName: 'validation:auc', direction: ObjectiveDirection.MAXIMIZE },
  ranges: [
    HyperparameterRange.continuous('eta', 0.001, 0.3, RangeScaling.LOGARITHMIC),
    HyperparameterRange.integer('max_depth', 3, 10),
    HyperparameterRange.categorical('booster', ['gbtree', 'dart']),
  ],
};

function tuned(tuning: Partial<HyperparameterTuning> = {}, props: Partial<TrainingPipelineProps> = {}) {
  const f = fixture();
  const p = pipeline(f, { jobNamePrefix: 'churn', ...props, tuning: { ...TUNING, ...tuning } });
  return { f, p, template: Template.fromStack(f.stack).toJSON() };
}

function synthError(tuning: Partial<HyperparameterTuning>, props: Partial<TrainingPipelineProps> = {}): string {
  try {
    tuned(tuning, props);
  } catch (e) {
    return (e as Error).message;
  }
  return '';
}

describe('TrainingPipeline tuning', () => {
  test('runs a tuning job (createHyperParameterTuningJob.sync) named <prefix>-<12 hex digits>, with the whole search configuration', () => {
    const { template } = tuned({ earlyStopping: true, targetObjectiveValue: 0.95, maxJobsWithoutImprovement: 5, randomSeed: 3 });
    const tune = stateMachineDefinition(template).States.Tune;
    expect(tune.Resource).toBe('arn:<ref>:states:::sagemaker:createHyperParameterTuningJob.sync');
    expect(tune.Arguments.HyperParameterTuningJobName).toBe("{% 'churn-' & $substring($join($split($runId, '-')), 0, 12) %}");
    expect(tune.Arguments.HyperParameterTuningJobConfig).toEqual({
      Strategy: 'Bayesian',
      HyperParameterTuningJobObjective: { MetricName: 'validation:auc', Type: 'Maximize' },
      // Defaults: 10 jobs, 2 at a time; the runtime fits every wave of jobs: 5 x 24 hours.
      ResourceLimits: { MaxNumberOfTrainingJobs: 10, MaxParallelTrainingJobs: 2, MaxRuntimeInSeconds: 5 * 24 * 3600 },
      ParameterRanges: {
        ContinuousParameterRanges: [{ Name: 'eta', MinValue: '0.001', MaxValue: '0.3', ScalingType: 'Logarithmic' }],
        IntegerParameterRanges: [{ Name: 'max_depth', MinValue: '3', MaxValue: '10' }],
        CategoricalParameterRanges: [{ Name: 'booster', Values: ['gbtree', 'dart'] }],
      },
      TrainingJobEarlyStoppingType: 'Auto',
      TuningJobCompletionCriteria: { TargetObjectiveMetricValue: 0.95, BestObjectiveNotImproving: { MaxNumberOfTrainingJobsNotImproving: 5 } },
      RandomSeed: 3,
    });
    expect(Object.keys(tune.Arguments.TrainingJobDefinition).sort()).toEqual([
      'AlgorithmSpecification', 'EnableInterContainerTrafficEncryption', 'EnableNetworkIsolation', 'InputDataConfig', 'OutputDataConfig',
      'ResourceConfig', 'RetryStrategy', 'RoleArn', 'StaticHyperParameters', 'StoppingCondition',
    ]);
    expect(tune.Assign).toEqual({
      tuningJobName: "{% 'churn-' & $substring($join($split($runId, '-')), 0, 12) %}",
      trainingJobName: "{% $type($states.result.BestTrainingJob.TrainingJobName) = 'string' ? $states.result.BestTrainingJob.TrainingJobName : null %}",
      tuningJobCounters: '{% $exists($states.result.TrainingJobStatusCounters) ? $states.result.TrainingJobStatusCounters : {} %}',
    });
  });

  test('the training job definition carries spot, checkpoints under the tuning job, the volume key and the VPC over', () => {
    const { f } = tuned({ strategy: TuningStrategy.RANDOM, maxJobs: 6, maxParallelJobs: 3 },
      { spot: true, maxRuntime: Duration.hours(2), maxWait: Duration.hours(4) });
    const def = stateMachineDefinition(Template.fromStack(f.stack).toJSON()).States.Tune.Arguments.TrainingJobDefinition;
    expect(def.EnableManagedSpotTraining).toBe(true);
    expect(def.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 7200, MaxWaitTimeInSeconds: 14400 });
    expect(def.CheckpointConfig.S3Uri).toBe("{% 's3://<ref>/training/churn/checkpoints/' & 'churn-' & $substring($join($split($runId, '-')), 0, 12) & '/' %}");
    expect(def.ResourceConfig.VolumeKmsKeyId).toBe('<ref>');
    expect(def.OutputDataConfig.KmsKeyId).toBe('<ref>');
  });

  test('the state machine may drive only the pipeline\'s tuning jobs, and read only their training jobs', () => {
    const { template } = tuned();
    const statements = roleStatements(template, 'ChurnStateMachineRole');
    expect(statements.filter((s) => JSON.stringify(s.Resource).includes(':hyper-parameter-tuning-job/'))).toEqual([{
      Action: [
        'sagemaker:AddTags', 'sagemaker:CreateHyperParameterTuningJob', 'sagemaker:DescribeHyperParameterTuningJob', 'sagemaker:ListTags',
        'sagemaker:StopHyperParameterTuningJob',
      ],
      Effect: 'Allow',
      Resource: 'arn:aws:sagemaker:us-east-1:123456789012:hyper-parameter-tuning-job/churn-????????????',
    }]);
    expect(statements.filter((s) => JSON.stringify(s.Resource).includes(':training-job/'))).toEqual([{
      Action: 'sagemaker:DescribeTrainingJob', Effect: 'Allow',
      Resource: 'arn:aws:sagemaker:us-east-1:123456789012:training-job/churn-????????????-???-????????',
    }]);
    expect(statements.filter((s) => [s.Action].flat().includes('events:PutRule'))).toEqual([{
      Action: ['events:DescribeRule', 'events:PutRule', 'events:PutTargets'], Effect: 'Allow',
      Resource: 'arn:aws:events:us-east-1:123456789012:rule/StepFunctionsGetEventsForSageMakerTuningJobsRule',
    }]);
    const streams = roleStatements(template, 'ChurnTrainingRole').filter((s) => [s.Action].flat().includes('logs:PutLogEvents'));
    expect(streams.map((s) => s.Resource)).toEqual([
      'arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/TrainingJobs:log-stream:churn-????????????-???-????????/*',
    ]);
  });

  test('hyperband takes its resource bounds, and a warm start its parents', () => {
    const { template } = tuned({
      strategy: TuningStrategy.HYPERBAND, hyperband: { minResource: 1, maxResource: 50 }, warmStartFrom: ['churn-a', 'churn-b'],
      warmStartType: WarmStartType.TRANSFER_LEARNING, maxRuntime: Duration.hours(10),
    });
    const args = stateMachineDefinition(template).States.Tune.Arguments;
    expect(args.HyperParameterTuningJobConfig.StrategyConfig).toEqual({ HyperbandStrategyConfig: { MinResource: 1, MaxResource: 50 } });
    expect(args.HyperParameterTuningJobConfig.TrainingJobEarlyStoppingType).toBe('Off');
    expect(args.HyperParameterTuningJobConfig.ResourceLimits.MaxRuntimeInSeconds).toBe(36000);
    expect(args.WarmStartConfig).toEqual({
      ParentHyperParameterTuningJobs: [{ HyperParameterTuningJobName: 'churn-a' }, { HyperParameterTuningJobName: 'churn-b' }],
      WarmStartType: 'TransferLearning',
    });
  });

  test('grid search runs every combination of its categorical ranges', () => {
    const { template } = tuned({
      strategy: TuningStrategy.GRID, ranges: [HyperparameterRange.categorical('a', ['1', '2', '3']), HyperparameterRange.categorical('b', ['x', 'y'])],
      maxParallelJobs: 6,
    });
    expect(stateMachineDefinition(template).States.Tune.Arguments.HyperParameterTuningJobConfig.ResourceLimits)
      .toEqual({ MaxParallelTrainingJobs: 6, MaxRuntimeInSeconds: 24 * 3600 });
  });

  test('the best training job goes through the plain run\'s gate and registration; a run without one fails NoTrainingJobCompleted', () => {
    const states = stateMachineDefinition(tuned().template).States;
    expect(states.Train).toBeUndefined();
    expect(states.Tune.Next).toBe('BestTrainingJob');
    expect(states.BestTrainingJob.Choices[0]).toMatchObject({ Condition: "{% $type($trainingJobName) = 'string' %}", Next: 'ReadFinalMetrics' });
    expect(states.BestTrainingJob.Default).toBe('NoBestTrainingJob');
    expect(states.NoBestTrainingJob.Next).toBe('Failed');
    expect(states.ReadFinalMetrics.Next).toBe('QualityGate');
  });

  test('the state machine\'s timeout is the tuning job\'s runtime plus the capacity budget and an hour', () => {
    const { template } = tuned({ maxRuntime: Duration.hours(30) });
    const machine = Object.values<any>(template.Resources).find((r) => r.Type === 'AWS::StepFunctions::StateMachine');
    expect(stateMachineDefinition(template).TimeoutSeconds).toBe((30 + 2 + 1) * 3600);
    expect(machine.Properties.DefinitionString).toBeDefined();
  });

  test('without jobNamePrefix, a tuned pipeline derives a prefix of at most 19 characters', () => {
    const f = fixture();
    const p = pipeline(f, { tuning: TUNING });
    expect(p.jobNamePrefix.length).toBeLessThanOrEqual(19);
    expect(p.tunes).toBe(true);
  });
});

describe('TrainingPipeline tuning bad input', () => {
  test.each([
    ['a continuous range with min = max', { ranges: [HyperparameterRange.continuous('eta', 0.1, 0.1)] }, /tuning\.ranges\[0\]\.min must be less than max \(0\.1\)/],
    ['a continuous range with min > max', { ranges: [HyperparameterRange.continuous('eta', 0.2, 0.1)] }, /tuning\.ranges\[0\]\.min must be less than max/],
    ['an integer range with min = max', { ranges: [HyperparameterRange.integer('d', 4, 4)] }, /tuning\.ranges\[0\]\.min must be less than max \(4\)/],
    ['an integer range with a fractional bound', { ranges: [HyperparameterRange.integer('d', 1.5, 4)] }, /tuning\.ranges\[0\]\.min must be a whole number/],
    ['log scaling with min = 0', { ranges: [HyperparameterRange.continuous('eta', 0, 1, RangeScaling.LOGARITHMIC)] }, /min must be greater than 0: a logarithmic scale/],
    ['log scaling with min < 0', { ranges: [HyperparameterRange.integer('d', -1, 4, RangeScaling.LOGARITHMIC)] }, /min must be greater than 0/],
    ['reverse log scaling reaching 1', { ranges: [HyperparameterRange.continuous('m', 0.5, 1, RangeScaling.REVERSE_LOGARITHMIC)] }, /within \[0, 1\)/],
    ['reverse log scaling on an integer range', { ranges: [HyperparameterRange.integer('d', 1, 4, RangeScaling.REVERSE_LOGARITHMIC)] }, /for an integer range/],
    ['more parallel jobs than max jobs', { maxJobs: 4, maxParallelJobs: 5 }, /tuning\.maxParallelJobs must be at most maxJobs \(4\), got 5/],
    ['zero max jobs', { maxJobs: 0, maxParallelJobs: 1 }, /tuning\.maxJobs must be a whole number >= 1, got 0/],
    ['Hyperband without a resource (no maxResource, no epochs hyperparameter)', { strategy: TuningStrategy.HYPERBAND }, /tuning\.hyperband\.maxResource must be .*Hyperband needs the resource/],
    ['Hyperband with maxResource over 20000', { strategy: TuningStrategy.HYPERBAND, hyperband: { maxResource: 20001 } }, /maxResource must be a whole number from 1 to 20000, got 20001/],
    ['Hyperband with minResource over maxResource', { strategy: TuningStrategy.HYPERBAND, hyperband: { minResource: 11, maxResource: 10 } }, /minResource must be a whole number from 1 to maxResource \(10\), got 11/],
    ['early stopping with Hyperband', { strategy: TuningStrategy.HYPERBAND, hyperband: { maxResource: 10 }, earlyStopping: true }, /tuning\.earlyStopping must be false with TuningStrategy\.HYPERBAND/],
    ['Hyperband options with another strategy', { hyperband: { maxResource: 10 } }, /tuning\.hyperband must be omitted unless strategy is TuningStrategy\.HYPERBAND/],
    ['a grid over a numeric range', { strategy: TuningStrategy.GRID, ranges: [HyperparameterRange.integer('d', 1, 4)] }, /grid strategy searches categorical ranges only/],
    ['a grid with maxJobs', { strategy: TuningStrategy.GRID, ranges: [HyperparameterRange.categorical('a', ['1', '2'])], maxJobs: 2 }, /tuning\.maxJobs must be omitted with TuningStrategy\.GRID/],
    ['no ranges', { ranges: [] }, /tuning\.ranges must be 1 to 30 ranges/],
    ['31 ranges', { ranges: Array.from({ length: 31 }, (_, i) => HyperparameterRange.integer(`p${i}`, 1, 2)) }, /tuning\.ranges must be 1 to 30 ranges .*got '31 ranges'/],
    ['a categorical range with 31 values', { ranges: [HyperparameterRange.categorical('a', Array.from({ length: 31 }, (_, i) => `${i}`))] }, /values must be 1 to 30 values/],
    ['duplicate range names', { ranges: [HyperparameterRange.integer('d', 1, 2), HyperparameterRange.integer('d', 1, 3)] }, /tuning\.ranges\[1\]\.name must be unique/],
    ['an objective that is not a metric definition', { objective: { metricName: 'accuracy', direction: ObjectiveDirection.MAXIMIZE } }, /tuning\.objective\.metricName must be one of the metricDefinitions names/],
    ['a runtime under 120 seconds', { maxRuntime: Duration.seconds(119) }, /tuning\.maxRuntime must be a whole number of seconds from 120 to 15768000/],
    ['a runtime over SageMaker\'s limit', { maxRuntime: Duration.seconds(15768001) }, /tuning\.maxRuntime must be/],
    ['2 jobs without improvement', { maxJobsWithoutImprovement: 2 }, /tuning\.maxJobsWithoutImprovement must be a whole number >= 3, got 2/],
    ['6 warm-start parents', { warmStartFrom: ['a', 'b', 'c', 'd', 'e', 'f'] }, /tuning\.warmStartFrom must be 1 to 5 tuning job names/],
    ['a warm-start type without parents', { warmStartType: WarmStartType.TRANSFER_LEARNING }, /tuning\.warmStartType must be omitted unless warmStartFrom is given/],
  ])('fails on %s', (_name, tuning, message) => {
    expect(synthError(tuning as Partial<HyperparameterTuning>)).toMatch(message);
  });

  test.each([
    ['min just under max', { ranges: [HyperparameterRange.continuous('eta', 0.0999, 0.1)] }],
    ['log scaling with min just above 0', { ranges: [HyperparameterRange.continuous('eta', 1e-9, 1, RangeScaling.LOGARITHMIC)] }],
    ['reverse log scaling within [0, 1)', { ranges: [HyperparameterRange.continuous('m', 0, 0.999, RangeScaling.REVERSE_LOGARITHMIC)] }],
    ['as many parallel jobs as max jobs', { maxJobs: 4, maxParallelJobs: 4 }],
    ['Hyperband with maxResource 20000', { strategy: TuningStrategy.HYPERBAND, hyperband: { maxResource: 20000 } }],
    ['Hyperband with minResource = maxResource', { strategy: TuningStrategy.HYPERBAND, hyperband: { minResource: 10, maxResource: 10 } }],
    ['early stopping with Bayesian search', { earlyStopping: true }],
    ['30 ranges', { ranges: Array.from({ length: 30 }, (_, i) => HyperparameterRange.integer(`p${i}`, 1, 2)) }],
    ['a runtime of 120 seconds', { maxRuntime: Duration.seconds(120) }],
    ['a runtime of 15768000 seconds', { maxRuntime: Duration.seconds(15768000) }],
    ['3 jobs without improvement', { maxJobsWithoutImprovement: 3 }],
    ['5 warm-start parents', { warmStartFrom: ['a', 'b', 'c', 'd', 'e'] }],
  ])('accepts %s', (_name, tuning) => {
    expect(synthError(tuning as Partial<HyperparameterTuning>)).toBe('');
  });

  test('Hyperband infers its resource from an epochs hyperparameter', () => {
    expect(synthError({ strategy: TuningStrategy.HYPERBAND }, { hyperparameters: { epochs: 30 } })).toBe('');
  });

  test('fails on a tuned hyperparameter that is also static', () => {
    expect(synthError({}, { hyperparameters: { eta: 0.1 } })).toMatch(/tuning\.ranges\[0\]\.name must be not one of the pipeline's hyperparameters/);
  });

  test('fails on a 20-character prefix with tuning, and accepts 19', () => {
    expect(synthError({}, { jobNamePrefix: 'a'.repeat(20) })).toMatch(/jobNamePrefix must be at most 19 characters with tuning/);
    expect(synthError({}, { jobNamePrefix: 'a'.repeat(19) })).toBe('');
  });

  test('fails on TensorBoard with tuning', () => {
    expect(synthError({}, { tensorBoard: true })).toMatch(/tensorBoard must be false with tuning/);
  });

  test('fails on a weekly schedule shorter than the tuning job\'s runtime, and accepts one that fits', () => {
    const weekly = scheduler.ScheduleExpression.rate(Duration.days(7));
    expect(synthError({ maxRuntime: Duration.hours(166) }, { schedule: weekly })).toMatch(/schedule must be no more frequent than the state machine's timeout .*tuning\.maxRuntime/);
    expect(synthError({ maxRuntime: Duration.hours(165) }, { schedule: weekly })).toBe('');
  });
});
