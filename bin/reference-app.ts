import { App, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { TrainingStack } from './stacks/training-stack';
import { DataLake } from '../lib';

/**
 * The data stack: the lake that every other stack reads from and writes to.
 */
export class DataStack extends Stack {
  public readonly lake: DataLake;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.lake = new DataLake(this, 'Lake');
  }
}

/** The stacks of the reference app, for tests and benchmarks. */
export interface ReferenceStacks {
  readonly data: DataStack;
  readonly training: TrainingStack;
}

/**
 * Composes the reference app: the whole lifecycle of a churn model, one stack per concern, with cross-stack
 * references (the lake, the registry). Environment-agnostic: no account or region is needed to synthesize it.
 */
export function buildReferenceApp(app: App): ReferenceStacks {
  const data = new DataStack(app, 'DataStack', {
    description: 'cdk-mlops reference app: data lake (zones, key, catalog, query workgroup)',
  });
  const training = new TrainingStack(app, 'TrainingStack', {
    description: 'cdk-mlops reference app: weekly GPU spot training, quality gate and model registry',
    lake: data.lake,
  });
  return { data, training };
}
