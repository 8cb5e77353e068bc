import { App, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ServingStack } from './stacks/serving-stack';
import { TrainingStack } from './stacks/training-stack';
import { AlertTopics, DataLake, StreamIngestion } from '../lib';

/**
 * The data stack: the platform's shared, long-lived resources: the lake that every other stack reads from and writes
 * to, and the alert topics that every alarm notifies.
 */
export class DataStack extends Stack {
  public readonly lake: DataLake;
  public readonly alerts: AlertTopics;
  /** Churn events into the raw zone (events/churn/data/event_type=.../year=.../), with delivery and freshness alarms. */
  public readonly ingestion: StreamIngestion;

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
  }
}

/** The stacks of the reference app, for tests and benchmarks. */
export interface ReferenceStacks {
  readonly data: DataStack;
  readonly training: TrainingStack;
  readonly serving: ServingStack;
}

/**
 * Composes the reference app: the whole lifecycle of a churn model, one stack per concern, with cross-stack
 * references (the lake, the registry, the alert topics). Environment-agnostic: no account or region is needed to
 * synthesize it.
 */
export function buildReferenceApp(app: App): ReferenceStacks {
  const data = new DataStack(app, 'DataStack', {
    description: 'cdk-mlops reference app: data lake (zones, key, catalog, query workgroup) and alert topics',
  });
  const training = new TrainingStack(app, 'TrainingStack', {
    description: 'cdk-mlops reference app: weekly GPU spot training, quality gate, model registry and training alarms',
    lake: data.lake,
    alerts: data.alerts,
  });
  const serving = new ServingStack(app, 'ServingStack', {
    description: 'cdk-mlops reference app: champion/challenger endpoint, autoscaling, capture, canary, alarms, dashboard, drift',
    lake: data.lake,
    // The challenger is version 1 of the registry's churn package: approve it before deploying this stack.
    registry: training.registry,
    challengerPackageVersion: 1,
    alerts: data.alerts,
    retrainOnDrift: training.pipeline,
  });
  return { data, training, serving };
}
