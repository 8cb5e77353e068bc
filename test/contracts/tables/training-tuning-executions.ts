import { ExecutionScenario } from './training-executions';
import { THROTTLED_SYNC } from '../asl/sagemaker-world';

/*
 * The runs of a tuned pipeline. The createHyperParameterTuningJob.sync task returns what DescribeHyperParameterTuningJob returns once
 * the tuning job has ended, and fails with States.TaskFailed (the description as the cause) when it ends Failed or Stopped
 * (https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-sync); the best training job is then read,
 * gated and registered as in a plain run. The gate of every app is `validation:auc >= 0.85`.
 */

const GATE = 'validation:auc';
const START = ['NameTrainingJob', 'CheckOtherRuns', 'OtherRunInProgress', 'CheckRunInput'];
const AFTER_TUNING = ['BestTrainingJob', 'ReadFinalMetrics', 'QualityGate', 'RegisterModel', 'NotifySuccess', 'Registered'];
const DESCRIBE_TUNING = 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeHyperParameterTuningJob.html';
const SYNC = 'https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-sync';
const COMPLETION = 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_TuningJobCompletionCriteria.html';
const OK = { [GATE]: 0.91, 'train:loss': 0.04 };

export const TUNING_EXECUTIONS: ExecutionScenario[] = [
  {
    name: 'a tuning job whose best training job passes the gate registers that job\'s model',
    world: { metrics: OK, tuning: { completed: 12 } },
    status: 'SUCCEEDED', path: [...START, 'Tune', ...AFTER_TUNING], notEntered: ['Train'], notifications: ['SUCCEEDED'], source: DESCRIBE_TUNING,
  },
  {
    name: 'a tuning job that reaches its target objective early registers its best model',
    world: { metrics: { [GATE]: 0.97, 'train:loss': 0.03 }, tuning: { completed: 4, stopped: 1 } },
    status: 'SUCCEEDED', path: [...START, 'Tune', ...AFTER_TUNING], notifications: ['SUCCEEDED'], source: COMPLETION,
  },
  {
    name: 'no improvement: a tuning job that stops on BestObjectiveNotImproving with a best model under the gate registers nothing',
    world: { metrics: { [GATE]: 0.81, 'train:loss': 0.4 }, tuning: { completed: 8, notImproving: 6 } },
    status: 'FAILED', error: 'QualityGateFailed',
    path: [...START, 'Tune', 'BestTrainingJob', 'ReadFinalMetrics', 'QualityGate', 'NotifyQualityGateFailed', 'QualityGateFailed'],
    notEntered: ['RegisterModel'], notifications: ['QUALITY_GATE_FAILED'], source: COMPLETION,
  },
  {
    name: 'failed jobs: a tuning job that completes with every training job failed or stopped has no best job, and the run says so',
    world: { metrics: OK, tuning: { completed: 0, failed: 9, stopped: 3 } },
    status: 'FAILED', error: 'NoTrainingJobCompleted',
    path: [...START, 'Tune', 'BestTrainingJob', 'NoBestTrainingJob', 'NotifyFailure', 'Failed'],
    notEntered: ['ReadFinalMetrics', 'RegisterModel'], notifications: ['FAILED'], source: DESCRIBE_TUNING,
  },
  {
    name: 'failed jobs: a tuning job that ends Failed fails the run with its description',
    world: { metrics: OK, tuning: { ends: 'Failed', completed: 0, failed: 12 } },
    status: 'FAILED', error: 'States.TaskFailed', path: [...START, 'Tune', 'RetryTraining', 'NotifyFailure', 'Failed'],
    notEntered: ['ReadFinalMetrics', 'RegisterModel'], notifications: ['FAILED'], source: SYNC,
  },
  {
    name: 'a tuning job stopped (an aborted or timed-out search) fails the run',
    world: { metrics: OK, tuning: { ends: 'Stopped', completed: 3 } },
    status: 'FAILED', error: 'States.TaskFailed', path: [...START, 'Tune', 'RetryTraining', 'NotifyFailure', 'Failed'],
    notEntered: ['RegisterModel'], notifications: ['FAILED'], source: SYNC,
  },
  {
    name: 'CreateHyperParameterTuningJob throttled once is called again after a wait, then the best model is registered',
    world: { metrics: OK, errors: { Tune: [THROTTLED_SYNC] } },
    status: 'SUCCEEDED', path: [...START, 'Tune', 'RetryTraining', 'WaitAfterThrottling', 'Tune', ...AFTER_TUNING], notifications: ['SUCCEEDED'],
    source: 'https://docs.aws.amazon.com/step-functions/latest/dg/connect-sagemaker.html',
  },
];
