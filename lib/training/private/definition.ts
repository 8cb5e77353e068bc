import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { defineQualityGate, gateMetadata, gateTerms } from './quality-gate';
import { PipelineRoles, modelPackagesArn } from './roles';
import { defineOverlapCheck } from './overlap';
import { defineRunInputCheck } from './run-input';
import { prune, renderTrainingState, renderTuningState } from './training-state';
import { ValidatedConfig } from './validate';
import * as perms from '../perms';
import { ModelApprovalStatus } from '../training-options';
import type { TrainingPipelineProps } from '../training-pipeline';

/**
 * Errors of the AWS SDK integration (`aws-sdk:sagemaker:*`, the ReadFinalMetrics and RegisterModel states) that a retry can cure.
 * The integration names errors `SageMaker.<ErrorCode>Exception`
 * (https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html); SageMaker's transient common errors are
 * ThrottlingException, InternalFailure and ServiceUnavailable (https://docs.aws.amazon.com/sagemaker/latest/APIReference/CommonErrors.html),
 * and an error the SDK does not model (throttling among them) arrives as the catch-all `SageMaker.SageMakerException`. Both states
 * are safe to call again: DescribeTrainingJob only reads, and CreateModelPackage is idempotent through its ClientToken (the run id).
 * Validation errors, `ResourceLimitExceeded` and the like fail the run at once.
 */
const TRANSIENT_SDK_ERRORS = [
  'SageMaker.ThrottlingException',
  'SageMaker.InternalFailureException',
  'SageMaker.ServiceUnavailableException',
  'SageMaker.SageMakerException',
];
/**
 * The optimized integration (`sagemaker:createTrainingJob.sync`, the Train state) reports every SageMaker API error, throttling
 * included, as `SageMaker.AmazonSageMakerException` and puts the error code only in the cause: Retry (which matches names) cannot
 * tell throttling from a validation error, so `retryTraining` reads the cause. `SageMaker.ThrottlingException` is also retried, in
 * case the integration names throttling as the SDK integration does.
 */
const THROTTLING_ERRORS = ['SageMaker.ThrottlingException'];

/** What the state machine definition needs beyond the props. */
export interface DefinitionInputs {
  readonly roles: PipelineRoles;
  readonly vpcConfig: any;
  readonly trainingJobsArn: string;
  /** With tuning: the training jobs its tuning jobs launch. */
  readonly tunedJobsArn?: string;
}

/**
 * The states of a run: name the job, train (.sync), read the final metrics, gate, register, notify; every failure notifies and
 * ends in Failed with the failed step's error and cause.
 */
