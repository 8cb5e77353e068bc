import * as alpha from '@aws-cdk/aws-sagemaker-alpha';
import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { defineLogGroup } from './private-log-group';
import { RecommendationJobType, RecommendationStoppingConditions, RecommendationTrafficPhase } from './inference-recommendation-options';
import * as perms from './perms';
import { defineRecommendationStates } from './private-recommendation-definition';
import { planRecommendation, RecommendationPlan } from './private-recommendation-plan';
import { ILakeZone } from '../data-lake';
import { acknowledgeInlinePolicy, acknowledgeWildcardResources } from '../private/nag';
import { InputErrors, requireProps } from '../private/validation';

/** Properties of an `InferenceRecommendation`. */
export interface InferenceRecommendationProps {
  /** The versioned model package to right-size (`.../model-package/<group>/<version>`); a token is allowed. */
  readonly modelPackageArn: string;

  /**
   * An instance recommendation (DEFAULT: Inference Recommender chooses instance types and traffic) or a custom load test (ADVANCED:
   * `instanceTypes` and `trafficPhases` required).
   *
   * @default RecommendationJobType.DEFAULT
   */
  readonly jobType?: RecommendationJobType;

  /** The longest a job may run (JobDurationInSeconds): whole seconds, at most 18,000 (5 hours); it must cover the traffic phases. */
  readonly maxDuration: Duration;

  /** When a load test stops: `maxInvocationsPerMinute` is required. */
  readonly stoppingConditions: RecommendationStoppingConditions;

  /**
   * The traffic of an ADVANCED job's load tests, in order (TrafficPattern PHASES). Not allowed for DEFAULT.
   *
   * @default - none (required for ADVANCED)
   */
  readonly trafficPhases?: RecommendationTrafficPhase[];

  /**
   * The instance types to benchmark (EndpointConfigurations, 1 to 10), checked against the instance catalog.
   *
   * @default - Inference Recommender chooses (DEFAULT); required for ADVANCED
   */
  readonly instanceTypes?: alpha.InstanceType[];

  /**
   * The most load tests a job runs (ResourceLimit MaxNumberOfTests): with `maxDuration`, what bounds a run's cost.
   *
   * @default - Inference Recommender's own limit
   */
  readonly maxTests?: number;

  /**
   * The most load tests a job runs at once (ResourceLimit MaxParallelOfTests): at most `maxTests`.
   *
   * @default - Inference Recommender's own limit
   */
  readonly maxParallelTests?: number;

  /** The lake zone that holds the sample payload. */
  readonly samplePayloadZone: ILakeZone;

  /** The key of the sample payload in `samplePayloadZone`: a tar.gz of request bodies (ContainerConfig PayloadConfig SamplePayloadUrl). */
  readonly samplePayloadKey: string;

  /**
   * The content types of the sample payload (PayloadConfig SupportedContentTypes).
   *
   * @default - those of the model package
   */
  readonly contentTypes?: string[];

  /**
   * The machine learning domain of the model (ContainerConfig Domain, e.g. `MACHINE_LEARNING`, `COMPUTER_VISION`, `NATURAL_LANGUAGE_PROCESSING`).
   *
   * @default - that of the model package
   */
  readonly domain?: string;

  /**
   * The machine learning task of the model (ContainerConfig Task, e.g. `CLASSIFICATION`, `REGRESSION`).
   *
   * @default - that of the model package
   */
  readonly task?: string;

  /**
   * The lake zone that holds the package's model artifacts; the job role may read objects under `artifactsPrefix` there.
   *
   * @default - no read access to artifacts is granted: grant it on `jobRole` yourself
   */
  readonly artifactsZone?: ILakeZone;

  /**
   * The key prefix of the artifacts in `artifactsZone`, e.g. `models/churn/`. Required with `artifactsZone`.
   *
   * @default - none
   */
  readonly artifactsPrefix?: string;

  /**
   * The ECR repository of the package's inference image; the job role may pull from it.
   *
   * @default - no pull access is granted (fine for images in AWS-owned repositories such as the built-in algorithms)
   */
  readonly imageRepository?: ecr.IRepository;

  /** The topic that receives the summary of each run, and its failures (an encrypted topic: the state machine may use its key). */
  readonly alertTopic: sns.ITopic;

  /**
   * The zone of the recommendations.
   *
   * @default - the sample payload's zone
   */
  readonly reportZone?: ILakeZone;

  /**
   * The key prefix of the recommendations (`<prefix><job name>.json`).
   *
   * @default 'inference-recommendations/'
   */
  readonly reportPrefix?: string;

