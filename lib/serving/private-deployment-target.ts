/**
 * What an endpoint's variants look like to a deployment policy, for checks.
 */
export interface DeploymentTarget {
  readonly productionVariants: number;
  readonly serverless: boolean;
  /** The smallest initial instance count among instance variants, if known. */
  readonly minInstanceCount?: number;
}
