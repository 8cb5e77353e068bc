import * as fs from 'fs';
import * as path from 'path';
import { App, Stack, StackProps } from 'aws-cdk-lib';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import { DeploymentStack } from './stacks/deployment-stack';
import { ServingStack } from './stacks/serving-stack';
import { StagingStack } from './stacks/staging-stack';
import { TrainingStack } from './stacks/training-stack';
import {
  AlertTopics, DataLake, DataPipeline, FeatureGroup, FeatureValueType, LakeTable, SparkJob, SparkScript, SparkWorkerType, StreamIngestion,
} from '../lib';

/** The example Spark scripts (examples/spark/), from bin/ (ts-node, tests) or dist/bin/ (the built app). */
const EXAMPLES = [path.join(__dirname, '..', 'examples', 'spark'), path.join(__dirname, '..', '..', 'examples', 'spark')].find((d) => fs.existsSync(d))!;

/**
 * The data stack: the platform's shared, long-lived resources: the lake that every other stack reads from and writes
 * to, and the alert topics that every alarm notifies; the churn events stream into the raw zone, and the weekly ETL from raw
 * to curated (a catalogued, quality-gated table) to the training features.
 */
export class DataStack extends Stack {
  public readonly lake: DataLake;
  public readonly alerts: AlertTopics;
  /** Churn events into the raw zone (events/churn/data/event_type=.../year=.../), with delivery and freshness alarms. */
  public readonly ingestion: StreamIngestion;
  /** The curated churn events, a Parquet table partitioned by day. */
  public readonly eventsTable: LakeTable;
  /** Raw events -> curated Parquet (bookmarks: each run reads only the new raw objects). */
  public readonly curate: SparkJob;
  /**
   * Curated events -> per-customer features, split into train/ and validation/ for the training pipeline, and put into the
   * customer feature group.
   */
  public readonly features: SparkJob;
  /** The churn features of each customer: the online store for inference, the offline store (features zone) for training. */
  public readonly customerFeatures: FeatureGroup;
  /** Curate, the quality gate, features: weekly, before training (the training stack starts on its success). */
  public readonly etl: DataPipeline;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.lake = new DataLake(this, 'Lake');
    this.alerts = new AlertTopics(this, 'Alerts');
    this.ingestion = new StreamIngestion(this, 'Events', {
      lake: this.lake,
      prefix: 'events/churn/',
      dynamicPartitioning: true,
      partitionKeys: [{ name: 'event_type', query: '.event_type' }],
      alerts: this.alerts,
    });
    this.eventsTable = new LakeTable(this, 'ChurnEvents', {
      lake: this.lake,
      zone: 'curated',
      prefix: 'churn/events/',
      tableName: 'churn_events',
      columns: [
        { name: 'customer_id', dataType: 'string' },
        { name: 'event_type', dataType: 'string', comment: 'login, purchase, support_ticket or cancel' },
        { name: 'event_time', dataType: 'timestamp', comment: 'UTC' },
        { name: 'amount', dataType: 'double', comment: 'purchase amount, 0 otherwise' },
      ],
      partitionKeys: [{ name: 'event_date', dataType: 'date' }],
    });
    this.curate = new SparkJob(this, 'Curate', {
      lake: this.lake,
      script: SparkScript.fromAsset(path.join(EXAMPLES, 'curate_events.py')),
      input: { zone: 'raw', prefix: this.ingestion.dataPrefix },
      output: { zone: 'curated', prefix: 'churn/events/' },
      workerType: SparkWorkerType.G_2X,
      numberOfWorkers: 10,
      autoScaling: true,
      bookmarks: true,
      outputTableName: this.eventsTable.tableName,
    });
    this.customerFeatures = new FeatureGroup(this, 'CustomerFeatures', {
      featureGroupName: 'churn-customers',
      description: 'Churn features of each customer, from the weekly ETL',
      features: [
        { name: 'customer_id', featureType: FeatureValueType.STRING },
        { name: 'event_time', featureType: FeatureValueType.STRING },
        ...['logins', 'purchases', 'tickets', 'active_days'].map((name) => ({ name, featureType: FeatureValueType.INTEGRAL })),
        { name: 'spend', featureType: FeatureValueType.FRACTIONAL },
      ],
      recordIdentifier: 'customer_id',
      eventTime: 'event_time',
      offlineStore: { lake: this.lake },
    });
    this.features = new SparkJob(this, 'Features', {
      lake: this.lake,
      script: SparkScript.fromAsset(path.join(EXAMPLES, 'build_features.py')),
      input: { zone: 'curated', prefix: 'churn/events/' },
      output: { zone: 'features', prefix: 'churn/' },
      numberOfWorkers: 5,
      // The script puts each customer's features into the feature group (PutRecord from the executors).
      arguments: { '--feature_group_name': this.customerFeatures.featureGroupName },
    });
    this.customerFeatures.grantWrite(this.features.role);
    this.etl = new DataPipeline(this, 'ChurnEtl', {
      jobs: [this.curate, this.features],
      dataQuality: {
        table: this.eventsTable,
        afterJob: this.curate,
        rules: ['RowCount > 0', 'IsComplete "customer_id"', 'IsComplete "event_time"', 'ColumnValues "amount" >= 0',
          'ColumnValues "event_type" in ["login", "purchase", "support_ticket", "cancel"]'],
      },
      // Sundays at 00:00 UTC; the training stack trains when it succeeds.
      schedule: scheduler.ScheduleExpression.cron({ minute: '0', hour: '0', weekDay: 'SUN' }),
      alerts: this.alerts,
    });
  }
}

