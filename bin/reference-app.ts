import { App, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
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
}

/**
 * Composes the reference app: the whole lifecycle of a churn model, one stack per concern.
 * Environment-agnostic: no account or region is needed to synthesize it.
 */
export function buildReferenceApp(app: App): ReferenceStacks {
  const data = new DataStack(app, 'DataStack', {
    description: 'cdk-mlops reference app: data lake (zones, key, catalog, query workgroup)',
  });
  return { data };
}
