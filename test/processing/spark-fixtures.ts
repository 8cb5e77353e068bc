import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { DataLake } from '../../lib/data-lake';
import { AlertTopics } from '../../lib/monitoring';
import { DataPipeline, LakeTable, SparkJob, SparkJobProps, SparkScript, SparkWorkerType } from '../../lib/processing';
import { TEST_ENV, testApp } from '../util';

/** The example scripts of the repository (examples/spark/). */
export const CURATE_SCRIPT = path.join(__dirname, '..', '..', 'examples', 'spark', 'curate_events.py');
export const FEATURES_SCRIPT = path.join(__dirname, '..', '..', 'examples', 'spark', 'build_features.py');

/** A stack with a lake, in which Spark jobs and tables are defined. */
export interface SparkFixture {
  readonly app: App;
  readonly stack: Stack;
  readonly lake: DataLake;
}

export function sparkFixture(app: App = testApp()): SparkFixture {
  const stack = new Stack(app, 'Data', { env: TEST_ENV });
  const lake = new DataLake(stack, 'Lake', { databaseName: 'lake' });
  return { app, stack, lake };
}

/** The minimal job: raw/events/churn/ -> curated/churn/events/, the example curation script, every default. */
export function minimalSparkJob(f: SparkFixture, overrides: Partial<SparkJobProps> = {}): SparkJob {
  return new SparkJob(f.stack, 'Curate', {
    lake: f.lake,
    script: SparkScript.fromAsset(CURATE_SCRIPT),
    input: { zone: 'raw', prefix: 'events/churn/' },
    output: { zone: 'curated', prefix: 'churn/events/' },
    ...overrides,
  });
}

/** What the full job is given, for tests that look at it. */
export interface FullSparkJob {
  readonly job: SparkJob;
  readonly table: LakeTable;
  readonly starter: iam.Role;
}

/** Every option: bookmarks, auto scaling on G.2X, a named job, arguments, timeout, retries, a catalog table it adds partitions to. */
export function fullSparkJob(f: SparkFixture): FullSparkJob {
  const table = new LakeTable(f.stack, 'EventsTable', {
    lake: f.lake,
    zone: 'curated',
    prefix: 'churn/events/',
    tableName: 'churn_events',
    columns: [
      { name: 'customer_id', dataType: 'string' },
      { name: 'event_type', dataType: 'string' },
      { name: 'event_time', dataType: 'timestamp' },
      { name: 'amount', dataType: 'double', comment: 'purchase amount, 0 otherwise' },
    ],
    partitionKeys: [{ name: 'event_date', dataType: 'date' }],
  });
  const job = new SparkJob(f.stack, 'CurateAll', {
    lake: f.lake,
    script: SparkScript.fromAsset(CURATE_SCRIPT),
    input: { zone: 'raw', prefix: 'events/churn' },
    output: { zone: 'curated', prefix: 'churn/events/' },
    jobName: 'curate-churn-events',
    workerType: SparkWorkerType.G_2X,
    numberOfWorkers: 10,
    autoScaling: true,
    bookmarks: true,
    arguments: { '--window_days': '30' },
    timeout: Duration.minutes(45),
    maxRetries: 1,
    outputTableName: table.tableName,
  });
  const starter = new iam.Role(f.stack, 'Starter', { assumedBy: new iam.AccountRootPrincipal() });
  job.grantRun(starter);
  return { job, table, starter };
}

/** The minimal pipeline: the minimal job, on demand only. */
export function minimalPipeline(f: SparkFixture): { pipeline: DataPipeline; job: SparkJob } {
  const job = minimalSparkJob(f);
  return { pipeline: new DataPipeline(f.stack, 'Etl', { jobs: [job] }), job };
}

/** What the full pipeline is made of. */
export interface FullPipeline {
  readonly pipeline: DataPipeline;
  readonly curate: SparkJob;
  readonly features: SparkJob;
  readonly table: LakeTable;
  readonly alerts: AlertTopics;
}

/** Every option: two jobs (raw -> curated -> features), a quality gate on the curated table, a schedule, on arrival, alerts. */
export function fullPipeline(f: SparkFixture): FullPipeline {
  const { job: curate, table } = fullSparkJob(f);
  const features = new SparkJob(f.stack, 'Features', {
    lake: f.lake,
    script: SparkScript.fromAsset(FEATURES_SCRIPT),
    input: { zone: 'curated', prefix: 'churn/events/' },
    output: { zone: 'features', prefix: 'churn/' },
  });
  const alerts = new AlertTopics(f.stack, 'Alerts');
  const pipeline = new DataPipeline(f.stack, 'ChurnEtl', {
    jobs: [curate, features],
    dataQuality: { table, afterJob: curate, rules: ['RowCount > 0', 'IsComplete "customer_id"', 'ColumnValues "amount" >= 0'], rulesetName: 'churn-events' },
    schedule: scheduler.ScheduleExpression.cron({ minute: '0', hour: '2' }),
    runOnArrival: { lake: f.lake, zone: 'raw', prefix: 'events/churn/' },
    stateMachineName: 'churn-etl',
    alerts,
  });
  return { pipeline, curate, features, table, alerts };
}