export function defineStates(scope: Construct, props: TrainingPipelineProps, cfg: ValidatedConfig, inputs: DefinitionInputs): sfn.IChainable {
  const stack = Stack.of(scope);
  const { roles, trainingJobsArn } = inputs;
  const gate = props.qualityGate;
  const { requirement, metricLiteral } = gateTerms(gate);
  const pathLiteral = JSON.stringify(scope.node.path);

  // One run id per execution (a UUID, 36 characters): the job is named `<prefix>-<runId>` (at most 26 + 1 + 36 = 63 characters,
  // SageMaker's limit), and the run id is the registration's idempotency token (CreateModelPackage's ClientToken: 1-36 characters).
  const jobName = `'${cfg.jobNamePrefix}-' & $runId`;
  const prepare = sfn.Pass.jsonata(scope, 'NameTrainingJob', {
    comment: 'A run id per execution; the training job is named <prefix>-<runId>, under the prefix the pipeline may use',
    assign: { runId: '{% $uuid() %}', throttleRetries: 0, capacityWaited: 0, capacityRetries: 0 },
  });
  // With tuning, a tuning job named `<prefix>-<12 hex digits of the run id>` (at most 19 + 1 + 12 = 32 characters, SageMaker's limit)
  // replaces the training job; its best training job is what the states after it read, gate and register.
  const tuningJobName = `'${cfg.jobNamePrefix}-' & $substring($join($split($runId, '-')), 0, 12)`;
  const train = cfg.tuning
    ? renderTuningState(scope, props, cfg, roles, inputs.vpcConfig, tuningJobName)
    : renderTrainingState(scope, props, cfg, roles, inputs.vpcConfig, jobName);

  const describeJob = tasks.CallAwsService.jsonata(scope, 'ReadFinalMetrics', {
    comment: 'Reads the final metrics and the model artifacts of the job',
    service: 'sagemaker',
    action: 'describeTrainingJob',
    iamAction: 'sagemaker:DescribeTrainingJob',
    iamResources: [cfg.tuning ? inputs.tunedJobsArn! : trainingJobsArn],
    parameters: { TrainingJobName: '{% $trainingJobName %}' },
    assign: {
      modelDataUrl: '{% $states.result.ModelArtifacts.S3ModelArtifacts %}',
      metric: `{% ($v := $states.result.FinalMetricDataList[MetricName = ${metricLiteral}].Value; $exists($v) ? $v[0] : null) %}`,
    },
    outputs: '{% $states.input %}',
  });

  const packagesArn = modelPackagesArn(stack, props.registry.modelPackageGroupName);
  roles.machineAcks.add(packagesArn, 'CreateModelPackage on new versions of the target model package group only; SageMaker numbers the versions.');
  const register = tasks.CallAwsService.jsonata(scope, 'RegisterModel', {
    comment: 'Registers a model package: the inference image and the model artifacts of the job',
    service: 'sagemaker',
    action: 'createModelPackage',
    iamAction: 'sagemaker:CreateModelPackage',
    iamResources: [packagesArn],
    parameters: prune({
      ModelPackageGroupName: props.registry.modelPackageGroupName,
      ModelPackageDescription: `{% 'Trained by ' & $trainingJobName & '; ' & ${metricLiteral} & ' = ' & $string($metric) %}`,
      ModelApprovalStatus: props.approvalStatus ?? ModelApprovalStatus.PENDING_MANUAL_APPROVAL,
      // Idempotent retries: one model package per run. The run id is a UUID, which fits the token's 1-36 characters [a-zA-Z0-9-].
      ClientToken: '{% $runId %}',
      InferenceSpecification: {
        Containers: [{ Image: roles.inferenceImageUri, ModelDataUrl: '{% $modelDataUrl %}' }],
        SupportedContentTypes: props.supportedContentTypes,
        SupportedResponseMIMETypes: props.supportedResponseTypes,
        SupportedRealtimeInferenceInstanceTypes: props.supportedRealtimeInferenceInstanceTypes,
      },
      CustomerMetadataProperties: {
        TrainingJobName: '{% $trainingJobName %}',
        ...(cfg.tuning ? { TuningJobName: '{% $tuningJobName %}' } : {}),
        ...gateMetadata(gate),
      },
    }),
    assign: { modelPackageArn: '{% $states.result.ModelPackageArn %}' },
  });

  for (const task of [describeJob, register]) {
    task.addRetry({
      errors: TRANSIENT_SDK_ERRORS, interval: Duration.seconds(5), maxAttempts: 6, backoffRate: 2,
      maxDelay: Duration.minutes(2), jitterStrategy: sfn.JitterType.FULL,
    });
  }
  train.addRetry({
    errors: THROTTLING_ERRORS, interval: Duration.seconds(10), maxAttempts: 6, backoffRate: 2,
    maxDelay: Duration.minutes(5), jitterStrategy: sfn.JitterType.FULL,
  });

  const topic = props.notificationTopic;
  if (topic?.masterKey) {
    // Publishing to an encrypted topic uses its key; exact actions rather than grantPublish's kms:GenerateDataKey*.
    roles.stateMachineRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: perms.TOPIC_KEY_ACTIONS, resources: [topic.masterKey.keyArn] }));
  }
  const notify = (notifyId: string, status: string, fields: string): tasks.SnsPublish | undefined => {
    if (!topic) {
      return undefined;
    }
    const publish = tasks.SnsPublish.jsonata(scope, notifyId, {
      topic,
      subject: `Training pipeline ${status}`.slice(0, 100),
      message: sfn.TaskInput.fromText(
        `{% $string({"pipeline": ${pathLiteral}, "status": "${status}", "execution": $states.context.Execution.Id${fields}}) %}`,
      ),
      outputs: '{% $states.input %}',
    });
    publish.addRetry({
      errors: ['SNS.ThrottledException', 'SNS.InternalErrorException', 'SNS.KMSThrottlingException'],
      interval: Duration.seconds(2), maxAttempts: 5, backoffRate: 2,
    });
    return publish;
  };

  const failed = sfn.Fail.jsonata(scope, 'Failed', {
    comment: 'A step failed; the error and cause are those of the failed step',
    error: '{% $states.input.Error %}',
    cause: '{% $states.input.Cause %}',
  });
  const notifyFailure = notify('NotifyFailure', 'FAILED', ', "error": $states.input.Error, "cause": $states.input.Cause');
  // A notification that cannot be sent must not hide the step's error: Failed gets the original error and cause (this state's input).
  notifyFailure?.addCatch(failed, { errors: [sfn.Errors.ALL], outputs: '{% $states.input %}' });
  const onFailure = chain(notifyFailure, failed);
  for (const task of [describeJob, register]) {
    task.addCatch(onFailure, { errors: [sfn.Errors.ALL] });
  }
  train.addCatch(retryTraining(scope, cfg, train, onFailure), { errors: [sfn.Errors.ALL] });

  const succeeded = new sfn.Succeed(scope, 'Registered');
  const notifySuccess = notify('NotifySuccess', 'SUCCEEDED',
    `, "trainingJobName": $trainingJobName, "metric": ${metricLiteral}, "value": $metric, "modelPackageArn": $modelPackageArn`);
  if (notifySuccess) {
    // The model is registered: a notification that cannot be sent must not fail the run. The error stays in the execution log.
    notifySuccess.addCatch(sfn.Succeed.jsonata(scope, 'RegisteredWithoutNotification', {
      comment: 'The model was registered, but the success notification could not be sent',
      outputs: '{% {"modelPackageArn": $modelPackageArn, "notificationError": $states.input.Error, "notificationCause": $states.input.Cause} %}',
    }), { errors: [sfn.Errors.ALL] });
  }
  const { choice } = defineQualityGate(scope, gate, chain(register, chain(notifySuccess, succeeded)), (gateFailed) => {
    const notifyGateFailed = notify('NotifyQualityGateFailed', 'QUALITY_GATE_FAILED',
      `, "trainingJobName": $trainingJobName, "metric": ${metricLiteral}, "value": $metric, "required": "${requirement}"`);
    // The run fails with QualityGateFailed whether or not the notification could be sent.
    notifyGateFailed?.addCatch(gateFailed, { errors: [sfn.Errors.ALL] });
    return chain(notifyGateFailed, gateFailed);
  });

  if (cfg.tuning) {
    // No training job of the tuning job completed with an objective value (all failed or were stopped): nothing to gate.
    const noBest = sfn.Pass.jsonata(scope, 'NoBestTrainingJob', {
      comment: 'The tuning job ended without a best training job',
      outputs: '{% {"Error": "NoTrainingJobCompleted", "Cause": \'Tuning job \' & $tuningJobName & \' ended without a training job that '
        + 'completed with an objective value (training jobs: \' & $string($tuningJobCounters) & \'); nothing was registered\'} %}',
    });
    noBest.next(onFailure);
    train.next(sfn.Choice.jsonata(scope, 'BestTrainingJob', { comment: 'The tuning job\'s best training job, if any' })
      .when(sfn.Condition.jsonata("{% $type($trainingJobName) = 'string' %}"), describeJob, { comment: 'A training job completed' })
      .otherwise(noBest));
  } else {
    train.next(describeJob);
  }
  describeJob.next(choice);
  const overlap = defineOverlapCheck(scope, defineRunInputCheck(scope, props.channels, train));
  overlap.addCatch(onFailure, { errors: [sfn.Errors.ALL] });
  return prepare.next(overlap);
}

