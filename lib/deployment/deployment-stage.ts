import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ILakeZone } from '../data-lake';
import { IModelEndpoint } from '../serving/model-endpoint-interface';
import { IServingModel } from '../serving/serving-model';

/**
 * A smoke test of a stage after its deploy: one request with a sample payload from the lake, then, after a bake time, the
 * stage's alarms. The stage fails on an invocation error or on any alarm in ALARM.
 */
export interface SmokeTest {
  /** The endpoint to invoke (the stage's endpoint). */
  readonly endpoint: IModelEndpoint;

  /** The lake zone that holds the sample payload, e.g. `lake.zone('features')`. */
  readonly payloadZone: ILakeZone;

  /** The key of the sample payload in `payloadZone`, e.g. `churn/smoke/request.csv`: text, at most 256 KB (Step Functions' payload limit). */
  readonly payloadKey: string;

  /**
   * The MIME type of the payload.
   *
   * @default 'text/csv'
   */
  readonly contentType?: string;

  /**
   * Alarms that must not be in ALARM after the bake time, e.g. `endpoint.rollbackAlarms` (metric alarms or composite alarms).
   *
   * @default - no alarm is read: the test is the invocation alone
   */
  readonly alarms?: cloudwatch.IAlarm[];

  /**
   * How long to wait after the invocation before the alarms are read.
   *
   * @default Duration.minutes(5)
   */
  readonly bake?: Duration;
}

/**
 * One stage of a `ModelDeploymentPipeline`: a deployed stack whose served model (a `ServingModel` with `approvedModelPackage`)
 * the stage sets to the approved model package.
 */
export interface DeploymentStage {
  /** The stage's name in the pipeline: letters, digits and `.@-_`, at most 100 characters, e.g. `Staging`. */
  readonly stageName: string;

  /**
   * The model the stage deploys: a `ServingModel` with `approvedModelPackage`. Its stack, named by its parameter, is the
   * stack the stage updates.
   */
  readonly model: IServingModel;

  /**
   * Whether this is the production stage: exactly one stage is, and it comes last, after every other stage has passed.
   *
   * @default false
   */
  readonly production?: boolean;

  /**
   * A smoke test after the deploy.
   *
   * @default - none: the stage succeeds when its stack update completes
   */
  readonly smokeTest?: SmokeTest;

  /**
   * The role CloudFormation uses to update the stack. The pipeline may pass only this role, and only to CloudFormation.
   *
   * @default - the CDK bootstrap's CloudFormation execution role of the stack's account and Region
   * (`cdk-<qualifier>-cfn-exec-role-<account>-<region>`), the role `cdk deploy` deploys the stack with
   */
  readonly cloudFormationRole?: iam.IRole;

  /**
   * Whether the stack's account (if it is not the pipeline's) trusts the pipeline's account through its CDK bootstrap
   * (`cdk bootstrap --trust <pipeline account>`): the stage then calls CloudFormation through that account's bootstrap
   * deploy role. Required for a stage in another account.
   *
   * @default false
   */
  readonly trustedThroughBootstrap?: boolean;
}

/**
 * A manual approval before the production stage.
 */
export interface DeploymentApproval {
  /**
   * How long the approval waits before the execution fails: 5 minutes to 60 days (CodePipeline's limits).
   *
   * @default - CodePipeline's account default (7 days)
   */
  readonly timeout?: Duration;

  /**
   * The topic that is told an approval is pending.
   *
   * @default - the warning topic of the pipeline's alerts, if any
   */
  readonly notificationTopic?: sns.ITopic;

  /**
   * Text for the reviewer, in the notification and the console.
   *
   * @default - a sentence naming the stages the version passed
   */
  readonly additionalInformation?: string;
}
