import * as ec2 from 'aws-cdk-lib/aws-ec2';

/**
 * Where and how the library's Lambda handlers run (the drift, baseline-profile and model-quality functions of a
 * `DriftMonitor`, the experiment function of an `AbExperiment`). One function serves every construct of a stack that uses
 * the handler, so every construct of a stack that gives `handlerOptions` must give the same ones.
 *
 * Without options the functions run outside any VPC with unreserved concurrency (cdk-nag's HIPAA Security and NIST 800-53 R5
 * `LambdaInsideVPC` and `LambdaConcurrency` findings are then acknowledged by the library, with that reason).
 */
export interface HandlerOptions {
  /**
   * The VPC to run the handlers in. The handlers call S3, CloudWatch, SageMaker and (scheduled) Lambda APIs: the subnets
   * need a route to them (a NAT gateway, or interface endpoints for SageMaker and CloudWatch and a gateway endpoint for S3).
   *
   * @default - no VPC
   */
  readonly vpc?: ec2.IVpc;

  /**
   * The subnets of `vpc` (1 to 16; not public ones: a function there has no public IP).
   *
   * @default - the VPC's private subnets with egress, else its isolated subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * The security groups of the handlers in `vpc` (1 to 5).
   *
   * @default - one security group per function, with no inbound rule and all outbound traffic allowed
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * Concurrent executions reserved for each handler function (and at most that many run at once). Reserved concurrency is
   * taken from the account's regional pool, which must keep 100 unreserved executions.
   *
   * @default - unreserved
   */
  readonly reservedConcurrentExecutions?: number;
}