/** The stacks of the reference app, for tests and benchmarks. */
export interface ReferenceStacks {
  readonly data: DataStack;
  readonly training: TrainingStack;
  readonly staging: StagingStack;
  readonly serving: ServingStack;
  readonly deployment: DeploymentStack;
}

/**
 * Composes the reference app: the whole lifecycle of a churn model, one stack per concern, with cross-stack
 * references (the lake, the registry, the alert topics). Environment-agnostic: no account or region is needed to
 * synthesize it.
 */
export function buildReferenceApp(app: App): ReferenceStacks {
  const data = new DataStack(app, 'DataStack', {
    description: 'cdk-mlops reference app: data lake (zones, key, catalog, query workgroup), alert topics, event ingestion and the weekly ETL',
  });
  const training = new TrainingStack(app, 'TrainingStack', {
    description: 'cdk-mlops reference app: weekly GPU spot training after the ETL, quality gate, model registry and training alarms',
    lake: data.lake,
    alerts: data.alerts,
    // Weekly, after the ETL has built the features (an EventBridge rule in the training stack on the ETL's success).
    trainAfter: data.etl,
    // Training reads the offline store of the features the ETL put into the feature group.
    features: data.customerFeatures,
  });
  const serving = new ServingStack(app, 'ServingStack', {
    description: 'cdk-mlops reference app: champion/challenger endpoint, autoscaling, capture, canary, alarms, dashboard, drift',
    lake: data.lake,
    // The challenger serves the approved version the deployment pipeline passes in, the champion until then: no version is pinned.
    registry: training.registry,
    alerts: data.alerts,
    retrainOnDrift: training.pipeline,
  });
  const staging = new StagingStack(app, 'StagingStack', {
    description: 'cdk-mlops reference app: the staging endpoint that approved churn versions are smoke-tested on',
    lake: data.lake,
    registry: training.registry,
  });
  const deployment = new DeploymentStack(app, 'DeploymentStack', {
    description: 'cdk-mlops reference app: continuous deployment on approval (staging, smoke test, approval, production)',
    lake: data.lake,
    registry: training.registry,
    staging,
    production: serving.challenger,
    alerts: data.alerts,
  });
  return { data, training, staging, serving, deployment };
}
