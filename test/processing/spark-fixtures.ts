import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { DataLake } from '../../lib/data-lake';
import { LakeTable, SparkJob, SparkJobProps, SparkScript, SparkWorkerType } from '../../lib/processing';
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
      { name: 'customer_id', type: 'string' },
      { name: 'event_type', type: 'string' },
      { name: 'event_time', type: 'timestamp' },
      { name: 'amount', type: 'double', comment: 'purchase amount, 0 otherwise' },
    ],
    partitionKeys: [{ name: 'event_date', type: 'date' }],
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
