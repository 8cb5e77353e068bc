import { Duration, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { StagingStack } from './staging-stack';
import { IDataLake } from '../../lib/data-lake';
import { ModelDeploymentPipeline } from '../../lib/deployment';
import { IAlertTopics } from '../../lib/monitoring';
import { IServingModel } from '../../lib/serving';
import { IModelRegistry } from '../../lib/training/model-registry';

/** Properties of the reference app's deployment stack. */
export interface DeploymentStackProps extends StackProps {
  readonly lake: IDataLake;
  readonly registry: IModelRegistry;
  readonly staging: StagingStack;
  /** The production model (the serving stack's challenger). */
  readonly production: IServingModel;
  readonly alerts: IAlertTopics;
}

/**
 * The deployment stack: approving a churn version in the registry deploys it to staging, smoke-tests it with a sample request
 * from the lake (`features` zone, `churn/smoke/request.csv`) and the staging endpoint's rollback alarms, waits up to two days for
 * an approval, then deploys it as the production challenger.
 */
export class DeploymentStack extends Stack {
  public readonly pipeline: ModelDeploymentPipeline;

  constructor(scope: Construct, id: string, props: DeploymentStackProps) {
    super(scope, id, props);
    this.pipeline = new ModelDeploymentPipeline(this, 'ChurnDeployment', {
      registry: props.registry,
      stages: [
        {
          stageName: 'Staging',
          model: props.staging.model,
          smokeTest: {
            endpoint: props.staging.endpoint,
            payloadZone: props.lake.zone('features'),
            payloadKey: 'churn/smoke/request.csv',
            alarms: props.staging.endpoint.rollbackAlarms,
            bake: Duration.minutes(10),
          },
        },
        { stageName: 'Production', model: props.production, production: true },
      ],
      approval: { timeout: Duration.days(2) },
      alerts: props.alerts,
    });
  }
}