  /**
   * The prefix of the job names (`<prefix>-<uuid>`), and so of the models, endpoint configurations and endpoints the jobs define,
   * to which the job role is limited: 1-26 lowercase letters, digits and hyphens.
   *
   * @default - derived from the construct path
   */
  readonly jobNamePrefix?: string;

  /**
   * How long the state machine's execution logs are kept.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * Right-sizing of a registered model package with SageMaker Inference Recommender, run on demand: a Step Functions state machine
 * that starts an instance recommendation (DEFAULT) or a custom load test (ADVANCED: your instance types, traffic phases and stopping
 * conditions), follows it every minute for a bounded number of polls (then stops it), writes its recommendations as JSON to the lake
 * and publishes a summary to the alert topic; a failed, stopped or overdue job notifies and fails the execution.
 *
 * Start a run with `aws stepfunctions start-execution --state-machine-arn <stateMachineArn>`.
 */
export class InferenceRecommendation extends Construct {
  /** The state machine of a run. */
  public readonly stateMachine: sfn.StateMachine;
  /** The role Inference Recommender runs the jobs as (RoleArn): it defines and deletes the benchmark endpoints `<jobNamePrefix>-*`. */
  public readonly jobRole: iam.Role;
  /** The state machine's execution logs. */
  public readonly logGroup: logs.LogGroup;
  /** The prefix of the job names. */
  public readonly jobNamePrefix: string;
  /** Where the recommendations go: `s3://bucket/prefix`. */
  public readonly reportUri: string;
  /** The most times a run describes its job (one a minute) before it stops it. */
  public readonly maxPolls: number;

  constructor(scope: Construct, id: string, props: InferenceRecommendationProps) {
    super(scope, id);
    requireProps(this, 'InferenceRecommendation', props, {
      modelPackageArn: 'the ARN of a versioned model package', maxDuration: 'the longest a job may run',
      stoppingConditions: 'stopping conditions with maxInvocationsPerMinute', samplePayloadZone: 'the ILakeZone of the sample payload',
      samplePayloadKey: 'the key of the sample payload (a tar.gz)', alertTopic: 'an SNS topic',
    }, { trafficPhases: 'a list of traffic phases', instanceTypes: 'a list of instance types', contentTypes: 'a list of content types' });
    const errors = new InputErrors(this, 'InferenceRecommendation');
    const plan = planRecommendation(this, errors, props);
    errors.throwIfAny();
    this.jobNamePrefix = plan.jobNamePrefix;
    this.maxPolls = plan.maxPolls;
    const reports = props.reportZone ?? props.samplePayloadZone;
    this.reportUri = reports.s3Uri(plan.reportPrefix);

    const stack = Stack.of(this);
    const named = (resource: string) => stack.formatArn({ service: 'sagemaker', resource, resourceName: `${plan.jobNamePrefix}-*` });
    const jobsArn = named('inference-recommendations-job');
    this.jobRole = defineJobRole(this, props, plan, named);

    this.logGroup = defineLogGroup(this, props.logRetention, `Execution logs of the inference recommendation ${this.node.path}`);
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      definitionBody: sfn.DefinitionBody.fromChainable(defineRecommendationStates(this, {
        plan, modelPackageArn: props.modelPackageArn, jobRole: this.jobRole, jobsArn, samplePayloadZone: props.samplePayloadZone,
        contentTypes: props.contentTypes, domain: props.domain, task: props.task, reports, topic: props.alertTopic, path: this.node.path,
      })),
      queryLanguage: sfn.QueryLanguage.JSONATA,
      comment: `Inference recommendation (${plan.jobType}) of ${this.node.path}: jobs ${plan.jobNamePrefix}-<uuid>, at most ${plan.jobSeconds} s each`,
      timeout: Duration.seconds(plan.timeoutSeconds),
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
    });
    const role = this.stateMachine.role;
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: perms.DESCRIBE_MODEL_PACKAGE_ACTIONS, resources: [props.modelPackageArn] }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: perms.PASS_ROLE_ACTIONS, resources: [this.jobRole.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    }));
    if (props.alertTopic.masterKey) {
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: perms.TOPIC_KEY_ACTIONS, resources: [props.alertTopic.masterKey.keyArn] }));
    }
    reports.grantWrite(this.stateMachine, plan.reportPrefix, { allowDelete: false });
    acknowledgeInlinePolicy(role);
    const policy = role.node.tryFindChild('DefaultPolicy');
    if (policy) {
      acknowledgeWildcardResources(policy, [jobsArn], `The Inference Recommender jobs of this construct only (${plan.jobNamePrefix}-<uuid>, `
        + 'a new name per run).');
      acknowledgeWildcardResources(policy, [reports.bucket.arnForObjects(`${plan.reportPrefix}*`)], 'The recommendations of the runs, named '
        + 'by job at run time, under this prefix only.');
      acknowledgeWildcardResources(policy, ['*'], 'Execution log delivery and X-Ray tracing have no resource-level permissions.');
    }
  }

  /** Grants starting a run (`states:StartExecution`). */
  public grantStartExecution(grantee: iam.IGrantable): iam.Grant {
    return this.stateMachine.grantStartExecution(grantee);
  }
}