/** Retries of CreateTrainingJob.sync that Retry cannot express, because they depend on the cause. */
const THROTTLE_RETRIES = 6;
/**
 * A throttled call, as the optimized integration reports it: the API error `SageMaker.AmazonSageMakerException` with
 * "Error Code: ThrottlingException" in the cause. A job that ran and failed arrives as `States.TaskFailed` with the job's
 * description as the cause, which may mention throttling too (its FailureReason): that job exists, and calling
 * CreateTrainingJob again with its name would fail (a name is unique per account and Region).
 */
const THROTTLED = "($states.input.Error = 'SageMaker.AmazonSageMakerException' and $contains($states.input.Cause, 'Error Code: ThrottlingException'))";
/** A job that failed because SageMaker could not provision its instances (the job's FailureReason, in the cause). */
const NO_CAPACITY = "($contains($states.input.Cause, 'InsufficientCapacityError') or $contains($states.input.Cause, 'CapacityError'))";

/**
 * What follows a failed Train state. The optimized integration reports every SageMaker API error as
 * `SageMaker.AmazonSageMakerException` and names the error code only in the cause, so Retry (which matches error names) cannot
 * tell throttling from a validation error: a Choice reads the cause.
 * - Throttled (the job was not created): wait 10 s doubling up to 5 minutes, at most 6 times, and call CreateTrainingJob again
 *   with the same job name.
 * - No capacity (the job failed to start): wait 2 minutes doubling up to 30 minutes while `capacityWaitBudget` lasts, then start a
 *   new job under a new run id (a job name cannot be reused).
 * - Anything else: the failure path.
 */
