import { CONCURRENT_RUNS, GlueWorld } from '../asl/glue-world';

/** One run of a data pipeline: the world it meets, and what must happen. */
export interface PipelineScenario {
  readonly name: string;
  /** Builds the world from the pipeline's job names, in order. */
  readonly world: (jobs: string[]) => GlueWorld;
  /** Only for pipelines with a quality gate (true) or without (false); both when absent. */
  readonly gate?: boolean;
  readonly status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';
  readonly error?: string;
  /** The states entered, in order, from the pipeline's job states (`Run<id>`, in order). */
  readonly path: (runStates: string[]) => string[];
  /** Retries per state (states not listed: none). */
  readonly retries?: (runStates: string[]) => Record<string, number>;
  readonly source: string;
}

const START = ['Start', 'CheckOtherRuns', 'OtherRunInProgress'];
const GATE = ['StartDataQualityRun', 'WaitForDataQuality', 'GetDataQualityRun', 'DataQualityRunDone', 'GetDataQualityResult', 'DataQualityGate'];
const SYNC = 'https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-sync';
const GLUE_SFN = 'https://docs.aws.amazon.com/step-functions/latest/dg/connect-glue.html';
const DQ_RESULT = 'https://docs.aws.amazon.com/glue/latest/webapi/API_GetDataQualityResult.html';
const DQ_RUN = 'https://docs.aws.amazon.com/glue/latest/webapi/API_GetDataQualityRulesetEvaluationRun.html';
const LIST = 'https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListExecutions.html';
const START_JOB_RUN = 'https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-jobs-runs.html#aws-glue-api-jobs-runs-StartJobRun';

/** The full pipeline's gate runs after its first job; the minimal pipeline has one job and no gate. */
export const PIPELINE_EXECUTIONS: PipelineScenario[] = [
  {
    name: 'every job succeeds in order (no gate)', gate: false, world: () => ({}), status: 'SUCCEEDED',
    path: (runs) => [...START, ...runs, 'Succeeded'], source: SYNC,
  },
  {
    name: 'every job succeeds and every rule passes: the gate lets the data through', gate: true, world: () => ({}), status: 'SUCCEEDED',
    path: ([first, ...rest]) => [...START, first, ...GATE, ...rest, 'Succeeded'], source: DQ_RESULT,
  },
  {
    name: 'a job run that ends FAILED fails the run, and no later job runs', world: (jobs) => ({ jobEnds: { [jobs[0]]: 'FAILED' } }),
    status: 'FAILED', error: 'States.TaskFailed', path: ([first]) => [...START, first, 'Failed'], source: SYNC,
  },
  {
    name: 'a job run that ends TIMEOUT fails the run', world: (jobs) => ({ jobEnds: { [jobs[0]]: 'TIMEOUT' } }),
    status: 'FAILED', error: 'States.TaskFailed', path: ([first]) => [...START, first, 'Failed'], source: SYNC,
  },
  {
    name: 'the last job failing fails the run after the others ran', gate: false, world: (jobs) => ({ jobEnds: { [jobs[jobs.length - 1]]: 'FAILED' } }),
    status: 'FAILED', error: 'States.TaskFailed', path: (runs) => [...START, ...runs, 'Failed'], source: SYNC,
  },
  {
    name: 'a rule that does not pass fails the run with DataQualityFailed, and the features are not built', gate: true,
    world: () => ({ failingRules: ['IsComplete "customer_id"'] }),
    status: 'FAILED', error: 'DataQualityFailed', path: ([first]) => [...START, first, ...GATE, 'DataQualityFailed'], source: DQ_RESULT,
  },
  {
    name: 'an evaluation that is still running is polled until it ends', gate: true, world: () => ({ dqStatuses: ['STARTING', 'RUNNING', 'RUNNING', 'SUCCEEDED'] }),
    status: 'SUCCEEDED',
    path: ([first, ...rest]) => [...START, first, 'StartDataQualityRun',
      ...Array(4).fill(['WaitForDataQuality', 'GetDataQualityRun', 'DataQualityRunDone']).flat(), 'GetDataQualityResult', 'DataQualityGate', ...rest, 'Succeeded'],
    source: DQ_RUN,
  },
  {
    name: 'an evaluation that itself fails fails the run with DataQualityRunFailed', gate: true, world: () => ({ dqStatuses: ['RUNNING', 'FAILED'] }),
    status: 'FAILED', error: 'DataQualityRunFailed',
    path: ([first]) => [...START, first, 'StartDataQualityRun', 'WaitForDataQuality', 'GetDataQualityRun', 'DataQualityRunDone',
      'WaitForDataQuality', 'GetDataQualityRun', 'DataQualityRunDone', 'DataQualityRunFailed'],
    source: DQ_RUN,
  },
  {
    name: 'a run that starts while another runs does nothing', world: () => ({ runningExecutions: ['arrival-1'] }),
    status: 'SUCCEEDED', path: () => ['Start', 'CheckOtherRuns', 'OtherRunInProgress', 'AnotherRunInProgress'], source: LIST,
  },
];

/** ConcurrentRunsExceeded (the job's previous run still holds its concurrency) twice on the first job: retried, then it runs. */
export const RETRY_SCENARIO = { errors: [CONCURRENT_RUNS, CONCURRENT_RUNS], source: START_JOB_RUN, glueSource: GLUE_SFN };