/**
 * The role Inference Recommender assumes to run a job: read the package, its artifacts, its image and the sample payload; define, load
 * and delete the models, endpoint configurations and endpoints named after the job; write their logs and the job's metrics.
 */
function defineJobRole(scope: Construct, props: InferenceRecommendationProps, plan: RecommendationPlan,
  named: (resource: string) => string): iam.Role {
  const stack = Stack.of(scope);
  const role = new iam.Role(scope, 'JobRole', {
    assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
    description: `Inference Recommender jobs ${plan.jobNamePrefix}-* of ${scope.node.path}`,
  });
  acknowledgeInlinePolicy(role);
  const wildcards: Array<[string, string]> = [];
  const allow = (actions: string[], resources: string[], conditions?: Record<string, Record<string, unknown>>) =>
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources, conditions }));

  allow(perms.DESCRIBE_MODEL_PACKAGE_ACTIONS, [props.modelPackageArn]);
  const models = named('model');
  const configs = named('endpoint-config');
  const endpoints = named('endpoint');
  allow(perms.BENCHMARK_MODEL_ACTIONS, [models]);
  allow(perms.BENCHMARK_ENDPOINT_CONFIG_ACTIONS, [configs]);
  allow(perms.BENCHMARK_ENDPOINT_ACTIONS, [endpoints]);
  // CreateEndpoint authorizes the endpoint and its endpoint configuration; CreateEndpointConfig names the model it serves.
  allow(['sagemaker:CreateEndpoint'], [configs]);
  const why = 'Inference Recommender names the models, endpoint configurations and endpoints it benchmarks after the job (at most its first 40 '
    + `characters: ${plan.jobNamePrefix}-<uuid>), so they are known by that prefix only, and the job's own.`;
  wildcards.push([models, why], [configs, why], [endpoints, why]);
  // The models it defines run as this role.
  allow(perms.PASS_ROLE_ACTIONS, [role.roleArn], { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } });

  props.samplePayloadZone.grantObjectRead(role, plan.samplePayloadKey);
  if (props.artifactsZone) {
    props.artifactsZone.grantRead(role, plan.artifactsPrefix);
  }
  if (props.imageRepository) {
    props.imageRepository.grantPull(role);
  }

  const logGroup = (name: string) => stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  const jobLogs = logGroup(`${perms.JOB_LOG_GROUP}:*`);
  const endpointLogs = logGroup(`${perms.ENDPOINT_LOG_GROUP}/${plan.jobNamePrefix}-*`);
  allow([...perms.LOG_GROUP_ACTIONS, ...perms.LOG_STREAM_ACTIONS], [jobLogs, endpointLogs]);
  wildcards.push([jobLogs, `Inference Recommender's fixed log group ${perms.JOB_LOG_GROUP} and its streams; ":*" is the ARN form CloudWatch Logs `
    + 'authorizes log-group actions against.'], [endpointLogs, 'The log groups of the benchmark endpoints, named after the job.']);
  allow(perms.PUT_JOB_METRICS_ACTIONS, ['*'], { StringEquals: { 'cloudwatch:namespace': perms.JOB_METRICS_NAMESPACE } });
  allow(perms.READ_METRICS_ACTIONS, ['*']);
  wildcards.push(['*', 'cloudwatch:PutMetricData and GetMetricData have no resource-level permissions: publishing is limited to the '
    + `${perms.JOB_METRICS_NAMESPACE} namespace; reading metrics is read only${props.imageRepository ? '; ecr:GetAuthorizationToken has none '
      + 'either (image pulls are limited to the package image\'s repository)' : ''}.`]);

  const policy = role.node.tryFindChild('DefaultPolicy');
  for (const [arn, reason] of policy ? wildcards : []) {
    acknowledgeWildcardResources(policy!, [arn], reason);
  }
  return role;
}