function retryTraining(scope: Construct, cfg: ValidatedConfig, train: sfn.IChainable, onFailure: sfn.IChainable): sfn.IChainable {
  const budget = cfg.capacityWaitBudget.toSeconds();
  const throttleWait = '$min([300, 10 * $power(2, $throttleRetries)])';
  const capacityWait = '$min([1800, 120 * $power(2, $capacityRetries)])';
  const waitThrottled = sfn.Wait.jsonata(scope, 'WaitAfterThrottling', {
    comment: 'CreateTrainingJob was throttled: back off, then call it again with the same job name',
    time: sfn.WaitTime.seconds(`{% ${throttleWait} %}`),
    assign: { throttleRetries: '{% $throttleRetries + 1 %}' },
  });
  waitThrottled.next(train);
  const waitCapacity = sfn.Wait.jsonata(scope, 'WaitForCapacity', {
    comment: 'SageMaker had no capacity for the job: back off, then start a new job',
    time: sfn.WaitTime.seconds(`{% ${capacityWait} %}`),
    assign: { capacityWaited: `{% $capacityWaited + ${capacityWait} %}`, capacityRetries: '{% $capacityRetries + 1 %}' },
  });
  const rename = sfn.Pass.jsonata(scope, 'NameNextTrainingJob', {
    comment: 'A new run id, so the next job has a new name (the failed job keeps its own)',
    assign: { runId: '{% $uuid() %}' },
  });
  waitCapacity.next(rename);
  rename.next(train);
  return sfn.Choice.jsonata(scope, 'RetryTraining', { comment: 'Retries training on throttling and on missing capacity' })
    .when(sfn.Condition.jsonata(`{% ${THROTTLED} and $throttleRetries < ${THROTTLE_RETRIES} %}`), waitThrottled,
      { comment: 'Throttled: the job was not created' })
    .when(sfn.Condition.jsonata(`{% ${NO_CAPACITY} and $capacityWaited + ${capacityWait} <= ${budget} %}`), waitCapacity,
      { comment: 'No capacity, and the wait fits the capacity budget' })
    .otherwise(onFailure);
}

/** `first.next(second)`, or `second` alone when there is no first state. */
function chain(first: sfn.IChainable | undefined, second: sfn.IChainable): sfn.IChainable {
  if (!first) {
    return second;
  }
  return sfn.Chain.start(first).next(second);
}
